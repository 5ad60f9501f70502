"""One test per cause found by the unseen-wording gold (tests/data/gold/unseen_deadlines.jsonl).

Each test holds several phrasings of its cause, not only the gold cell that revealed it.
"""

from __future__ import annotations

import calendar

import pytest

from deadlines import parse


def _read(text: str, year: int = 2026) -> list[tuple[str, str | None, list[str]]]:
    return [(m.kind.value, m.due.isoformat() if m.due else None,
             [o.due.isoformat() for o in m.occurrences if o.due.year == year]) for m in parse(text, year)]


def _dues(text: str) -> list[str | None]:
    return [due for _, due, _ in _read(text)]


def _occurrences(text: str) -> list[str]:
    found = _read(text)
    assert [kind for kind, _, _ in found] == ["recurring"], found
    return found[0][2]


@pytest.mark.parametrize(("text", "dues"), [
    ("Trước ngày 30/6 và 30/11/2026", ["2026-06-29", "2026-11-29"]),
    ("Trước ngày 10/6, 10/9 và 10/12/2026", ["2026-06-09", "2026-09-09", "2026-12-09"]),
    ("Trước tháng 6 và tháng 12/2026", ["2026-05-31", "2026-11-30"]),
    ("Chậm nhất ngày 15/6 và 15/12/2026", ["2026-06-15", "2026-12-15"]),
    ("Trước ngày 30/6/2026, chậm nhất ngày 31/12/2026", ["2026-06-29", "2026-12-31"]),
])
def test_trước_governs_every_date_of_its_list(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Định kỳ 6 tháng, năm (trước ngày 15/6 và 15/12)", ["2026-06-14", "2026-12-14"]),
    ("Định kỳ 6 tháng (trước ngày 20/6 và 20/12)", ["2026-06-19", "2026-12-19"]),
    ("Hằng năm (trước ngày 30/4 và 30/10)", ["2026-04-29", "2026-10-29"]),
    ("Hằng quý (trước ngày 15/3, 15/6, 15/9 và 15/12)", ["2026-03-14", "2026-06-14", "2026-09-14", "2026-12-14"]),
    ("Định kỳ 6 tháng, năm (trước ngày 15/6 và 10/12)", ["2026-06-14", "2026-12-09"]),
])
def test_a_recurrence_takes_the_days_listed_in_its_bracket(text, occurrences):
    assert _occurrences(text) == occurrences


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Tháng 3, 6, 9, 12 hằng năm", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("tháng 6 và 12 hằng năm", ["2026-06-30", "2026-12-31"]),
    ("Tháng 1, 7 hàng năm", ["2026-01-31", "2026-07-31"]),
])
def test_a_list_of_month_numbers_after_one_tháng_names_every_month(text, occurrences):
    assert _occurrences(text) == occurrences


