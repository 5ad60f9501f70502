"""config/day_rules.toml and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.day_rules import load_day_rules
from config.errors import ConfigError
from deadlines import parse

ROOT = Path(__file__).resolve().parents[2]


def test_it_ships_no_active_rule_but_a_commented_cchc_example_that_works(tmp_path):
    shipped = ROOT / "config" / "day_rules.toml"
    assert load_day_rules(shipped, 2026) == []
    text = shipped.read_text(encoding="utf-8")
    assert "581/BNV-CCHC" in text and "Mặc định không bật quy tắc nào" in text
    example = [line.removeprefix("# ") for line in text.splitlines()
               if line.startswith(("# [[rule]]", "# text =", "# source ="))]
    (tmp_path / "day_rules.toml").write_text("\n".join(example) + "\n", encoding="utf-8")
    rules = load_day_rules(tmp_path / "day_rules.toml", 2026)
    assert [(r.day, r.strict) for r in rules] == [(20, False)]
    (m,) = parse("Định kỳ hằng quý", 2026, rules=rules)
    assert [o.due.isoformat() for o in m.occurrences] == ["2026-03-20", "2026-06-20", "2026-09-20", "2026-12-20"]
    (own,) = parse("Báo cáo định kỳ hằng quý trước ngày 15 của tháng cuối quý", 2026, rules=rules)
    assert [o.due.day for o in own.occurrences] == [14, 14, 14, 14]  # the text names its own day: kept


def test_it_keeps_only_the_rules_of_the_plan_and_agency(tmp_path):
    path = tmp_path / "day_rules.toml"
    path.write_text('[[rule]]\ntext = "chậm nhất là ngày 20 của tháng cuối kỳ báo cáo"\nsource = "CV 581"\n\n'
                    '[[rule]]\ntext = "các Báo cáo quý nộp trước ngày mùng 07 của tháng cuối quý"\n'
                    'source = "KH 12"\nplan = "12/KH-UBND"\n', encoding="utf-8")
    assert [r.day for r in load_day_rules(path, 2024)] == [20]
    assert [r.day for r in load_day_rules(path, 2024, plan="12/KH-UBND")] == [20, 7]


def test_it_refuses_an_unreadable_rule_naming_file_and_line(tmp_path):
    path = tmp_path / "day_rules.toml"
    path.write_text('# rules\n\n[[rule]]\ntext = "báo cáo khi nào cũng được"\nsource = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"day_rules.toml:4: rule.0.text: không đọc được quy tắc"):
        load_day_rules(path, 2024)
