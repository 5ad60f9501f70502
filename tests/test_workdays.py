"""Working days and effective due dates, checked against docs/working-days.md §4 and §8 with literal dates."""

from __future__ import annotations

from datetime import date as D

import pytest

from deadlines.duepolicy import DuePolicy, EffectiveDue, effective_due, reminder_anchor
from deadlines.workdays import WorkCalendar, step_working_days, working_days_to

# The 2026 New Year swap the package lacks (Công văn 12729/VPCP-KGVX), as config/holidays.toml has it.
EXTRA_OFF = {D(2026, 1, 2): "Nghỉ Tết Dương lịch, hoán đổi"}
EXTRA_WORK = {D(2026, 1, 10): "Làm bù cho thứ Sáu 02/01/2026"}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(EXTRA_OFF, EXTRA_WORK)


@pytest.fixture(scope="module")
def bare() -> WorkCalendar:
    return WorkCalendar()


# docs/working-days.md §4: each announced schedule, day by day (True = working day).
ANNOUNCED = [
    # 2024, CV 2450/VPCP-KGVX: Mon 29/4 off, made up on Sat 4/5.
    (D(2024, 4, 26), True), (D(2024, 4, 27), False), (D(2024, 4, 29), False), (D(2024, 4, 30), False),
    (D(2024, 5, 1), False), (D(2024, 5, 2), True), (D(2024, 5, 4), True), (D(2024, 5, 5), False),
    # 2024 Tết: 8–14/2 off.
    (D(2024, 2, 7), True), (D(2024, 2, 8), False), (D(2024, 2, 12), False), (D(2024, 2, 14), False),
    (D(2024, 2, 15), True),
    # 2025 Tết Ất Tỵ: Sat 25/1 – Sun 2/2 (9 days), back on Mon 3/2.
    (D(2025, 1, 24), True), *[(D(2025, 1, d), False) for d in range(25, 32)], (D(2025, 2, 1), False),
    (D(2025, 2, 2), False), (D(2025, 2, 3), True),
    # 2025: Fri 2/5 off, made up on Sat 26/4.
    (D(2025, 4, 26), True), (D(2025, 4, 30), False), (D(2025, 5, 1), False), (D(2025, 5, 2), False),
    (D(2025, 5, 5), True),
    # 2025 Quốc khánh: Sat 30/8 – Tue 2/9.
    (D(2025, 8, 29), True), (D(2025, 9, 1), False), (D(2025, 9, 2), False), (D(2025, 9, 3), True),
    # 2026 New Year (override table): Thu 1/1 – Sun 4/1 off, Sat 10/1 worked.
    (D(2025, 12, 31), True), (D(2026, 1, 1), False), (D(2026, 1, 2), False), (D(2026, 1, 5), True),
    (D(2026, 1, 10), True), (D(2026, 1, 11), False),
    # 2026 Tết Bính Ngọ: Mon 16/2 – Fri 20/2 off, weekends 14/2 – 22/2.
    (D(2026, 2, 13), True), *[(D(2026, 2, d), False) for d in range(14, 23)], (D(2026, 2, 23), True),
    # Giỗ Tổ on Sunday 26/4/2026 → Monday 27/4 nghỉ bù (BLLĐ Điều 111 k3); 30/4 and 1/5.
    (D(2026, 4, 24), True), (D(2026, 4, 26), False), (D(2026, 4, 27), False), (D(2026, 4, 28), True),
    (D(2026, 4, 30), False), (D(2026, 5, 1), False),
    # 2026 Quốc khánh, TB 9441/TB-BNV: Sat 29/8 – Wed 2/9, Mon 31/8 off, Sat 22/8 worked.
    (D(2026, 8, 22), True), (D(2026, 8, 23), False), (D(2026, 8, 28), True), (D(2026, 8, 31), False),
    (D(2026, 9, 1), False), (D(2026, 9, 2), False), (D(2026, 9, 3), True),
    # 24/11 is not off unless the override table says so, nor its nghỉ bù (24/11/2029 is a Saturday).
    (D(2026, 11, 24), True), (D(2027, 11, 24), True), (D(2029, 11, 26), True), (D(2031, 11, 24), True),
]


@pytest.mark.parametrize(("day", "working"), ANNOUNCED, ids=[d.isoformat() for d, _ in ANNOUNCED])
def test_it_follows_the_announced_schedules(cal, day, working):
    assert cal.is_working_day(day) is working


def test_it_needs_the_override_for_the_2026_new_year_swap(bare):
    assert bare.is_working_day(D(2026, 1, 2)) is True
    assert bare.is_working_day(D(2026, 1, 10)) is False