@pytest.mark.parametrize(("text", "dues"), [
    ("Tháng 3, 6, 9, 12 năm 2026", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("Tháng 12, 15 ngày", ["2026-12-31"]),  # a count of days is no month
    ("tháng 5, 20 đơn vị", ["2026-05-31"]),
])
def test_a_month_list_keeps_the_year_written_on_its_end_and_skips_counts(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Trước ngày 05 của tháng đầu quý sau", ["2026-01-04", "2026-04-04", "2026-07-04", "2026-10-04"]),
    ("Chậm nhất ngày 10 tháng đầu quý tiếp theo", ["2026-01-10", "2026-04-10", "2026-07-10", "2026-10-10"]),
    ("Trước ngày 01 tháng đầu quý sau", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("trước ngày 15 tháng đầu năm sau", ["2026-01-14"]),
])
def test_a_day_of_the_first_month_of_the_next_period_recurs_with_the_period(text, occurrences):
    assert _occurrences(text) == occurrences


@pytest.mark.parametrize(("text", "day"), [
    ("Tuần thứ 2 của tháng", 14), ("Tuần thứ ba hàng tháng", 21), ("tuần đầu tiên của mỗi tháng", 7),
])
def test_a_week_of_each_month_is_due_at_the_end_of_that_week(text, day):
    assert _occurrences(text) == [f"2026-{m:02d}-{day:02d}" for m in range(1, 13)]


def test_the_last_week_of_each_month_is_due_on_the_last_day():
    assert _occurrences("Tuần cuối cùng hằng tháng")[:3] == ["2026-01-31", "2026-02-28", "2026-03-31"]


@pytest.mark.parametrize(("text", "dues"), [
    ("Nửa đầu năm 2026", ["2026-06-30"]), ("Nửa cuối năm", ["2026-12-31"]), ("nửa đầu năm 2027", ["2027-06-30"]),
])
def test_nửa_đầu_năm_is_the_first_half_year_not_the_first_day(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("năm2026", ["2026-12-31"]), ("Quý II năm2026", ["2026-06-30"]), ("Tháng 10 năm2026", ["2026-10-31"]),
])
def test_a_year_glued_to_năm_is_still_a_year(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Trong năm", ["2026-12-31"]), ("Báo cáo kết quả trong năm", ["2026-12-31"]),
    ("Hoàn thành trong năm.", ["2026-12-31"]), ("trong năm sau", ["2027-12-31"]),
])
def test_trong_năm_without_a_year_is_the_plan_year(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize("text", ["Thường xuyên trong năm", "Thường xuyên, liên tục trong năm"])
def test_ongoing_work_within_the_year_stays_continuous(text):
    assert [kind for kind, _, _ in _read(text)] == ["continuous"]


def test_a_school_year_is_not_the_plan_year():
    assert [kind for kind, _, _ in _read("Trong năm học 2026-2027")] == ["unresolved"]


@pytest.mark.parametrize(("text", "due"), [
    ("Quý l/2026", "2026-03-31"), ("Quý lI/2026", "2026-06-30"), ("Quý Il", "2026-06-30"),
    ("Quý lV/2026", "2026-12-31"),
])
def test_a_lower_case_l_in_a_roman_quarter_reads_as_i(text, due):
    assert _dues(text) == [due]


def test_a_word_after_quý_is_no_quarter():
    assert [kind for kind, _, _ in _read("Quy luật thị trường")] == ["unresolved"]


@pytest.mark.parametrize(("text", "kinds", "occurrences"), [
    ("Thường xuyên, định kỳ 6 tháng báo cáo", ["continuous", "recurring"], ["2026-06-30", "2026-12-31"]),
    ("Thường xuyên, liên tục, hằng năm", ["continuous", "recurring"], ["2026-12-31"]),
    ("Thường xuyên hàng năm", ["continuous"], []),  # no comma: one ongoing duty (as the held-out gold reads it)
    ("Thường xuyên, báo cáo định kỳ hằng quý", ["continuous", "recurring"],
     ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("Thường xuyên, hằng quý báo cáo UBND tỉnh", ["continuous", "recurring"],
     ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("Thường xuyên hàng ngày", ["continuous"], []),
])
def test_ongoing_work_then_a_period_is_ongoing_work_and_a_periodic_report(text, kinds, occurrences):
    found = _read(text)
    assert [kind for kind, _, _ in found] == kinds
    assert [o for _, _, occ in found for o in occ] == occurrences


@pytest.mark.parametrize(("text", "dues"), [
    ("Tổ chức tập huấn: Quý III/2026 (dự kiến tháng 8/2026)", ["2026-09-30"]),
    ("Quý IV/2026 (dự kiến ngày 15/11/2026)", ["2026-12-31"]),
    ("Tháng 12/2026 (trước ngày 20/12/2026)", ["2026-12-19"]),  # a firm bracket still sharpens
])
def test_a_tentative_date_in_brackets_is_a_note_not_a_deadline(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Quý I, II, III năm 2026", ["2026-03-31", "2026-06-30", "2026-09-30"]),
    ("Quý I, II, III, IV/2026", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
])
def test_a_comma_before_a_roman_numeral_continues_the_quarter_list(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Trong 03 tháng đầu năm 2026", ["2026-03-31"]), ("3 tháng đầu năm 2026", ["2026-03-31"]),
])
def test_the_first_three_months_end_with_quarter_i(text, dues):
    assert _dues(text) == dues


def test_a_duration_of_three_months_alone_is_no_deadline():
    assert [kind for kind, _, _ in _read("Trong 3 tháng")] == ["unresolved"]


def test_several_days_of_each_month_all_recur():
    occ = _occurrences("Định kỳ ngày 15 và ngày 30 hằng tháng")
    assert occ[:4] == ["2026-01-15", "2026-01-30", "2026-02-15", "2026-03-15"] and len(occ) == 23
    assert _occurrences("Ngày 10, 20 hằng tháng")[:3] == ["2026-01-10", "2026-01-20", "2026-02-10"]


@pytest.mark.parametrize(("text", "first", "count", "byday"), [
    ("Thứ Năm hằng tuần", "2026-01-01", 53, "TH"), ("Chiều thứ 6 hàng tuần", "2026-01-02", 52, "FR"),
    ("Thứ Hai hằng tuần", "2026-01-05", 52, "MO"), ("Hằng tuần", "2026-01-04", 52, "SU"),
])
def test_a_weekly_duty_falls_on_the_weekday_named(text, first, count, byday):
    occ = _occurrences(text)
    assert (occ[0], len(occ)) == (first, count)
    assert f"BYDAY={byday}" in parse(text, 2026)[0].rrule


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Mỗi năm 02 lần (tháng 6, tháng 12)", ["2026-06-30", "2026-12-31"]),
    ("Hằng năm 04 lần", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("Hằng năm, trước ngày 31/01 năm sau", ["2026-01-30"]),
    ("Hằng năm, chậm nhất ngày 15/01 năm sau", ["2026-01-15"]),
    ("6 tháng và 01 năm", ["2026-06-30", "2026-12-31"]),
])
def test_yearly_counts_and_next_year_days_recur(text, occurrences):
    assert _occurrences(text) == occurrences


@pytest.mark.parametrize(("text", "dues"), [
    ("Tuần thứ 3 tháng 9/2026", ["2026-09-21"]), ("tuần thứ hai của tháng 10/2026", ["2026-10-14"]),
])
def test_a_numbered_week_of_a_named_month_ends_seven_days_per_week_from_the_first(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Giai đoạn 1 (2026 - 2027): thí điểm; Giai đoạn 2 (2028 - 2030): nhân rộng", ["2027-12-31", "2030-12-31"]),
    ("a) Quý I/2026: ban hành kế hoạch; b) Quý IV/2026: sơ kết", ["2026-03-31", "2026-12-31"]),
    ("1. Tháng 3/2026: khảo sát\n2. Tháng 9/2026: tổng kết", ["2026-03-31", "2026-09-30"]),
])
def test_an_enumerated_time_before_the_colon_heads_its_part(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "days", "working"), [
    ("Sau khi Kế hoạch được ban hành 15 ngày", 15, False),
    ("Sau khi nhận được hồ sơ 05 ngày làm việc", 5, True),
    ("Sau khi có kết luận thanh tra, trong 10 ngày", 10, False),
])
def test_the_time_allowed_may_follow_the_event(text, days, working):
    [m] = parse(text, 2026)
    assert (m.kind.value, m.offset.days, m.offset.working) == ("on_event", days, working)


