"""The ten real plans of other issuers (tests/data/plans), read in-process as ``hanchot import --dry-run --json``
reads them: from their text, from their own Word file (real merged cells) and from the scorer's Word rendering
(one table, a row per line); scored with the project scorer's matching (tests/support/score_plans.py).

The scorer's own command line matches a gold row without number (``null``) to no task at all (it compares
``str(None)`` = "None" with the task's ""): 25 rows of files 04 and 09 could never count there. Here such a gold
row is matched to the next task without number, everything else as the scorer does.
"""

from __future__ import annotations

import copy
import json
import sys
from functools import cache
from pathlib import Path

import pytest

import ingest
from config.agencies import AgencyDirectory
from tests.support.data import PLANS
from tests.support.score_plans import docx_of, score_one

NAMES = sorted(p.name.removesuffix(".gold.json") for p in PLANS.glob("*.gold.json"))
MIN_DEADLINES = 95.0
MIN_LEADS = 95.0


@cache
def gold(name: str) -> dict:
    answer = json.loads((PLANS / f"{name}.gold.json").read_text(encoding="utf-8"))
    fixed = copy.deepcopy(answer)
    for row in fixed["sample"]:
        row["number"] = "" if row["number"] is None else row["number"]
    return fixed


@cache
def directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def imported(path: Path, plan_year: int) -> dict:
    """What ``hanchot import --dry-run --json --plan-year Y PATH`` prints, without the process."""
    return ingest.read_plan(path, plan_year).to_json(directory())


@cache
def scored(name: str, path: Path) -> tuple[int, int, int, list, dict]:
    out = imported(path, gold(name)["plan_year"])
    return (*score_one(out, gold(name)), out)


def test_the_ten_plans_are_all_there():
    assert len(NAMES) == 10
    assert sum(gold(n)["tasks"] for n in NAMES) == 374


@pytest.mark.parametrize("form", ["txt", "docx"])
@pytest.mark.parametrize("name", NAMES)
def test_it_reads_every_task_with_its_section_lead_and_deadline(name, form):
    answer = gold(name)
    found, leads, deadlines, misses, out = scored(name, PLANS / f"{name}.{form}")
    assert found == answer["tasks"], misses
    n = len(answer["sample"])
    assert 100 * deadlines / n >= MIN_DEADLINES, [m for m in misses if not m[3]]
    assert 100 * leads / n >= MIN_LEADS, [m for m in misses if not m[2]]
    assert [t["section"] for t in out["tasks"]] == [row["section"] for row in answer["sample"]]
    assert len({t["key"] for t in out["tasks"]}) == found


def test_all_ten_reach_the_thresholds_from_text_and_word_alike():
    totals = {"txt": [0, 0, 0], "docx": [0, 0, 0]}
    for name in NAMES:
        for form, total in totals.items():
            _, leads, deadlines, _, _ = scored(name, PLANS / f"{name}.{form}")
            total[0] += len(gold(name)["sample"])
            total[1] += leads
            total[2] += deadlines
    for form, (n, leads, deadlines) in totals.items():
        assert 100 * deadlines / n >= MIN_DEADLINES, (form, deadlines, n)
        assert 100 * leads / n >= MIN_LEADS, (form, leads, n)


@pytest.mark.slow
def test_the_scorers_own_word_rendering_reads_the_same(tmp_path):
    """The scorer's ``--docx`` rendering: heading lines, headers and notes are rows of the one table too."""
    for name in NAMES:
        rendered = docx_of(PLANS / f"{name}.txt", sys.executable, tmp_path / f"{name}.docx")
        found, leads, deadlines, misses, _ = scored(name, rendered)
        n = len(gold(name)["sample"])
        assert found == gold(name)["tasks"], (name, misses)
        assert 100 * deadlines / n >= MIN_DEADLINES, (name, misses)
        assert 100 * leads / n >= MIN_LEADS, (name, misses)


def test_a_known_merged_group_and_its_extra_columns_are_read_in_full():
    """File 04's first group: STT, lead, support and the task group merged over five rows of their own."""
    out = imported(PLANS / "04-ttg-khong-khi-phan-cong.docx", 2026)
    first = [t for t in out["tasks"] if t["section"] == "A." and t["number"] == "1"]
    assert len(first) == 5
    assert {t["lead"][0] for t in first} == {"Bộ Nông nghiệp và Môi trường"}
    assert all(t["extra"]["Thuộc nhóm nhiệm vụ, hành động"].startswith("Hoàn thiện hệ thống chính sách")
               for t in first)
    assert len({t["key"] for t in first}) == 5
