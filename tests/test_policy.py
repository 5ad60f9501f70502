"""config/policy.toml: the shipped defaults, overrides per plan and agency, and bad values named by line."""

from datetime import time
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.files import parse_toml
from config.policy import EffectivePolicy, Policy, load_policy
from config.settings import CONFIG_DIR

OVERRIDES = """\
lead_days = [5, 1, 0]

[[override]]
agency = "Sở Nội vụ"
digest = "each"
lead_days = [2, 0]

[[override]]
plan = "4784/QĐ-UBND"
lead_days = [10, 0]
include_support = true

[[override]]
plan = "4784/QĐ-UBND"
agency = "Sở Nội vụ"
send_time = "14:30"

[[override]]
agency = "UBND xã Hoàng Phú"
due = { shift = "none" }
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "policy.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_it_ships_a_policy_file_with_the_documented_defaults():
    resolved = load_policy(CONFIG_DIR).for_("4784/QĐ-UBND", "Sở Nội vụ")
    assert resolved == EffectivePolicy()
    assert resolved.lead_days == (7, 3, 1, 0)
    assert resolved.send_time == time(8, 0)
    assert (resolved.overdue_every, resolved.overdue_times, resolved.escalate) == (3, 3, True)
    assert (resolved.digest, resolved.include_support, resolved.working_days_only) == ("daily", False, True)
    assert (resolved.due.strict_before, resolved.due.shift) == (True, "forward")


def test_it_uses_the_defaults_when_the_file_is_absent(tmp_path):
    assert load_policy(tmp_path).for_(None, None) == EffectivePolicy()


def test_it_applies_plan_then_agency_then_both(tmp_path):
    policy = load_policy(write(tmp_path, OVERRIDES))
    both = policy.for_("4784/QĐ-UBND", "Sở Nội vụ")
    assert both.lead_days == (2, 0)  # the agency override beats the plan override
    assert both.include_support is True  # the plan override still applies where the agency one is silent
    assert both.digest == "each"
    assert both.send_time == time(14, 30)  # plan-and-agency is the most specific
    other_agency = policy.for_("4784/QĐ-UBND", "Sở Tài chính")
    assert (other_agency.lead_days, other_agency.send_time) == ((10, 0), time(8, 0))
    nothing = policy.for_("99/KH-UBND", None)
    assert nothing.lead_days == (5, 1, 0)


def test_it_merges_one_key_of_the_due_section(tmp_path):
    resolved = load_policy(write(tmp_path, OVERRIDES)).for_(None, "UBND xã Hoàng Phú")
    assert (resolved.due.shift, resolved.due.strict_before) == ("none", True)


def test_it_matches_names_ignoring_case_spaces_and_unicode_form(tmp_path):
    policy = load_policy(write(tmp_path, OVERRIDES))
    decomposed = "So\u031b\u0309 Nội  vụ"  # "Sở" typed with combining marks, a double space
    assert policy.for_(None, decomposed).digest == "each"
    assert policy.for_(None, "sở nội vụ").digest == "each"
    assert policy.for_(None, "Sở Nội vụ tỉnh").digest == "daily"


def test_it_sorts_lead_days_from_the_furthest(tmp_path):
    assert load_policy(write(tmp_path, "lead_days = [0, 7, 3]\n")).for_(None, None).lead_days == (7, 3, 0)


@pytest.mark.parametrize(("text", "where", "words"), [
    ("lead_days = [7, -1]\n", ":1: lead_days.1:", "greater than or equal to 0"),
    ("lead_days = [7, 7]\n", ":1: lead_days:", "có một số ngày bị lặp"),
    ('lead_days = ["7"]\n', ":1: lead_days.0:", "valid integer"),
    ('\n\nsend_time = "8h"\n', ":3: send_time:", 'giờ gửi phải viết dạng "08:00"'),
    ("include_support = 1\n", ":1: include_support:", "valid boolean"),
    ('digest = "weekly"\n', ":1: digest:", "'daily' or 'each'"),
    ("overdue_every = 0\n", ":1: overdue_every:", "greater than or equal to 1"),
    ('escalate_to = ["boss"]\n', ":1: escalate_to.0:", "'head' or 'focal_point'"),
    ("lead_time = [1]\n", ":1: lead_time:", "Extra inputs are not permitted"),
    ('[due]\nshift = "sideways"\n', ":2: due.shift:", "'forward', 'back' or 'none'"),
    ('digest = "daily"\n\n[[override]]\nplan = "1/KH"\ndigest = "each"\n\n[[override]]\nagency = "Sở Y tế"\n'
     'lead_days = [1, -2]\n', ":9: override.1.lead_days.1:", "greater than or equal to 0"),
    ('[[override]]\nlead_days = [1]\n', ":1: override.0:", 'cần plan = "…" hoặc agency = "…"'),
    ('[[override]]\nplan = "1/KH"\n', ":1: override.0:", "không đặt trường nào"),
    ("lead_days = [7, 3\n", ":1: invalid TOML", ""),
])
def test_it_names_file_and_line_of_a_bad_value(tmp_path, text, where, words):
    with pytest.raises(ConfigError) as caught:
        load_policy(write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'policy.toml'}{where}"), message
    assert words in message


def test_it_refuses_an_unreadable_file(tmp_path):
    (tmp_path / "policy.toml").mkdir()
    with pytest.raises(ConfigError, match=r"policy\.toml: cannot read the file"):
        load_policy(tmp_path)


def test_it_validates_text_before_the_web_app_saves_it():
    assert parse_toml('digest = "each"\n', Policy).for_(None, None).digest == "each"
