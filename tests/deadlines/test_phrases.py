"""The phrase table (phrases.py) and the RRULE table: every form of the deadline language."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr

from deadlines import explain, parse
from tests.deadlines.phrases import PHRASES

CASES = [pytest.param(text, year, want, id=f"{family}:{text[:50]}")
         for family, rows in PHRASES.items() for text, year, want in rows]


def _check(m: dict, want: dict, year: int) -> None:
    assert m["kind"] == want["kind"], m
    for key in ("due", "start", "ad_hoc", "label", "strict"):
        if key in want:
            assert m[key] == want[key], (key, m)
    occ = [d for d in m["occurrences"] if d.startswith(str(year))]
    if "occ" in want:
        assert occ == want["occ"], m
    if "count" in want:
        assert len(occ) == want["count"], m
    if "first" in want:
        assert occ[0] == want["first"], m
    if want.get("warn"):
        assert m["warnings"], m
    elif want["kind"] != "unresolved":
        assert not any("Lỗi nội bộ" in w for w in m["warnings"])


def test_it_has_at_least_150_phrases_in_the_table():
    assert len(CASES) >= 150


@pytest.mark.parametrize(("text", "year", "want"), CASES)
def test_it_reads_the_phrase(text, year, want):
    got = [m.to_json() for m in parse(text, year)]
    assert len(got) == len(want), got
    for m, w in zip(got, want, strict=True):
        _check(m, w, year)
        assert isinstance(explain(next(x for x in parse(text, year) if x.to_json() == m)), str)


RRULES = [
    ("Định kỳ hằng Quý", 2025, "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;WKST=MO"),
    ("Định kỳ hằng tháng", 2025, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1;WKST=MO"),
    ("Hằng năm", 2026, "DTSTART:20260101\nRRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1;WKST=MO"),
    ("định kỳ 6 tháng", 2025, "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1;WKST=MO"),
    ("trước ngày 20/11 hàng năm", 2025, "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=19;WKST=MO"),
    ("trước ngày 15 của tháng", 2025, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=14;WKST=MO"),
    ("ngày 25 hằng tháng", 2025, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=25;WKST=MO"),
    ("trước ngày 05 tháng cuối cùng của mỗi quý", 2025,
     "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=4;WKST=MO"),
    ("02 kỳ/tháng", 2025, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=15,-1;WKST=MO"),
    ("quý I hàng năm", 2026, "DTSTART:20260101\nRRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1;WKST=MO"),
    ("hằng tuần", 2025, "DTSTART:20250101\nRRULE:FREQ=WEEKLY;BYDAY=SU;WKST=MO"),
    ("hằng quý từ năm 2025 đến 2030", 2025,
     "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;UNTIL=20301231;WKST=MO"),
    ("Hằng tháng (trước ngày 20)", 2025, "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=19;WKST=MO"),
    ("Ngày 30/4 và 02/9 hằng năm", 2025, "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2;WKST=MO"
     "\nRRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=30;WKST=MO"),
]


def _expand(rule: str, year: int) -> list[str]:
    start, end = datetime(year, 1, 1), datetime(year, 12, 31)
    return [d.date().isoformat() for d in rrulestr(rule).between(start, end, inc=True)]


@pytest.mark.parametrize(("text", "year", "rule"), RRULES, ids=[r[0] for r in RRULES])
def test_it_writes_the_exact_rrule_and_it_round_trips(text, year, rule):
    (m,) = parse(text, year)
    assert m.rrule == rule
    occurrences = [o.due.isoformat() for o in m.occurrences]
    assert _expand(rule, year) == occurrences
    # RRULE → dateutil object → RRULE text → the same dates (dateutil's own reverse test), line by line:
    # dateutil cannot print a set of rules ("ngày 30/4 và 02/9 hằng năm" has one RRULE per day)
    dtstart, *lines = rule.split("\n")
    again = "\n".join([dtstart] + [str(rrulestr(f"{dtstart}\n{line}")).split("\n")[-1] for line in lines])
    assert _expand(again, year) == occurrences


def test_it_lists_occurrences_inside_a_given_horizon():
    (m,) = parse("Định kỳ hằng quý", 2025, horizon=(date(2025, 4, 1), date(2026, 6, 30)))
    assert [o.due.isoformat() for o in m.occurrences] == ["2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31",
                                                         "2026-06-30"]
    assert [o.period for o in m.occurrences][:2] == ["quý II", "quý III"]


def test_it_names_each_period_of_a_union():
    (m,) = parse("định kỳ quý, 6 tháng, 9 tháng, cả năm", 2025)
    assert [o.period for o in m.occurrences] == ["quý I", "6 tháng", "9 tháng", "năm"]


def test_it_keeps_a_next_year_quarter_as_once():
    (m,) = parse("Quý I/2026", 2025)
    assert (m.kind.value, m.due) == ("once", date(2026, 3, 31))


def test_it_keeps_spans_into_the_original_text_for_nfd_input():
    import unicodedata

    text = unicodedata.normalize("NFD", "Báo cáo kết quả: Trước ngày 30/11/2025")
    (m,) = parse(text, 2025)
    assert m.label == "Báo cáo kết quả"
    assert unicodedata.normalize("NFC", text[m.span[0]:m.span[1]]) == m.source
    assert m.due == date(2025, 11, 29)


def test_it_parses_the_cited_document_of_a_reference():
    (m,) = parse("Theo lộ trình Kế hoạch số 220/KH-UBND ngày 23/10/2025 của UBND tỉnh.", 2026)
    doc = m.reference.document
    assert (doc.number, doc.doc_type, doc.issued_on, doc.issuer) == ("220/KH-UBND", "Kế hoạch", date(2025, 10, 23),
                                                                     "UBND tỉnh")


@pytest.mark.parametrize(("text", "year", "sentence"), [
    ("Chậm nhất trong Quý I/2025", 2025, "Hạn: 31/03/2025 (hết Quý I/2025)"),
    ("Trước ngày 30/11/2025", 2025, "Hạn: 29/11/2025 (trước ngày 30/11/2025)"),
    ("Định kỳ hằng quý", 2025, "Định kỳ hằng quý: 31/03, 30/06, 30/09, 31/12/2025"),
    ("Thường xuyên", 2025, "Thường xuyên, không có hạn cụ thể"),
    ("Ngay sau khi có hướng dẫn của Trung ương", 2025, "Khi có hướng dẫn của Trung ương"),
    ("Theo Kế hoạch số 220/KH-UBND ngày 23/10/2025 của UBND tỉnh", 2026,
     "Theo Kế hoạch số 220/KH-UBND ngày 23/10/2025 của UBND tỉnh"),
    ("từ ngày 15/4/2024 đến hết ngày 31/10/2024", 2024, "Từ 15/04/2024 đến hết 31/10/2024"),
    ("Định kỳ hằng quý hoặc đột xuất", 2025,
     "Định kỳ hằng quý: 31/03, 30/06, 30/09, 31/12/2025; hoặc đột xuất khi có yêu cầu"),
])
def test_it_explains_in_one_vietnamese_sentence(text, year, sentence):
    (m,) = parse(text, year)
    assert explain(m) == sentence