def test_an_event_without_a_time_allowed_keeps_no_offset():
    [m] = parse("Sau khi có hướng dẫn của Bộ", 2026)
    assert (m.kind.value, m.offset) == ("on_event", None)


@pytest.mark.parametrize("text", ["Theo định kỳ", "Báo cáo theo định kỳ"])
def test_theo_định_kỳ_without_a_period_is_unresolved_with_a_reason(text):
    [m] = parse(text, 2026)
    assert m.kind.value == "unresolved" and "chu kỳ" in m.warnings[0]


def test_theo_định_kỳ_with_a_period_recurs():
    assert _occurrences("Theo định kỳ hằng quý") == ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]


@pytest.mark.parametrize(("text", "due"), [
    ("Trong 02 năm (2026 - 2027)", "2027-12-31"), ("Trong 03 năm (2026-2028)", "2028-12-31"),
])
def test_a_duration_in_years_glossed_by_its_years_is_that_range(text, due):
    [m] = parse(text, 2026)
    assert (m.due.isoformat(), m.start.isoformat()) == (due, "2026-01-01")


@pytest.mark.parametrize(("text", "dues"), [
    ("Quý III/2026 (tháng 8)", ["2026-08-31"]), ("Năm 2026 (Quý IV)", ["2026-12-31"]),
    ("Quý I/2026 (tháng 5)", ["2026-03-31", "2026-05-31"]),  # outside the quarter: both kept, nothing guessed
])
def test_a_finer_period_in_brackets_inside_the_period_sharpens_it(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Báo cáo quý I trước ngày 15/3; báo cáo 6 tháng trước ngày 15/6", ["2026-03-14", "2026-06-14"]),
    ("Báo cáo quý III trước ngày 10/9/2026", ["2026-09-09"]),
])
def test_a_report_named_by_its_quarter_is_due_on_the_date_that_follows(text, dues):
    assert _dues(text) == dues


