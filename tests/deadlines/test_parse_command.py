"""`hanchot parse` end to end (a real subprocess), and the gold score."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path

from tests.support.data import GOLD, SCORE_DEADLINES

ROOT = Path(__file__).resolve().parents[2]

HANCHOT = [sys.executable, "-m", "hanchot"]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*HANCHOT, "parse", *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          encoding="utf-8", timeout=120)


def test_it_scores_100_percent_on_the_gold_with_equal_labels():
    hanchot = ROOT / ".venv" / "bin" / "hanchot"
    command = [str(hanchot)] if hanchot.exists() else HANCHOT
    run = subprocess.run([sys.executable, str(SCORE_DEADLINES),
                          str(GOLD), "--", *command, "parse", "--batch"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith("deadline accuracy: 100.0%"), run.stdout[-3000:]
    labels = lines[-2].split()[1].split("/")
    assert labels[0] == labels[1], lines[-2]


def test_it_prints_the_explanation_of_one_cell():
    run = _run("--plan-year", "2025", "Chậm nhất trong Quý I/2025")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Hạn: 31/03/2025 (hết Quý I/2025)"


def test_it_prints_labels_first_for_a_multi_part_cell():
    run = _run("--plan-year", "2025", "- Tổ chức thực hiện: Thường xuyên. - Báo cáo kết quả: Trước ngày 30/11/2025.")
    assert run.stdout.splitlines() == ["Tổ chức thực hiện: Thường xuyên, không có hạn cụ thể",
                                       "Báo cáo kết quả: Hạn: 29/11/2025 (trước ngày 30/11/2025)"]


def test_it_prints_json_with_utf8():
    run = _run("--plan-year", "2025", "--json", "Định kỳ hằng Quý hoặc đột xuất")
    (m,) = json.loads(run.stdout)
    assert m["kind"] == "recurring" and m["ad_hoc"] is True
    assert m["occurrences"] == ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    assert "Định kỳ" in run.stdout  # not \\u escapes


def test_it_applies_rules_given_on_the_command_line():
    run = _run("--plan-year", "2025", "--json", "--rule", "chậm nhất là ngày 20 của tháng cuối kỳ báo cáo",
               "Định kỳ hằng quý")
    (m,) = json.loads(run.stdout)
    assert m["occurrences"] == ["2025-03-20", "2025-06-20", "2025-09-20", "2025-12-20"]


def test_it_refuses_a_rule_it_cannot_read():
    run = _run("--plan-year", "2025", "--rule", "không có gì", "Quý I")
    assert run.returncode == 2
    assert "quy tắc" in run.stderr


def test_it_requires_the_plan_year_for_one_text():
    run = _run("Quý I/2025")
    assert run.returncode == 2
    assert "--plan-year" in run.stderr and "Traceback" not in run.stderr


def test_it_answers_every_batch_line_in_order_and_survives_bad_lines():
    lines = [json.dumps({"id": "a", "text": "Quý I/2025", "plan_year": 2025}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": "b", "text": 5, "plan_year": 2025}),
             json.dumps({"id": "c", "text": "Quý II", "plan_year": "2025"}),
             json.dumps({"id": "d", "text": "Hằng năm", "plan_year": 2026}, ensure_ascii=False)]
    run = _run("--batch", stdin="\n".join(lines) + "\n")
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c", "d"]
    assert out[0]["milestones"][0]["due"] == "2025-03-31"
    assert all("error" in o for o in out[1:4])
    assert out[4]["milestones"][0]["occurrences"] == ["2026-12-31"]


def test_batch_answers_each_line_before_the_next_one_is_written():
    """Streaming: a line's answer comes while stdin is still open (a pipeline never waits for the end)."""
    process = subprocess.Popen([*HANCHOT, "parse", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT, text=True, encoding="utf-8")
    try:
        for item_id, text, due in (("a", "Quý I/2026", "2026-03-31"), ("b", "Ngày 31/12/2026; ngày 31/12/2026",
                                                                        "2026-12-31")):
            process.stdin.write(json.dumps({"id": item_id, "text": text, "plan_year": 2026}) + "\n")
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 60)
            assert ready, f"no answer to line {item_id!r} while stdin stays open"
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == item_id and [m["due"] for m in answer["milestones"]] == [due]
    finally:
        process.stdin.close()
        process.wait(timeout=60)
    assert process.returncode == 0, process.stderr.read()
