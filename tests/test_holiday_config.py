"""The holiday override table: the shipped file, its schema, and errors that name file and line."""

from __future__ import annotations

from datetime import date as D
from pathlib import Path

import pytest

from config.duepolicy import DuePolicySection
from config.errors import ConfigError
from config.files import parse_toml
from config.holidays import HOLIDAYS_FILE, load_holiday_overrides, parse_holiday_overrides
from deadlines.duepolicy import DuePolicy
from deadlines.workdays import WorkCalendar
from workrules.rules import load_work_rules

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "config" / HOLIDAYS_FILE

ENTRY = 'reason = "Nghỉ"\nsource = "Công văn 1/VPCP"\n'


def test_it_ships_the_2026_new_year_swap():
    cal = load_work_rules(ROOT / "config").calendar
    assert cal.is_working_day(D(2026, 1, 2)) is False
    assert cal.reason(D(2026, 1, 2)) == "Nghỉ Tết Dương lịch, hoán đổi"
    assert cal.is_working_day(D(2026, 1, 10)) is True


def test_it_ships_only_overrides_the_package_lacks():
    overrides, bare = load_holiday_overrides(SHIPPED), WorkCalendar()
    assert overrides.day_off and overrides.working_day
    assert [e.date for e in overrides.day_off if not bare.is_working_day(e.date)] == []
    assert [e.date for e in overrides.working_day if bare.is_working_day(e.date)] == []
    assert all(e.source and e.reason for e in [*overrides.day_off, *overrides.working_day])


def test_it_builds_the_calendar_from_a_config_dir(tmp_path):
    (tmp_path / HOLIDAYS_FILE).write_text(
        f'[[day_off]]\ndate = 2026-11-24\n{ENTRY}\n[[working_day]]\ndate = 2026-03-07\n{ENTRY}', encoding="utf-8")
    cal = load_work_rules(tmp_path).calendar
    assert cal.is_working_day(D(2026, 11, 24)) is False
    assert cal.reason(D(2026, 11, 24)) == "Nghỉ"
    assert cal.is_working_day(D(2026, 3, 7)) is True
    assert cal.is_working_day(D(2026, 1, 2)) is True  # this config dir does not carry the 2026 swap


def test_it_accepts_an_empty_file():
    overrides = parse_holiday_overrides("# nothing announced yet\n")
    assert overrides.day_off == [] and overrides.working_day == []


def test_it_normalises_reasons_to_nfc():
    decomposed = "Nghi\u0309 bu\u0300"  # "Nghỉ bù" with combining marks
    overrides = parse_holiday_overrides(f'[[day_off]]\ndate = 2026-01-02\nreason = "{decomposed}"\nsource = "x"\n')
    assert overrides.day_off[0].reason == "Nghỉ bù"


# (file text, expected line, expected words in the message)
BAD = [
    ("impossible date", f"[[day_off]]\ndate = 2026-02-30\n{ENTRY}", 2, "invalid TOML"),
    ("quoted date", f'[[day_off]]\ndate = "2026-01-02"\n{ENTRY}', 2, "phải là ngày dạng 2026-01-02"),
    ("day-first date", f'\n[[day_off]]\ndate = "02/01/2026"\n{ENTRY}', 3, "phải là ngày dạng 2026-01-02"),
    ("date-time", f"[[working_day]]\ndate = 2026-01-10T08:00:00\n{ENTRY}", 2, "không kèm giờ"),
    ("duplicate in day_off",
     f"[[day_off]]\ndate = 2026-01-02\n{ENTRY}\n[[day_off]]\n{ENTRY}date = 2026-01-02\n", 9,
     "day_off.1.date: ngày 2026-01-02 đã có trong [[day_off]]"),
    ("duplicate across tables",
     f"[[day_off]]\ndate = 2026-01-02\n{ENTRY}\n[[working_day]]\ndate = 2026-01-03\n{ENTRY}\n"
     f"[[working_day]]\ndate = 2026-01-02\n{ENTRY}", 12,
     "working_day.1.date: ngày 2026-01-02 đã có trong [[day_off]]"),
    ("duplicate in working_day",
     f"[[working_day]]\ndate = 2026-01-10\n{ENTRY}\n[[working_day]]\ndate = 2026-01-10\n{ENTRY}", 7,
     "đã có trong [[working_day]]"),
    ("empty reason", '[[day_off]]\ndate = 2026-01-02\nreason = "  "\nsource = "x"\n', 3, "không được để trống"),
    ("missing source", '[[day_off]]\ndate = 2026-01-02\nreason = "x"\n', 1, "source: Field required"),
    ("misspelt table", f"[[day_of]]\ndate = 2026-01-02\n{ENTRY}", 1, "day_of: Extra inputs are not permitted"),
    ("unknown key", f"[[day_off]]\ndate = 2026-01-02\n{ENTRY}note = 1\n", 5, "note: Extra inputs"),
]


@pytest.mark.parametrize(("text", "line", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_it_names_file_and_line_of_a_bad_entry(tmp_path, text, line, words):
    path = tmp_path / HOLIDAYS_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_work_rules(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"holidays\.toml: cannot read the file"):
        load_work_rules(tmp_path)


# (section text, expected policy)
POLICIES = [
    ("", DuePolicy()),
    ('shift = "back"', DuePolicy(shift="back")),
    ('shift = "none"\nstrict_before = false', DuePolicy(shift="none", strict_before=False)),
]


@pytest.mark.parametrize(("text", "policy"), POLICIES)
def test_it_builds_the_due_policy_from_toml(text, policy):
    assert parse_toml(text, DuePolicySection).to_policy() == policy


@pytest.mark.parametrize(("text", "words"), [
    ('shift = "sideways"', "shift: Input should be 'forward', 'back' or 'none'"),
    ('strict_before = "yes"', "strict_before: Input should be a valid boolean"),
])
def test_it_refuses_a_bad_due_policy(text, words):
    with pytest.raises(ConfigError, match=r"policy\.toml:1: ") as caught:
        parse_toml(text, DuePolicySection, name="policy.toml")
    assert words in str(caught.value)