def test_it_counts_24_november_only_when_the_override_table_has_it():
    cal = WorkCalendar({D(2026, 11, 24): "Ngày Văn hóa Việt Nam (theo thông báo)"})
    assert cal.is_working_day(D(2026, 11, 24)) is False
    assert cal.reason(D(2026, 11, 24)) == "Ngày Văn hóa Việt Nam (theo thông báo)"
    assert cal.is_working_day(D(2027, 11, 24)) is True


REASONS = [
    (D(2026, 3, 7), "Thứ Bảy"),
    (D(2026, 3, 8), "Chủ nhật"),
    (D(2026, 3, 9), None),
    (D(2026, 1, 1), "Tết Dương lịch"),
    (D(2026, 1, 2), "Nghỉ Tết Dương lịch, hoán đổi"),
    (D(2026, 1, 10), None),
    (D(2026, 2, 17), "Tết Nguyên Đán"),
    (D(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương"),
    (D(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (D(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
    (D(2026, 8, 22), None),
    (D(2026, 9, 2), "Quốc khánh"),
    (D(2026, 11, 24), None),
]


@pytest.mark.parametrize(("day", "reason"), REASONS, ids=[d.isoformat() for d, _ in REASONS])
def test_it_explains_in_vietnamese_why_a_day_is_off(cal, day, reason):
    assert cal.reason(day) == reason


def test_it_lets_an_extra_working_day_win_over_everything():
    cal = WorkCalendar(extra_off={D(2026, 9, 2): "x"}, extra_work={D(2026, 9, 2): "Trực", D(2026, 3, 8): "Trực"})
    assert cal.is_working_day(D(2026, 9, 2)) is True
    assert cal.is_working_day(D(2026, 3, 8)) is True


def test_it_lets_an_extra_day_off_win_over_a_package_make_up_saturday():
    cal = WorkCalendar(extra_off={D(2026, 8, 22): "Hủy làm bù"})
    assert cal.is_working_day(D(2026, 8, 22)) is False


# docs/working-days.md §8 worked examples: nominal → legal latest (on_or_after) → reminder anchor (on_or_before).
WORKED = [
    ("Chậm nhất Quý I/2025", D(2025, 3, 31), D(2025, 3, 31), D(2025, 3, 31)),
    ("Trước ngày 30/11/2025, X−1", D(2025, 11, 29), D(2025, 12, 1), D(2025, 11, 28)),
    ("CCHC 6 tháng 2026, ngày 20", D(2026, 6, 20), D(2026, 6, 22), D(2026, 6, 19)),
    ("CCHC Quý III 2026", D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 18)),
    ("Tết, 17/2/2026", D(2026, 2, 17), D(2026, 2, 23), D(2026, 2, 13)),
    ("Quốc khánh break, 29/8/2026", D(2026, 8, 29), D(2026, 9, 3), D(2026, 8, 28)),
    ("New Year swap, 2/1/2026", D(2026, 1, 2), D(2026, 1, 5), D(2025, 12, 31)),
    ("Giỗ Tổ, 26/4/2026", D(2026, 4, 26), D(2026, 4, 28), D(2026, 4, 24)),
]


@pytest.mark.parametrize(("text", "nominal", "latest", "anchor"), WORKED, ids=[w[0] for w in WORKED])
def test_it_reproduces_the_worked_examples(cal, text, nominal, latest, anchor):
    assert cal.on_or_after(nominal) == latest
    assert cal.on_or_before(nominal) == anchor
    assert reminder_anchor(nominal, cal) == anchor
    assert effective_due(nominal, strict=False, calendar=cal) == EffectiveDue(latest, latest != nominal,
                                                                               cal.reason(nominal))


# (nominal, strict, policy, expected effective date)
EFFECTIVE = [
    # "Trước ngày 30/11/2025": nominal Sat 29/11; forward would reach Mon 1/12 ≥ X, so it moves back.
    (D(2025, 11, 29), True, DuePolicy(), D(2025, 11, 28)),
    # "Trước ngày 23/2/2026": nominal Sun 22/2 at the end of Tết; back over the whole break to Fri 13/2.
    (D(2026, 2, 22), True, DuePolicy(), D(2026, 2, 13)),
    # Inclusive reading of "trước": the ordinary forward shift applies.
    (D(2025, 11, 29), True, DuePolicy(strict_before=False), D(2025, 12, 1)),
    (D(2025, 11, 29), False, DuePolicy(shift="back"), D(2025, 11, 28)),
    (D(2025, 11, 29), False, DuePolicy(shift="none"), D(2025, 11, 29)),
    (D(2025, 11, 29), True, DuePolicy(shift="none"), D(2025, 11, 29)),
    # A working nominal day never moves, strict or not.
    (D(2025, 11, 28), True, DuePolicy(), D(2025, 11, 28)),
    (D(2026, 1, 10), False, DuePolicy(), D(2026, 1, 10)),
]


@pytest.mark.parametrize(("nominal", "strict", "policy", "expected"), EFFECTIVE)
def test_it_computes_the_effective_due_date(cal, nominal, strict, policy, expected):
    result = effective_due(nominal, strict=strict, calendar=cal, policy=policy)
    assert result.date == expected
    assert result.moved is (expected != nominal)
    assert result.reason_vi == cal.reason(nominal)


def test_it_says_why_a_deadline_moved(cal):
    result = effective_due(D(2026, 4, 27), strict=False, calendar=cal)
    assert result == EffectiveDue(D(2026, 4, 28), True, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)")


def test_it_refuses_an_unknown_shift():
    with pytest.raises(ValueError, match="shift must be one of"):
        DuePolicy(shift="sideways")  # type: ignore[arg-type]


def test_it_is_an_immutable_policy():
    with pytest.raises(AttributeError):
        DuePolicy().shift = "back"  # type: ignore[misc]


# (start, n, expected)
ADD = [
    (D(2026, 9, 14), 2, D(2026, 9, 16)),        # Khánh Hòa: 02 ngày làm việc kể từ ngày chốt số liệu 14/9
    (D(2026, 2, 12), 1, D(2026, 2, 13)),
    (D(2026, 2, 13), 1, D(2026, 2, 23)),        # over the whole Tết break
    (D(2026, 2, 23), -1, D(2026, 2, 13)),
    (D(2026, 1, 9), 1, D(2026, 1, 10)),         # Saturday 10/1/2026 is worked
    (D(2026, 1, 1), 1, D(2026, 1, 5)),          # from a day off, the first working day after it is day 1
    (D(2026, 8, 28), 1, D(2026, 9, 3)),
    (D(2026, 8, 21), 1, D(2026, 8, 22)),
    (D(2026, 3, 9), 5, D(2026, 3, 16)),
    (D(2026, 3, 16), -5, D(2026, 3, 9)),
    (D(2026, 3, 9), 0, D(2026, 3, 9)),
    (D(2026, 3, 8), 0, D(2026, 3, 9)),          # n = 0 on a Sunday: the next working day
    (D(2025, 12, 31), 3, D(2026, 1, 7)),        # across the year boundary and the 2026 swap
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD)
def test_it_adds_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == expected


def test_it_lists_and_counts_working_days_with_both_ends_included(cal):
    days = cal.working_days_between(D(2026, 1, 1), D(2026, 1, 11))
    assert days == [D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7), D(2026, 1, 8), D(2026, 1, 9), D(2026, 1, 10)]
    assert cal.count_working_days(D(2026, 1, 1), D(2026, 1, 11)) == 6
    assert cal.count_working_days(D(2026, 2, 16), D(2026, 2, 22)) == 0
    assert cal.count_working_days(D(2026, 3, 9), D(2026, 3, 9)) == 1
    assert cal.working_days_between(D(2026, 3, 10), D(2026, 3, 9)) == []


def test_it_counts_the_working_days_of_2026(cal):
    # 261 weekdays, minus 1/1, 2/1 (swap), 16–20/2, 27/4, 30/4, 1/5, 31/8, 1–2/9 = 13 days off, plus Sat 10/1
    # and Sat 22/8 worked.
    assert cal.count_working_days(D(2026, 1, 1), D(2026, 12, 31)) == 261 - 13 + 2


def test_it_refuses_a_datetime(cal):
    import datetime as dt

    with pytest.raises(TypeError, match=r"expected a datetime\.date"):
        cal.is_working_day(dt.datetime(2026, 3, 9, 8, 0))


@pytest.mark.parametrize(("day", "target", "steps"), [
    (D(2026, 2, 12), D(2026, 2, 23), 2),  # Thu → Mon after Tết: Fri 13, Mon 23 (16–20/2 off)
    (D(2026, 2, 23), D(2026, 2, 12), -2),  # and back: Thu 12, Fri 13
    (D(2026, 3, 9), D(2026, 3, 9), 0),
    (D(2026, 3, 7), D(2026, 3, 9), 1),  # from a Saturday to the Monday
])
def test_it_counts_the_working_day_steps_between_two_days_as_the_stepper_takes_them(cal, day, target, steps):
    assert working_days_to(day, target, cal.is_working_day) == steps
    if steps and cal.is_working_day(target):
        assert step_working_days(day, steps, cal.is_working_day) == target
