"""Properties of ``parse`` on any input: never raises, bounded, JSON-serialisable, RRULEs expand exactly."""

from __future__ import annotations

import json
import time
from datetime import date, datetime

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines import Kind, explain, parse

WORDS = ["Quý", "quý", "I", "II", "IV", "/", "2025", "2026", "202", "năm", "sau", "tháng", "ngày", "trước",
         "chậm nhất", "hằng", "hàng", "định kỳ", "6 tháng", "9 tháng", "cả năm", "từ", "đến", "hết", "-", "+", "•",
         ";", ":", ".", ",", "(", ")", "\n", "31", "02", "15", "30/11/2025", "01/11/202", "Thường xuyên", "Theo",
         "Kế hoạch số 76/KH-UBND ngày 05/4/2018", "Ngay sau khi", "đột xuất", "hoặc", "Đã thực hiện", "tuần",
         "cuối", "đầu", "giữa", "trung tuần", "kỳ", "lần", "mùng", "của", "mỗi", "cùng", "báo cáo", "(chủ Nhật)",
         "26 - 27/6", "  ", "\u0301", "Ð", "QUÝ"]
cells = st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join)
INTERNAL = "Lỗi nội bộ"


def _expand(rule: str, start: date, end: date) -> list[date]:
    return [d.date() for d in rrulestr(rule).between(datetime.combine(start, datetime.min.time()),
                                                      datetime.combine(end, datetime.min.time()), inc=True)]


def _check(text: str, year: int) -> None:
    milestones = parse(text, year)
    json.dumps([m.to_json() for m in milestones], ensure_ascii=False)
    for m in milestones:
        assert not any(INTERNAL in w for w in m.warnings), (text, m)
        assert isinstance(explain(m), str)
        if m.kind is Kind.ONCE:
            assert m.due is not None
        if m.kind is Kind.RECURRING:
            assert m.rrule and "WKST=MO" in m.rrule and m.rrule.startswith("DTSTART:")
            assert _expand(m.rrule, date(year, 1, 1), date(year, 12, 31)) == [o.due for o in m.occurrences], text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells, st.integers(1990, 2100))
def test_it_never_raises_on_deadline_like_text(text, year):
    _check(text, year)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(1900, 2199))
def test_it_never_raises_on_any_text(text, year):
    _check(text, year)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["Định kỳ hằng quý", "hằng tháng", "định kỳ 6 tháng", "trước ngày 20/11 hàng năm",
                        "ngày 31 hằng tháng", "02 kỳ/tháng", "hằng tuần", "quý I hàng năm",
                        "trước ngày 01 tháng cuối quý", "hằng năm từ năm 2024 đến 2027"]),
       st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(0, 800))
def test_it_expands_every_rrule_to_exactly_the_occurrences_of_any_horizon(text, start, days):
    end = date.fromordinal(start.toordinal() + days)
    (m,) = parse(text, start.year, horizon=(start, end))
    assert _expand(m.rrule, start, end) == [o.due for o in m.occurrences]


def test_it_finishes_a_megabyte_in_roughly_linear_time():
    unit = ("- Kế hoạch kiểm tra: Quý I/2024; - Thông báo: Ngay sau khi có chỉ đạo của Chính phủ; Thủ tướng; "
            "- Báo cáo: định kỳ hằng quý hoặc đột xuất (26 - 27/6/2025) trước ngày 30/11/2025 ")
    small, big = unit * (100_000 // len(unit)), unit * (1_000_000 // len(unit))
    timings = []
    for text in (small, big):
        t0 = time.perf_counter()
        parse(text, 2025)
        timings.append(time.perf_counter() - t0)
    # 10x the input must not cost 100x the time (quadratic); allow generous noise around 10x.
    assert timings[1] < 40 * max(timings[0], 0.01), timings


def test_it_stays_linear_on_one_huge_part_without_separators():
    text = "a " * 500_000
    t0 = time.perf_counter()
    (m,) = parse(text, 2025)
    assert m.kind is Kind.UNRESOLVED
    assert time.perf_counter() - t0 < 30
