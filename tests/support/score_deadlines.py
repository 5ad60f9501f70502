#!/usr/bin/env python3
"""Score a deadline parser against a gold file.

Usage:
  score_deadlines.py GOLD.jsonl -- COMMAND...   run COMMAND with the gold items on stdin
  score_deadlines.py GOLD.jsonl PRED.jsonl      score saved predictions

COMMAND reads JSON lines {"id", "text", "plan_year"} and writes one JSON line per input:
{"id", "milestones": [{"label", "kind", "due", "start", "occurrences", "ad_hoc", "warnings"}]}
(see docs/deadline-language.md). Prints each failure, then the accuracy as the last line.
Exit status 0 always; pass --min PCT to exit 1 below that accuracy.
"""
import json
import re
import subprocess
import sys
import unicodedata


def norm_label(s):
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s).lower()
    return re.sub(r"[\W_]+", " ", s).strip()


def in_year(dates, year):
    return sorted(d for d in (dates or []) if d and d.startswith(str(year)))


def match_exact(p, a, year):
    if p.get("kind") != a["kind"]:
        return False
    if bool(p.get("ad_hoc")) != bool(a.get("adhoc")):
        return False
    if a.get("warn") and not p.get("warnings"):
        return False
    if "offset" in a and (p.get("offset") or None) != a["offset"]:
        return False
    if a["kind"] == "once":
        if p.get("due") != a["due"]:
            return False
        if "start" in a and p.get("start") not in (None, a["start"]):
            return False
    if a["kind"] == "recurring":
        occ = in_year(p.get("occurrences"), year)
        if "occurrences" in a and occ != a["occurrences"]:
            return False
        if "count" in a and len(occ) != a["count"]:
            return False
    return True


def match_set(preds, a, year):
    dues = sorted({p.get("due") for p in preds if p.get("kind") == "once" and p.get("due")})
    kinds = {p.get("kind") for p in preds}
    if a.get("warn") and not any(p.get("warnings") for p in preds):
        return False
    if a.get("adhoc") and not any(p.get("ad_hoc") for p in preds):
        return False
    if a["kind"] == "once":
        return dues == (a.get("dues") or [a["due"]])
    if a["kind"] == "recurring":
        for p in preds:
            if p.get("kind") != "recurring":
                continue
            occ = in_year(p.get("occurrences"), year)
            if "occurrences" in a and occ == a["occurrences"]:
                return True
            if "count" in a and len(occ) == a["count"]:
                return True
        return False
    return a["kind"] in kinds and not dues


def score(gold, preds):
    ok = labels_ok = labels_n = 0
    failures = []
    for g in gold:
        p = preds.get(g["id"])
        ms = (p or {}).get("milestones") or []
        year = g["plan_year"]
        if g["mode"] == "exact":
            good = len(ms) == len(g["milestones"]) and all(
                any(match_exact(pm, a, year) for a in gm["accept"]) for pm, gm in zip(ms, g["milestones"]))
            for pm, gm in zip(ms, g["milestones"]):
                labels_n += 1
                labels_ok += norm_label(pm.get("label")) == norm_label(gm["label"])
        else:
            good = all(any(match_set(ms, a, year) for a in gm["accept"]) for gm in g["milestones"])
        ok += good
        if not good:
            failures.append((g, ms))
    return ok, failures, labels_ok, labels_n


def main():
    args = sys.argv[1:]
    minimum = None
    if "--min" in args:
        i = args.index("--min")
        minimum = float(args[i + 1])
        del args[i:i + 2]
    gold = [json.loads(line) for line in open(args[0], encoding="utf-8") if line.strip()]
    if len(args) > 2 and args[1] == "--":
        feed = "".join(json.dumps({"id": g["id"], "text": g["text"], "plan_year": g["plan_year"]},
                                  ensure_ascii=False) + "\n" for g in gold)
        run = subprocess.run(args[2:], input=feed, capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            print(run.stderr[-2000:])
        out = run.stdout
    else:
        out = open(args[1], encoding="utf-8").read()
    preds = {}
    for line in out.splitlines():
        try:
            d = json.loads(line)
            preds[d["id"]] = d
        except (ValueError, KeyError, TypeError):
            continue
    ok, failures, labels_ok, labels_n = score(gold, preds)
    for g, ms in failures:
        got = [{k: m.get(k) for k in ("label", "kind", "due", "occurrences", "ad_hoc") if m.get(k)} for m in ms]
        print(f"FAIL {g['id']} ({g['plan_year']}): {g['text'][:140]}")
        print(f"   want {json.dumps([gm['accept'] for gm in g['milestones']], ensure_ascii=False)[:300]}")
        print(f"   got  {json.dumps(got, ensure_ascii=False)[:300]}")
    if labels_n:
        print(f"labels: {labels_ok}/{labels_n} equal after normalising")
    pct = 100.0 * ok / len(gold) if gold else 0.0
    print(f"deadline accuracy: {pct:.1f}% ({ok}/{len(gold)})")
    if minimum is not None and pct < minimum:
        sys.exit(1)


if __name__ == "__main__":
    main()