def test_a_report_of_a_quarter_without_a_date_is_due_at_the_quarter_end():
    assert _dues("Báo cáo Quý IV/2026") == ["2026-12-31"]


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Hằng năm: tháng 11", ["2026-11-30"]), ("Hằng năm : tháng 11", ["2026-11-30"]),
    ("Định kỳ hằng quý: trước ngày 15 tháng cuối quý", ["2026-03-14", "2026-06-14", "2026-09-14", "2026-12-14"]),
])
def test_a_period_before_the_colon_is_the_recurrence_not_a_label(text, occurrences):
    [m] = parse(text, 2026)
    assert m.label is None
    assert _occurrences(text) == occurrences


def test_quanh_năm_is_ongoing_work():
    assert [kind for kind, _, _ in _read("Quanh năm")] == ["continuous"]


@pytest.mark.parametrize(("text", "said"), [
    ("Chậm nhất 15 ngày trước ngày tổ chức Đại hội", "15 ngày trước"),
    ("Trước 05 ngày làm việc trước khi họp", "05 ngày làm việc trước"),
])
def test_a_deadline_counted_back_from_an_event_is_never_put_on_the_event_day(text, said):
    [m] = parse(text, 2026)
    assert m.kind.value == "unresolved" and m.due is None and m.offset is None
    assert said in m.warnings[0] and "thủ công" in m.warnings[0]


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Sơ kết 6 tháng, tổng kết năm", ["2026-06-30", "2026-12-31"]),
    ("Báo cáo sơ kết 6 tháng và tổng kết năm", ["2026-06-30", "2026-12-31"]),
    ("Định kỳ 6 tháng, báo cáo năm", ["2026-06-30", "2026-12-31"]),
    ("Hằng quý, sơ kết 6 tháng, tổng kết năm", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
])
def test_each_period_of_a_list_may_name_its_report(text, occurrences):
    """"Sơ kết 6 tháng, tổng kết năm": the mid-year and the year-end review, not only the first half."""
    assert _occurrences(text) == occurrences


# Batch 5 (tests/data/gold/unseen_deadlines_2.jsonl)

