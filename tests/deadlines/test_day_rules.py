"""Day rules: reading rule sentences, applying them to recurring reports, JSON round trip."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr

from deadlines import DayRule, apply_day_rules, parse, parse_day_rules

SEED003 = ("các Báo cáo quý nộp trước ngày mùng 07 của tháng cuối quý; riêng báo cáo năm nộp trước ngày "
           "07/11/2024")
CCHC = "chậm nhất là ngày 20 của tháng cuối kỳ báo cáo"


def _dates(m) -> list[str]:
    return [o.due.isoformat() for o in m.occurrences]


def test_it_reads_the_seed_003_rule_sentence():
    quarterly, annual = parse_day_rules(SEED003, 2024)
    assert (quarterly.periods, quarterly.day, quarterly.strict) == (("quý", "6 tháng", "9 tháng"), 7, True)
    assert (annual.periods, annual.fixed, annual.strict) == (("năm",), date(2024, 11, 7), True)


def test_it_moves_quarterly_reports_of_seed_003_to_the_6th_and_the_annual_to_6_november():
    (m,) = parse("Báo cáo kết quả thực hiện: Định kỳ hằng Quý.", 2024, rules=parse_day_rules(SEED003, 2024))
    assert _dates(m) == ["2024-03-06", "2024-06-06", "2024-09-06", "2024-11-06"]
    assert m.strict


def test_it_moves_a_union_of_periods_with_the_seed_003_rule():
    (m,) = parse("định kỳ hằng quý, 6 tháng, 9 tháng, cả năm hoặc đột xuất", 2024,
                 rules=parse_day_rules(SEED003, 2024))
    assert _dates(m) == ["2024-03-06", "2024-06-06", "2024-09-06", "2024-11-06"]
    assert m.ad_hoc


def test_it_applies_the_cchc_rule_on_the_20th():
    (rule,) = parse_day_rules(CCHC, 2025)
    assert (rule.day, rule.strict) == (20, False)
    (m,) = parse("Định kỳ hằng quý", 2025, rules=[rule])
    assert _dates(m) == ["2025-03-20", "2025-06-20", "2025-09-20", "2025-12-20"]
    assert m.rrule == "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20;WKST=MO"


@pytest.mark.parametrize(("sentence", "text", "want"), [
    (SEED003, "Định kỳ hằng Quý", ["2024-03-06", "2024-06-06", "2024-09-06", "2024-11-06"]),
    (CCHC, "Báo cáo định kỳ hàng Quý.", ["2024-03-20", "2024-06-20", "2024-09-20", "2024-12-20"]),
    ("báo cáo tháng gửi trước ngày 15 hằng tháng", "Báo cáo: hằng tháng",
     [f"2024-{m:02d}-14" for m in range(1, 13)]),
    ("Báo cáo 6 tháng gửi trước ngày 05/6; báo cáo năm trước ngày 25/11", "định kỳ 6 tháng, năm",
     ["2024-06-04", "2024-11-24"]),
    ("các Báo cáo nộp trước ngày mùng 7 của tháng cuối quý; riêng báo cáo năm nộp trước ngày 07/11/2024",
     "định kỳ 3 tháng, 6 tháng, 9 tháng, cả năm", ["2024-03-06", "2024-06-06", "2024-09-06", "2024-11-06"]),
])
def test_it_moves_recurring_reports_by_the_rule(sentence, text, want):
    (m,) = parse(text, 2024, rules=parse_day_rules(sentence, 2024))
    assert _dates(m) == want
    expanded = rrulestr(m.rrule).between(datetime(2024, 1, 1), datetime(2024, 12, 31), inc=True)
    assert [d.date().isoformat() for d in expanded] == want


def test_it_leaves_non_reports_and_one_time_deadlines_alone():
    rules = parse_day_rules(CCHC, 2025)
    plan, once = parse("- Kế hoạch: hằng năm. - Báo cáo: Quý IV/2025", 2025, rules=rules)
    assert _dates(plan) == ["2025-12-31"]
    assert once.due == date(2025, 12, 31)


def test_it_falls_on_period_ends_without_rules():
    (m,) = parse("Định kỳ hằng quý", 2024)
    assert _dates(m) == ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]


def test_it_reads_a_rule_sentence_as_a_recurring_milestone():
    first, second = parse(SEED003, 2024)
    assert _dates(first)[:3] == ["2024-03-06", "2024-06-06", "2024-09-06"]
    assert second.due == date(2024, 11, 6)


def test_it_finds_no_rule_in_ordinary_text():
    assert parse_day_rules("Thường xuyên", 2025) == []
    assert parse_day_rules("", 2025) == []


def test_it_round_trips_rules_through_json():
    rules = parse_day_rules(SEED003, 2024) + parse_day_rules(CCHC, 2024)
    for rule in rules:
        data = rule.to_json()
        assert data["version"] == 1
        assert DayRule.from_json(data) == rule


@pytest.mark.parametrize("data", [
    {"version": 2, "periods": ["quý"], "day": 7},
    {"version": 1, "periods": [], "day": 7},
    {"version": 1, "periods": ["tuần"], "day": 7},
    {"version": 1, "periods": ["quý"]},
    {"version": 1, "periods": ["quý"], "day": 40},
    {"version": 1, "periods": ["quý"], "day": 7, "fixed": "2024-11-07"},
])
def test_it_refuses_malformed_or_unknown_rule_json(data):
    with pytest.raises(ValueError):
        DayRule.from_json(data)


def test_apply_day_rules_is_a_no_op_without_rules():
    milestones = parse("Định kỳ hằng quý", 2025)
    assert apply_day_rules(milestones, []) == milestones
