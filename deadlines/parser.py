"""``parse``: one deadline cell or sentence to ordered milestones (docs/deadline-language.md).

Pipeline: fold (normalize.py) → mask cited documents and glosses (references.py) → split into parts
(segment.py) → per part: label, time atoms (dates.py), recurrence (recurrence.py), dateless markers →
resolve (periods.py) → optional day rules (rules.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import fields
from datetime import date
from functools import lru_cache
from operator import attrgetter

from deadlines import clauses, dates, fastpath, feasts, offsets, periods, recurrence
from deadlines.lexicon import AD_HOC, DOC_TYPES, PREFIX
from deadlines.model import Kind, ParsedMilestone, ParsedOccurrence, Reference
from deadlines.normalize import Folded, fold
from deadlines.references import cited_document, first_marker, masked
from deadlines.segment import CUNG_JOIN, TRIM, Part, clean_label, colon_label, split

_LISTED = re.compile(r"\s*(?:,|va|hoac)\s*")
_REPORT_NAMED = re.compile(r"\b(?:bao cao|so ket|tong ket)(?:\s+(?:ket qua|tinh hinh|cong tac))?\s+$")
_DIGIT_AFTER = re.compile(r"\d")
_DURATION = re.compile(r"(?:khong qua|trong vong|trong)\s+\d")
_ANCHOR = re.compile(r"\b(?:ke tu|sau|khi)\b")
_INTERNAL = "Lỗi nội bộ khi đọc thời hạn; cần kiểm tra thủ công."
_BEFORE_EVENT = "Hạn “{}” {}: hạn đứng trước một sự kiện chưa biết ngày, cần đặt hạn thủ công khi biết ngày đó."
_NAME_YEAR = "“{}” là một phần của tên nhiệm vụ/văn bản, không phải thời hạn."
_NO_START = "Chu kỳ {} năm/lần nhưng không nêu năm bắt đầu: tạm tính từ năm {}, cần kiểm tra lại."
_NO_PERIOD = "“Định kỳ” nhưng không nêu chu kỳ (tháng, quý, năm): không xác định được hạn."
_PERIODIC = re.compile(r"\bdinh ky\b")
_DEADLINE_VERB = re.compile(r"\b(?:hoan thanh|xong|nop)\s*$")
# "Kế hoạch … giai đoạn 2026 - 2030" names a plan; "Hoàn thành (trong) giai đoạn 2026 - 2027" is a deadline
_STAGE = re.compile(r"\bgiai doan\s*$")
_PERIOD_ONLY = re.compile(r"[\s+•*-]*(?:dinh ky\s+)?(?:hang|moi)\s+(?:nam|quy|thang|tuan)\s*")
# What may stand before a time that heads a part: "a) Quý I/2026: …", "Giai đoạn 1 (2026 - 2027): …"
_ENUMERATOR = re.compile(r"(?:[a-z]|\d{1,2}|[ivx]{1,4})[.)]?|(?:giai doan|dot|lan|ky|buoc)\s+(?:\d{1,2}|[ivx]{1,4})")
_NAMED_STAGE = re.compile(rf"\b(?:{DOC_TYPES}|chien luoc|quy hoach|du an)\b[^.;:,()]{{0,80}}\bgiai doan\s*$")


def parse(text: str, plan_year: int, *, rules: Sequence = (), horizon: tuple[date, date] | None = None
          ) -> list[ParsedMilestone]:
    """Milestones of ``text`` in order. Never raises on a str: an unexpected failure becomes one
    ``unresolved`` milestone with a warning (tests check that it never happens)."""
    if horizon is None:
        horizon = _plan_horizon(plan_year)
    try:
        if len(text) <= _CACHED_LENGTH:
            key = (text, plan_year, horizon)
            recipes = _CACHE.pop(key, None)
            if recipes is None:
                milestones = _parse(text, plan_year, horizon)
                recipes = tuple(map(_recipe, milestones))
            else:
                milestones = _built(recipes)
            _remember(key, recipes)
        else:
            milestones = _parse(text, plan_year, horizon)
        if rules:
            from deadlines.rules import apply_day_rules

            milestones = apply_day_rules(milestones, rules, horizon=horizon)
        return milestones
    except Exception:
        return [ParsedMilestone(Kind.UNRESOLVED, source=text[:500], warnings=[_INTERNAL])]


@lru_cache(maxsize=64)
def _plan_horizon(plan_year: int) -> tuple[date, date]:
    return date(plan_year, 1, 1), date(plan_year, 12, 31)


# Cells repeat within and across plans ("Thường xuyên", "Quý IV/2025"), and parsing is a pure function of
# (text, plan year, horizon): the constructor arguments of its milestones are cached (lists as tuples),
# never the milestones themselves (they are mutable), so every call hands out new objects and new lists.
# A dict kept in use order is the LRU: a hit is popped and put back last, the first key is the oldest.
_CACHED_LENGTH = 2_000  # longer inputs are documents, not cells: not worth keeping
_CACHE_SIZE = 4096
_CACHE: dict[tuple[str, int, tuple[date, date]], tuple[tuple, ...]] = {}
_FIELDS = attrgetter(*(f.name for f in fields(ParsedMilestone)))  # every field, in constructor order
_LIST_FIELDS = [i for i, f in enumerate(fields(ParsedMilestone)) if f.default_factory is list]


def _recipe(m: ParsedMilestone) -> tuple:
    r = list(_FIELDS(m))
    for i in _LIST_FIELDS:
        r[i] = tuple(r[i])  # the returned milestone keeps its own lists
    return tuple(r)


def _remember(key: tuple[str, int, tuple[date, date]], recipes: tuple[tuple, ...]) -> None:
    _CACHE[key] = recipes
    if len(_CACHE) > _CACHE_SIZE:
        with suppress(RuntimeError):  # another thread changed the cache meanwhile: evict on a later call
            _CACHE.pop(next(iter(_CACHE)), None)


def _built(recipes: tuple[tuple, ...]) -> list[ParsedMilestone]:
    out = []
    for r in recipes:
        m = ParsedMilestone(*r)
        m.occurrences, m.warnings = list(m.occurrences), list(m.warnings)  # the cached tuples stay in the cache
        out.append(m)
    return out


def clear_cache(memos: bool = True) -> None:
    """Forget cached cells and, with ``memos``, every memo built from what cells said (written periods,
    recurrences' schedules, period names, feast days), so a benchmark's cold path measures the engine itself."""
    _CACHE.clear()
    for memo in () if not memos else (_schedule, _plan_horizon, fastpath._due, recurrence._period_names, feasts._day):
        memo.cache_clear()


def _parse(text: str, plan_year: int, horizon: tuple[date, date]) -> list[ParsedMilestone]:
    f = fold(text)
    kept = f.folded.strip(TRIM)
    fast = fastpath.FAST.fullmatch(kept) if kept else None
    if fast:  # one part with nothing to mask, no break and no colon inside it: skip masking and splitting
        start = len(f.folded) - len(f.folded.lstrip(TRIM))
        built = _fast_part(f, kept, start, Part(start, start + len(kept), "start"), None, fast, horizon)
        if built is not None:
            return built
    hidden, _ = masked(f.folded)
    groups: list[tuple[Part, list[ParsedMilestone], bool, int]] = []  # part, milestones, usable, raw parts joined
    for part in split(f):
        found = _parse_part(f, hidden, part, plan_year, horizon, follows_time=bool(groups and groups[-1][2]))
        usable = any(m.kind is not Kind.UNRESOLVED for m in found)
        if groups and part.sep == "semicolon" and not (usable and groups[-1][2]):
            # "…; Thủ tướng Chính phủ" lists authorities; "Báo cáo A; Báo cáo B: …" joins two labels
            prev = groups[-1][0]
            groups[-1] = (Part(prev.start, part.end, prev.sep), [], usable or groups[-1][2], groups[-1][3] + 1)
        else:
            groups.append((part, found, usable, 1))
    out: list[ParsedMilestone] = []
    for part, found, _usable, joined in groups:
        # each raw part is parsed at most twice, so the whole cell stays linear
        out.extend(found if joined == 1 else _parse_part(f, hidden, part, plan_year, horizon))
    return _merged(out)


def _merged(milestones: list[ParsedMilestone]) -> list[ParsedMilestone]:
    """One milestone per thing due: "Ngày 31/12/2026; ngày 31/12/2026" is one deadline, not two reminders.

    Equal means equal in everything but where it was written (source, span); the first stays, with the warnings
    of all. An unresolved milestone is only equal to one read from the same words.
    """
    if len(milestones) < 2:
        return milestones
    first: dict[tuple, ParsedMilestone] = {}
    warned: dict[tuple, set[str]] = {}  # the warnings of a kept milestone, built at its first equal (a rare case)
    out: list[ParsedMilestone] = []
    for m in milestones:
        key = _meaning(m)
        kept = first.setdefault(key, m)
        if kept is m:
            out.append(m)
            continue
        seen = warned.get(key)
        if seen is None:
            seen = warned[key] = set(kept.warnings)
        for warning in m.warnings:
            if warning not in seen:
                seen.add(warning)
                kept.warnings.append(warning)
    return out


def _meaning(m: ParsedMilestone) -> tuple:
    return (m.kind, m.label, m.due, m.start, m.rrule, tuple(m.occurrences), m.ad_hoc, m.event, m.offset, m.reference,
            m.strict, m.period, fold(m.source).folded if m.kind is Kind.UNRESOLVED else None)


def _parse_part(f: Folded, hidden: str, part: Part, plan_year: int, horizon: tuple[date, date], *,
                clause: bool = False, follows_time: bool = False) -> list[ParsedMilestone]:
    """The milestones of one part. ``follows_time``: an earlier part or clause of the cell gave a time."""
    label, lo = colon_label(f, part)
    if label is not None and _PERIOD_ONLY.fullmatch(hidden[part.start:lo].rstrip(" :")):
        label, lo = None, part.start  # "Hằng năm: tháng 11" is one recurrence, not a label and a month
    sub = hidden[lo:part.end]
    fast = fastpath.FAST.fullmatch(sub)
    if fast:  # a common complete form holds no comma, full stop or "và": never several clauses
        built = _fast_part(f, sub, lo, part, label, fast, horizon)
        if built is not None:
            return built
    elif not clause and (pieces := clauses.split(f, hidden, Part(lo, part.end, part.sep))):
        # "… trong năm 2026 và vận hành thường xuyên, liên tục": a milestone per clause, the first under the label
        found = [m for i, piece in enumerate(pieces) for m in _parse_part(
            f, hidden, piece, plan_year, horizon, clause=True, follows_time=follows_time or i > 0)]
        if label is not None:
            found[0].label = label
            found[0].source = f.text(part.start, pieces[0].end).strip()
            found[0].span = f.orig_span(part.start, pieces[0].end)
        return found
    atoms = dates.scan(sub)
    if label is not None and not atoms and _time_only(hidden[part.start:lo - 1]) and not first_marker(sub) \
            and not recurrence.find(sub, atoms):
        # "Năm 2025: hoàn thành 50%": the time is before the colon, what is due after it
        label, sub, lo = clean_label(f, lo, part.end), hidden[part.start:lo - 1], part.start
        atoms = dates.scan(sub)
    rec = recurrence.find(sub, atoms)
    marker = first_marker(sub)
    if marker and atoms and _DURATION.match(sub, marker.span[0]) and not _ANCHOR.search(sub):
        marker = None  # "Trong 02 ngày (20-21/8/2025)": a duration with its dates, not after an event
    if marker and marker.kind is Kind.BY_REFERENCE and atoms and "," in sub[marker.span[1]:atoms[0].span[0]] \
            and periods.prefix_of(sub, atoms[0].span[0]) in ("strict", "incl", "to"):
        marker = None  # "Theo tiến độ, hoàn thành trước 31/12/2025": the date written after it is the deadline
    ad_hoc = "dot xuat" in sub and bool(AD_HOC.search(sub))  # the pattern ends with these words
    in_name: list[bool] = []
    for i, a in enumerate(atoms):  # "… giai đoạn 2019-2023": the end of a named range is named too
        chained = i > 0 and in_name[-1] and a.kind == "year" and sub[atoms[i - 1].span[1]:a.span[0]].strip() == "-"
        listed = i > 0 and not in_name[-1] and _LISTED.fullmatch(sub, atoms[i - 1].span[1], a.span[0]) is not None
        in_name.append(chained or (not listed and _in_name(a, sub)))  # "Năm 2024 và năm 2025" lists years
    if follows_time and in_name and all(in_name):  # "Sơ kết tháng 6/2026, tổng kết năm 2026": after a dated review,
        # a review named with its year is due with that year, as the first was with its month
        in_name = [not (a.kind == "year" and _REPORT_NAMED.search(sub, max(0, a.span[0] - 24), a.span[0]))
                   for a in atoms]
    names = [a for a, n in zip(atoms, in_name, strict=True) if n]
    atoms = [a for a, n in zip(atoms, in_name, strict=True) if not n]
    first = min([p for p in (rec.span[0] if rec else None, _expr_start(sub, atoms)) if p is not None], default=None)
    counted = offsets.find(f, sub, lo)  # "05 ngày làm việc kể từ ngày nhận được hồ sơ": its "05 ngày" is no date
    if counted and (first is None or counted.span[0] <= first or (marker is not None and marker.kind is Kind.ON_EVENT
                                                                   and marker.span[0] <= first)):
        first = min(counted.span[0], marker.span[0] if marker else counted.span[0])
        kind_of = "offset"
    elif marker and (first is None or marker.span[0] < first):
        first = marker.span[0]
        kind_of = "marker"
    else:
        # a day without its month ("Từ ngày 01 đến ngày 05 hằng tháng") belongs to the recurrence
        dated = [a for a in atoms if a.kind != "day"]
        kind_of = "recurring" if rec and (not dated or rec.span[0] <= dated[0].span[0] or _is_yearly(rec)) else (
            "once" if atoms else "")
    if label is None and first is not None and first > 0:
        label = _clause_label(f, sub, lo, first) if clause else _label_without_colon(f, sub, lo, first)
    source = f.text(part.start, part.end).strip()
    base = {"label": label, "source": source, "span": f.orig_span(part.start, part.end), "ad_hoc": ad_hoc}
    if kind_of == "offset":
        assert counted is not None
        day = offsets.written_day(counted.event, plan_year)
        if day is not None and not counted.offset.working:  # "trong 10 ngày kể từ ngày 05/3": known now
            return [ParsedMilestone(Kind.ONCE, due=offsets.due_after(day, counted.offset, None),
                              period=f"{counted.offset.words()} kể từ ngày {day:%d/%m/%Y}", **base)]
        return [ParsedMilestone(Kind.ON_EVENT, event=counted.event, offset=counted.offset, **base)]
    if kind_of == "marker":
        found = [_dateless(f, sub, lo, marker, base)]  # type: ignore[arg-type]
        if marker.kind is Kind.CONTINUOUS:  # "Thường xuyên (báo cáo kết quả trước ngày 15/12/2024)": a report too
            due = [a for a in atoms if a.kind == "date" and a.span[0] > marker.span[1]  # type: ignore[union-attr]
                   and periods.prefix_of(sub, a.span[0]) in ("strict", "incl", "to")]
            found += _once(periods.resolve_once(due, sub, plan_year), {**base, "label": None}) if due else []
        return found
    if kind_of == "recurring":
        found = _recurring(rec, base, horizon)  # type: ignore[arg-type]
        if feast := feasts.find(sub):  # "Hằng năm, trước Tết Nguyên đán": a lunar day no RRULE can hold
            found.warnings.append(feasts.MOVES.format(feasts.name(feast)))
        return [found]
    if kind_of == "once":
        if marker is not None and clauses.ongoing_from(sub, atoms):  # "Triển khai từ năm 2026 và … thường xuyên"
            return [ParsedMilestone(Kind.CONTINUOUS, **base)]
        return _once(periods.resolve_once(atoms, sub, plan_year), base)
    if feast := feasts.find(sub):  # "trước Tết Nguyên đán 2027": its year's feast day
        due, strict, name, warning = feasts.resolve(feast, plan_year, f.text(lo + feast.start(), lo + feast.end()))
        if due is not None:
            return [ParsedMilestone(Kind.ONCE, due=due, strict=strict, period=name, warnings=[warning], **base)]
        return [ParsedMilestone(Kind.UNRESOLVED, warnings=[warning], **base)]
    warnings = [_NAME_YEAR.format(f.text(lo + a.span[0], lo + a.span[1])) for a in names]
    if "dot xuat" in sub:
        return [ParsedMilestone(Kind.ON_EVENT, event="có yêu cầu đột xuất", **{**base, "ad_hoc": True})]
    if names and base["label"] is None:
        base["label"] = clean_label(f, part.start, part.end)
    why = _NO_PERIOD if _PERIODIC.search(sub) else "Không tìm thấy thời hạn, chu kỳ hay căn cứ nào trong nội dung này."
    return [ParsedMilestone(Kind.UNRESOLVED, warnings=warnings or [why], **base)]


def _fast_part(f: Folded, sub: str, lo: int, part: Part, label: str | None, fast: re.Match,
               horizon: tuple[date, date]) -> list[ParsedMilestone] | None:
    """A part in one of the common complete forms (fastpath.py), built as the general path builds it."""
    if label is None and (first := fastpath.first_of(fast)) > 0:
        label = _label_without_colon(f, sub, lo, first)
    base = {"label": label, "source": f.text(part.start, part.end).strip(), "span": f.orig_span(part.start, part.end),
            "ad_hoc": False}
    if fast.group("cont"):
        return [ParsedMilestone(Kind.CONTINUOUS, **base)]
    if fast.group("rec"):
        return [_recurring(fastpath.recurrence_of(fast), base, horizon)]
    m = fastpath.once(fast, base)
    return [m] if m is not None else None


def _time_only(head: str) -> bool:
    """Whether ``head`` is nothing but a time expression ("Năm 2025", "Quý I/2026", "Trước 30/6")."""
    atoms = dates.scan(head)
    if not atoms or head[atoms[-1].span[1]:].strip(" .,;()-"):
        return False
    lead = head[:atoms[0].span[0]].strip(" .,;()-+•*")
    return not lead or bool(PREFIX.fullmatch(lead + " ")) or bool(_ENUMERATOR.fullmatch(lead))


def _is_yearly(rec: recurrence.Recurrence) -> bool:
    return bool(rec.months) and len(rec.months) == 1


def _expr_start(sub: str, atoms: list[dates.Atom]) -> int | None:
    """Where the first time expression starts, including its prefix words ("Chậm nhất trong …")."""
    if not atoms:
        return None
    start = atoms[0].span[0]
    m = PREFIX.search(sub, max(0, start - 40), start)
    return m.start() if m else start


def _in_name(atom: dates.Atom, sub: str) -> bool:
    """A bare "năm 2024" after a noun ("Kế hoạch cải cách hành chính năm 2024") names a product, and so
    does "6 tháng" in "Báo cáo 6 tháng trước ngày 15/6" or "quý I" in "báo cáo quý I trước ngày 15/3" (a report
    named by its period, its date follows)."""
    if atom.kind in ("half", "quarter") and _REPORT_NAMED.search(sub, max(0, atom.span[0] - 24), atom.span[0]):
        return bool(_DIGIT_AFTER.search(sub, atom.span[1]))
    if atom.kind != "year" or atom.point or atom.span[0] == 0 or sub.startswith("giai doan", 0, atom.span[0]) \
            or periods.working_lead(sub, atom.span[0]):  # "ngày làm việc cuối cùng của năm 2026"
        return False
    before = sub[max(0, atom.span[0] - 40):atom.span[0]]
    stage = _STAGE.search(before)
    if stage:  # "trong giai đoạn 2026 - 2027" is a deadline; "Kế hoạch … giai đoạn 2026 - 2030" a name
        if PREFIX.search(before, 0, stage.start()):
            return False
        return _NAMED_STAGE.search(sub, max(0, atom.span[0] - 130), atom.span[0]) is not None
    if re.search(r"\b(?:ca|suot)\s*$", before) or re.search(r"\b\d{1,2}\s+nam\s*\(\s*$", before):
        return False  # "Cả năm 2025", "suốt năm 2025", "Trong 02 năm (2026 - 2027)"
    return bool(re.search(r"[a-z]\s*\(?\s*$", before)) and not PREFIX.search(before)


def _label_without_colon(f: Folded, sub: str, lo: int, first: int) -> str | None:
    join = CUNG_JOIN.search(sub, 0, first + 12)
    if join and join.start() < first:
        return clean_label(f, lo, lo + join.start())
    if f.is_upper_at(lo + first):
        return clean_label(f, lo, lo + first)
    return None


def _clause_label(f: Folded, sub: str, lo: int, first: int) -> str | None:
    """What a clause names before its time ("Trình Thủ tướng Chính phủ" trong năm 2026), without the deadline
    verb that only introduces the time ("Hoàn thành trước …")."""
    head = _DEADLINE_VERB.search(sub, 0, first)
    return clean_label(f, lo, lo + (head.start() if head else first))


def _dateless(f: Folded, sub: str, lo: int, marker, base: dict) -> ParsedMilestone:
    kind = marker.kind
    words = f.text(lo + marker.span[1], lo + len(sub)).strip(" .;,") or None
    if kind is Kind.ON_EVENT:
        lead = f.folded[lo + marker.span[0]:lo + marker.span[1]].strip()
        if lead.endswith("truoc"):  # "Chậm nhất 15 ngày trước ngày tổ chức Đại hội": due before the event, which
            # an offset (counted after an event) cannot hold; due on the event's day would be too late
            said = f.text(lo + marker.span[0], lo + marker.span[1]).strip()
            return ParsedMilestone(Kind.UNRESOLVED, warnings=[_BEFORE_EVENT.format(said, words or "sự kiện")], **base)
        led = lead.startswith(("ngay", "sau", "khi", "ke tu"))
        event = words if led else f.text(lo + marker.span[0], lo + len(sub))
        return ParsedMilestone(kind, event=event.strip(" .;,") if event else None, **base)
    if kind is Kind.BY_REFERENCE:
        doc = cited_document(f, lo + marker.span[0], lo + len(sub))
        return ParsedMilestone(kind, reference=Reference(words or "", doc), **base)
    return ParsedMilestone(kind, **base)


def _recurring(rec: recurrence.Recurrence, base: dict, horizon: tuple[date, date]) -> ParsedMilestone:
    dtstart = date(rec.first_year, 1, 1) if rec.first_year else horizon[0]
    rrule, occ = _schedule(_SPEC(rec), dtstart, horizon)
    warnings = [_NO_START.format(rec.every, dtstart.year)] if rec.every > 1 and not rec.first_year else []
    return ParsedMilestone(Kind.RECURRING, rrule=rrule, occurrences=list(occ), strict=rec.strict, warnings=warnings,
                           **base)


# A rule and its occurrences depend only on the recurrence's spec (everything but where it was written) and the
# horizon: a plan repeats a handful of them ("hằng quý", "hằng tháng") over its cells, so each is built once.
# The occurrences are frozen, so milestones may share them.
_SPEC_FIELDS = tuple(f.name for f in fields(recurrence.Recurrence) if f.name not in ("span", "extra"))
_SPEC = attrgetter(*_SPEC_FIELDS)


@lru_cache(maxsize=1024)
def _schedule(spec: tuple, dtstart: date, horizon: tuple[date, date]) -> tuple[str, tuple[ParsedOccurrence, ...]]:
    rec = recurrence.Recurrence(**dict(zip(_SPEC_FIELDS, spec, strict=True)))
    occ = rec.expand(max(dtstart, horizon[0]), horizon[1])
    return rec.rrule(dtstart), tuple(ParsedOccurrence(d, p) for d, p in occ)


def _once(found: list[periods.Once], base: dict) -> list[ParsedMilestone]:
    good = [o for o in found if o.due is not None]
    warnings = [w for o in found for w in o.warnings]
    if not good:
        return [ParsedMilestone(Kind.UNRESOLVED, warnings=warnings or ["Không đọc được ngày."], **base)]
    out = []
    for i, o in enumerate(good):
        ws = warnings if i == 0 else []
        out.append(ParsedMilestone(Kind.ONCE, due=o.due, start=o.start, strict=o.strict, period=o.name, warnings=ws,
                                   **base))
    return out