@pytest.mark.parametrize(("text", "year", "occurrences", "first_year"), [
    ("Định kỳ 02 năm/lần", 2026, ["2026-12-31"], None),
    ("03 năm một lần", 2027, ["2027-12-31"], None),
    ("2 năm 1 lần", 2026, ["2026-12-31"], None),
    ("Hai năm một lần", 2026, ["2026-12-31"], None),
    ("Định kỳ 05 năm/lần (từ năm 2025)", 2026, [], 2025),
    ("Định kỳ 05 năm/lần (từ năm 2025)", 2030, ["2030-12-31"], 2025),
    ("Định kỳ 2 năm/lần, giai đoạn 2026-2030", 2027, [], 2026),
    ("Định kỳ 2 năm/lần, giai đoạn 2026-2030", 2028, ["2028-12-31"], 2026),
])
def test_a_recurrence_every_few_years_keeps_its_interval(text, year, occurrences, first_year):
    """"02 năm/lần" is every other year (INTERVAL), counted from the year written, else from the plan year with
    a warning: never silently the same as "hằng năm"."""
    [m] = parse(text, year)
    assert m.kind.value == "recurring" and [o.due.isoformat() for o in m.occurrences] == occurrences
    every = int(text.split(" năm")[0].split()[-1].replace("Hai", "2"))
    assert f";INTERVAL={every};" in m.rrule
    assert m.rrule.startswith(f"DTSTART:{first_year or year}0101")
    assert bool(m.warnings) == (first_year is None)


