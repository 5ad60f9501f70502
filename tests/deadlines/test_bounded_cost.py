"""Bounded cost for any cell: repeated deadlines merged, time and memory linear in the cell's length.

Linear is checked by ratio, not by a fixed time: a cell ten times longer must cost about ten times as much
CPU and memory (a quadratic step would cost a hundred times). CPU time (``process_time``) is measured, best of
three, so the load of a shared machine moves both sides of a ratio alike.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from deadlines import Kind, parse
from deadlines.parser import clear_cache


def _cost(text: str) -> tuple[float, int]:
    """(best CPU seconds of three cold parses, peak traced bytes of one)."""
    best = float("inf")
    for _ in range(3):
        clear_cache()
        t0 = time.process_time()
        parse(text, 2026)
        best = min(best, time.process_time() - t0)
    return best, _traced(text)[1]


def _traced(text: str) -> tuple[list, int]:
    """(the milestones, peak traced bytes) of one parse under tracemalloc."""
    tracemalloc.start()
    try:
        found = parse(text, 2026)
        return found, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_same_deadline_written_twice_in_a_cell_is_one_milestone():
    [milestone] = parse("Ngày 31/12/2026; ngày 31/12/2026", 2026)
    assert (milestone.kind, milestone.due.isoformat()) == (Kind.ONCE, "2026-12-31")
    assert milestone.source == "Ngày 31/12/2026"


def test_equal_dates_of_different_reports_stay_two_milestones():
    found = parse("Báo cáo sơ kết: ngày 31/12/2026; Báo cáo tổng kết: ngày 31/12/2026", 2026)
    assert [m.label for m in found] == ["Báo cáo sơ kết", "Báo cáo tổng kết"]


def test_two_different_unreadable_parts_stay_two_and_two_equal_ones_become_one():
    assert len(parse("Theo chỉ đạo; theo chỉ đạo", 2026)) == 1
    assert len(parse("Khi có kinh phí; Khi hoàn thành dự án", 2026)) == 2


@pytest.mark.slow
def test_the_issues_quarter_cell_stays_small():
    text = "Quý I " * 30_000  # longer than any cached cell: this parse is the cold path
    [milestone], peak = _traced(text)  # the time of this parse is not asserted: one traced parse tells all
    assert milestone.kind is Kind.ONCE and milestone.due.isoformat() == "2026-03-31"
    assert peak < 64 * 1024 * 1024, f"{peak / 2**20:.0f} MiB for {len(text):,} characters"


@pytest.mark.slow
# Each of these was quadratic before: a comma or "và" list re-read to the part's end at every candidate clause,
# a year's prefix copied for every year, a dash's line searched to its end for every dash.
@pytest.mark.parametrize("unit", [
    "Hoàn thành trước 31/12/2026 và báo cáo, ", "việc A, ", "và ", ". Định kỳ ", "Năm 2025: hoàn thành 50%. ",
    "Giai đoạn 2026 - 2030 ", "a - Báo ", "Quý I ", "Ngày 31/12/2026; ", "tháng 1, tháng 2, ",
])
def test_parse_cost_grows_linearly_with_the_cell(unit):
    small, large = ((unit * (n // len(unit) + 1))[:n] for n in (4_000, 40_000))
    (t_small, m_small), (t_large, m_large) = _cost(small), _cost(large)
    assert t_large < 30 * max(t_small, 0.002), f"{t_small:.3f} s → {t_large:.3f} s for ten times the text"
    assert m_large < 20 * max(m_small, 64 * 1024), f"{m_small} → {m_large} bytes for ten times the text"
