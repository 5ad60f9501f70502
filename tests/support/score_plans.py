#!/usr/bin/env python3
"""Score `hanchot import --dry-run --json` on real plans of other provinces and ministries.

usage: score_plans.py HANCHOT [--plans DIR] [--min-leads PCT] [--min-deadlines PCT] [--docx]
DIR defaults to tests/data/plans. Each DIR/NN-name.txt has NN-name.gold.json: {"plan_year", "tasks": count, "sample": [
  {"section"?, "number", "lead": [...], "milestones": [{"kind", "due"? | "occurrences"?}]}]}.
A gold milestone list matches when every gold milestone has a predicted one of the same kind with the same
date (once) or the same occurrences in the plan year (recurring), and no extra dated milestone is predicted.
--docx: also import a Word rendering of each plan (one table, one row per line, a row with one cell merged
across the table), made with python-docx from the checkout's venv (NN-name.docx beside the text, when there is
one, is imported as well). Prints a line per plan and the totals last; exit 1 below a --min.
"""
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"
STOP = {"các", "và", "cơ", "quan", "thực", "hiện", "chủ", "trì", "phối", "hợp", "tỉnh", "thành", "phố"}


def tokens(s):
    s = unicodedata.normalize("NFC", s or "").lower()
    return set(re.findall(r"\w+", s)) - STOP


def lead_ok(pred, gold):
    """Same number of agencies and each gold agency has a predicted one sharing most of its words."""
    if not pred or len(pred) != len(gold):
        return False
    for g in gold:
        gt = tokens(g)
        if not any(gt and len(gt & tokens(p)) / len(gt) >= 0.75 and len(tokens(p) - gt) <= 2 for p in pred):
            return False
    return True


def in_year(dates, year):
    return sorted(d for d in (dates or []) if d and d.startswith(str(year)))


def deadlines_ok(pred, gold, year):
    for g in gold:
        found = False
        for p in pred:
            if p.get("kind") != g["kind"]:
                continue
            if g["kind"] == "once" and p.get("due") != g.get("due"):
                continue
            if g["kind"] == "recurring" and "occurrences" in g and in_year(p.get("occurrences"), year) != g["occurrences"]:
                continue
            found = True
            break
        if not found:
            return False
    dated = [p for p in pred if p.get("kind") in ("once", "recurring")]
    return len(dated) <= sum(1 for g in gold if g["kind"] in ("once", "recurring"))


def docx_of(txt: Path, python: str, out: Path) -> Path:
    code = (
        "import sys, docx\n"
        "rows = [l.rstrip('\\n').split('\\t') for l in open(sys.argv[1], encoding='utf-8') if l.strip()]\n"
        "width = max(len(r) for r in rows)\n"
        "d = docx.Document()\n"
        "t = d.add_table(rows=0, cols=width)\n"
        "for r in rows:\n"
        "    cells = t.add_row().cells\n"
        "    if len([v for v in r if v.strip()]) == 1 and r[0].strip() and width > 1:\n"
        "        merged = cells[0].merge(cells[width - 1])\n"
        "        merged.text = r[0]\n"
        "        continue\n"
        "    for i, v in enumerate(r):\n"
        "        cells[i].text = v\n"
        "d.save(sys.argv[2])\n")
    subprocess.run([python, "-c", code, str(txt), str(out)], check=True)
    return out


def run(hanchot, path, year):
    r = subprocess.run([hanchot, "import", "--dry-run", "--json", "--plan-year", str(year), str(path)],
                       capture_output=True, text=True, timeout=300)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": (r.stderr or r.stdout)[-300:]}


def score_one(out, gold):
    """Gold rows are matched to imported tasks in document order: the next task with the same number."""
    tasks = out.get("tasks") or []
    leads = dls = 0
    misses = []
    at = 0
    for g in gold["sample"]:
        num = str(g["number"]).strip(". ")
        t = None
        for j in range(at, len(tasks)):
            if str(tasks[j].get("number") or "").strip(". ") == num:
                t, at = tasks[j], j + 1
                break
        lo = t is not None and lead_ok(t.get("lead") or [], g["lead"])
        do = t is not None and deadlines_ok(t.get("milestones") or [], g["milestones"], gold["plan_year"])
        leads += lo
        dls += do
        if not (lo and do):
            misses.append((g.get("section"), num, lo, do))
    return len(tasks), leads, dls, misses


def main():
    args = sys.argv[1:]
    hanchot = args[0]
    mins = {k: float(args[args.index(k) + 1]) for k in ("--min-leads", "--min-deadlines") if k in args}
    plans = Path(args[args.index("--plans") + 1]) if "--plans" in args else PLANS
    python = str(Path(hanchot).parent / "python")
    tmp = Path(tempfile.mkdtemp())
    tot_tasks = tot_plans = tot_n = tot_l = tot_d = 0
    for gold_path in sorted(plans.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        txt = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
        inputs = [("txt", txt)]
        if "--docx" in args:
            inputs.append(("docx", docx_of(txt, python, tmp / (txt.stem + ".docx"))))
            if txt.with_suffix(".docx").exists():
                inputs.append(("own docx", txt.with_suffix(".docx")))
        for kind, path in inputs:
            out = run(hanchot, path, gold["plan_year"])
            got, leads, dls, misses = score_one(out, gold)
            n = len(gold["sample"])
            tot_plans += 1
            tot_tasks += got == gold["tasks"]
            tot_n += n
            tot_l += leads
            tot_d += dls
            miss = " ".join(f"{s or ''}-{num}{'' if lo else 'L'}{'' if do else 'D'}" for s, num, lo, do in misses[:12])
            err = f" ERROR {out['error']}" if "error" in out else ""
            print(f"{txt.stem} [{kind}]: tasks {got}/{gold['tasks']}, leads {leads}/{n}, deadlines {dls}/{n}{err}"
                  + (f"  misses: {miss}" if miss else ""))
    pl, pd = 100 * tot_l / max(tot_n, 1), 100 * tot_d / max(tot_n, 1)
    print(f"plans: task counts right {tot_tasks}/{tot_plans}, leads {pl:.1f}% ({tot_l}/{tot_n}), "
          f"deadlines {pd:.1f}% ({tot_d}/{tot_n})")
    short = pl < mins.get("--min-leads", 0) or pd < mins.get("--min-deadlines", 0)
    sys.exit(1 if short else 0)


if __name__ == "__main__":
    main()