@pytest.mark.parametrize(("text", "occurrences", "strict"), [
    ("Ngày làm việc cuối cùng của tháng", [f"2026-{m:02d}-{calendar.monthrange(2026, m)[1]}" for m in range(1, 13)],
     True),
    ("Vào ngày làm việc cuối cùng hằng tháng", None, True),
    ("Ngày làm việc cuối cùng của quý", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"], True),
    ("ngày làm việc cuối cùng của năm", ["2026-12-31"], True),
    ("Ngày làm việc đầu tiên của tháng", [f"2026-{m:02d}-01" for m in range(1, 13)], False),
    ("Ngày làm việc đầu tiên của quý", ["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"], False),
])
def test_the_working_days_of_a_period_are_its_ends_with_the_right_shift(text, occurrences, strict):
    """The parser knows no calendar: the last working day is the period's last day, strict, so that a day off
    moves it back (duepolicy), never into the next period; the first working day is day 1, moved forward."""
    [m] = parse(text, 2026)
    assert m.kind.value == "recurring" and m.strict is strict
    if occurrences is not None:
        assert [o.due.isoformat() for o in m.occurrences] == occurrences


@pytest.mark.parametrize(("text", "due", "strict"), [
    ("Ngày làm việc cuối cùng của tháng 12/2026", "2026-12-31", True),
    ("Ngày làm việc cuối cùng của năm 2026", "2026-12-31", True),
    ("Ngày làm việc đầu tiên của tháng 3/2026", "2026-03-01", False),
    ("ngày làm việc đầu tiên của năm 2027", "2027-01-01", False),
])
def test_the_working_day_of_one_period_is_one_deadline(text, due, strict):
    [m] = parse(text, 2026)
    assert (m.kind.value, m.due.isoformat(), m.strict) == ("once", due, strict)


@pytest.mark.parametrize(("text", "due"), [
    ("Quý IV/2026 (trước ngày 15/01/2027)", "2027-01-14"),
    ("Năm 2026 (trước ngày 20/01/2027)", "2027-01-19"),
    ("Tháng 12/2026 (chậm nhất ngày 05/01/2027)", "2027-01-05"),
    ("6 tháng đầu năm 2026 (trước ngày 10/7/2026)", "2026-07-09"),
    ("Quý IV/2026 (báo cáo trước ngày 10/01/2027)", "2027-01-09"),
])
def test_a_dated_bracket_just_after_a_period_is_its_precise_deadline(text, due):
    """The work of the quarter is reported after it ends: one deadline, the bracket's."""
    assert _dues(text) == [due]


def test_a_bare_date_bracketed_after_a_period_is_a_second_date():
    assert _dues("Quý IV/2026 (15/01/2027)") == ["2026-12-31", "2027-01-15"]


@pytest.mark.parametrize(("text", "dues"), [
    ("trước ngày 15/6 (báo cáo 6 tháng) và 15/12 (báo cáo năm)", ["2026-06-14", "2026-12-14"]),
    ("Trước ngày 10/7 (sơ kết) và 10/12/2026 (tổng kết)", ["2026-07-09", "2026-12-09"]),
    ("Trước 25/3 (quý I), 25/6 (quý II), 25/9 (quý III) và 25/12/2026 (quý IV)",
     ["2026-03-24", "2026-06-24", "2026-09-24", "2026-12-24"]),
    ("Chậm nhất ngày 20/6 (6 tháng), 20/12 (cả năm)", ["2026-06-20", "2026-12-20"]),
    ("Tháng 6 (sơ kết), tháng 12/2027 (tổng kết)", ["2027-06-30", "2027-12-31"]),
])
def test_a_gloss_in_brackets_does_not_break_a_list(text, dues):
    """"trước" governs every date of its list and a year written last applies to all, glosses between them or not;
    a bracketed period that holds the date before it ("25/3 (quý I)") names it and is no second deadline."""
    assert _dues(text) == dues


@pytest.mark.parametrize(("text", "dues"), [
    ("Sơ kết tháng 6/2026, tổng kết năm 2026", ["2026-06-30", "2026-12-31"]),
    ("Sơ kết vào Quý II/2026; tổng kết năm 2026", ["2026-06-30", "2026-12-31"]),
    ("Tháng 6/2026 (sơ kết); tổng kết năm 2026", ["2026-06-30", "2026-12-31"]),
    ("Sơ kết 01 năm vào tháng 12/2026, tổng kết năm 2027", ["2026-12-31", "2027-12-31"]),
    ("Quý I/2026: xây dựng kế hoạch; báo cáo kết quả năm 2026", ["2026-03-31", "2026-12-31"]),
])
def test_a_review_named_with_its_year_after_a_dated_one_is_due_that_year(text, dues):
    assert _dues(text) == dues


@pytest.mark.parametrize("text", ["Tổng kết năm 2026", "Quý I/2026; Kế hoạch cải cách hành chính năm 2026"])
def test_a_year_that_names_a_report_or_plan_is_still_no_deadline(text):
    """Alone, "Tổng kết năm 2026" names the review; a plan's name after a date stays a name."""
    assert "2026-12-31" not in _dues(text)


@pytest.mark.parametrize(("text", "year", "due", "strict"), [
    ("Trước Tết Nguyên đán 2027", 2026, "2027-02-05", True),  # mùng 1 Tết Đinh Mùi: 06/02/2027
    ("Hoàn thành trước Tết Nguyên đán Đinh Mùi 2027", 2026, "2027-02-05", True),
    ("Trước Tết Nguyên đán Bính Ngọ", 2025, "2026-02-16", True),  # the can-chi name alone fixes the year
    ("Trước Tết Âm lịch năm 2028", 2027, "2028-01-25", True),
    ("Trước Tết Trung thu năm 2026", 2026, "2026-09-24", True),  # 15/8 âm lịch
    ("Trước ngày Giỗ Tổ Hùng Vương năm 2027", 2026, "2027-04-15", True),  # 10/3 âm lịch
    ("Chậm nhất Tết Nguyên đán 2027", 2026, "2027-02-06", False),
    ("Trước Tết Dương lịch 2027", 2026, "2026-12-31", True),
    ("Trước Tết 2027", 2026, "2027-02-05", True),  # Tết alone is the lunar new year
])
def test_a_feast_with_its_year_is_resolved_from_the_lunar_calendar(text, year, due, strict):
    [m] = parse(text, year)
    assert (m.kind.value, m.due.isoformat(), m.strict) == ("once", due, strict)
    assert m.warnings and "cần kiểm tra lại" in m.warnings[0]  # the reading is said, never silent


@pytest.mark.parametrize(("text", "said"), [
    ("Trước Tết Nguyên đán", "năm 2026 là ngày 17/02/2026, năm 2027 là ngày 06/02/2027"),
    ("Dịp Tết Trung thu", "năm 2026 là ngày 25/09/2026"),
    ("Dịp Tết Nguyên đán Ất Tỵ 2025", "quanh ngày 29/01/2025"),
    ("trước Tết", "năm 2026 là ngày 17/02/2026"),
])
def test_a_feast_without_its_year_or_an_occasion_is_left_for_review_with_its_dates(text, said):
    [m] = parse(text, 2026)
    assert m.kind.value == "unresolved" and m.due is None
    assert said in m.warnings[0] and "thủ công" in m.warnings[0]


@pytest.mark.parametrize(("text", "count"), [
    ("Mỗi tháng 02 lần", 24), ("Hằng tháng 2 kỳ", 24), ("02 lần/tháng", 24), ("Hằng tháng, 03 đợt", 36),
])
def test_times_a_month_may_follow_the_month(text, count):
    assert len(_occurrences(text)) == count


@pytest.mark.parametrize(("text", "dues"), [
    ("Trước ngày 31/12 của năm 2026", ["2026-12-30"]),
    ("Tháng 01 của năm sau", ["2027-01-31"]),
    ("Báo cáo năm gửi trước ngày 15/01 của năm sau", ["2027-01-14"]),
])
def test_của_may_join_a_day_or_month_to_its_year(text, dues):
    assert _dues(text) == dues


def test_a_yearly_report_due_in_january_of_the_next_year_with_của():
    assert _occurrences("Hằng năm, trước ngày 10/01 của năm sau") == ["2026-01-09"]


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Quý IV hằng năm (trước ngày 15/11)", ["2026-11-14"]),
    ("Tháng 12 hằng năm (chậm nhất ngày 20/12)", ["2026-12-20"]),
    ("Quý IV hằng năm (trước ngày 15/01)", ["2026-01-14"]),  # the quarter's report, due in January after it
    ("Quý IV hằng năm (ngày 15/01)", ["2026-01-15", "2026-12-31"]),  # no deadline word: two dates
    ("Định kỳ 6 tháng (trước ngày 18/6 và 18/12 hằng năm)", ["2026-06-17", "2026-12-17"]),
])
def test_a_bracketed_day_pins_a_yearly_period(text, occurrences):
    assert _occurrences(text) == occurrences


def test_tết_alone_before_other_words_is_another_feast():
    [m] = parse("Trước Tết trồng cây", 2026)
    assert m.kind.value == "unresolved" and "Nguyên đán" not in m.warnings[0]


def test_a_yearly_deadline_set_by_a_lunar_feast_is_flagged():
    [m] = parse("Hằng năm, trước Tết Nguyên đán", 2026)
    assert m.kind.value == "recurring" and "âm lịch" in m.warnings[-1] and "thủ công" in m.warnings[-1]


@pytest.mark.parametrize(("text", "weekday", "strict"), [
    ("Ngày làm việc cuối cùng hằng tuần", 4, True), ("Ngày làm việc đầu tiên của tuần", 0, False),
])
def test_the_working_days_of_a_week_are_friday_and_monday(text, weekday, strict):
    [m] = parse(text, 2026)
    assert m.kind.value == "recurring" and m.strict is strict and len(m.occurrences) == 52
    assert {o.due.weekday() for o in m.occurrences} == {weekday}


def test_a_bracket_may_hold_words_after_its_deadline():
    assert _dues("Năm 2026 (trước 15/01/2027 báo cáo kết quả)") == ["2027-01-14"]
    assert _dues("Quý III/2026 (tháng 8 tổ chức hội nghị)") == ["2026-08-31"]


def test_ongoing_work_then_a_report_every_few_years():
    assert [kind for kind, _, _ in _read("Thường xuyên, 02 năm/lần báo cáo")] == ["continuous", "recurring"]


@pytest.mark.parametrize(("text", "occurrences"), [
    ("Định kỳ 2 năm/lần (năm 2026, 2028, 2030)", ["2026-12-31"]), ("Định kỳ 2 năm/lần (năm 2025, 2027)", []),
])
def test_a_year_written_with_a_cycle_of_years_anchors_it(text, occurrences):
    [m] = parse(text, 2026)
    assert [o.due.isoformat() for o in m.occurrences] == occurrences and not m.warnings
