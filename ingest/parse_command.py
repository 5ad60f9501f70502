"""``hanchot parse``: read one deadline cell (or JSON lines with --batch) and print the milestones."""

from __future__ import annotations

import json
import sys
from typing import Annotated, TextIO

import typer

from config.errors import UserError


def register(app: typer.Typer) -> None:
    # Cells often start with a bullet ("- Kế hoạch: …"): let such text through as the argument.
    app.command("parse", context_settings={"ignore_unknown_options": True},
                help="Đọc một ô thời hạn và in các mốc (--json: JSON; --batch: JSON lines trên stdin).")(parse_command)


def parse_command(
    text: Annotated[str | None, typer.Argument(help="The deadline cell or sentence, e.g. \"Quý I/2025\".")] = None,
    plan_year: Annotated[int | None, typer.Option("--plan-year", help="The plan's year (required for one text).")
                         ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the milestones as JSON.")] = False,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="A day-rule sentence to apply (repeatable).")
                    ] = None,
    batch: Annotated[bool, typer.Option("--batch", help="Read JSON lines {id, text, plan_year} on stdin.")] = False,
) -> None:
    from deadlines import explain, parse, parse_day_rules

    rules_text = list(rule or [])
    if batch:
        run_batch(sys.stdin, sys.stdout, rules_text)
        return
    if text is None:
        raise UserError("thiếu nội dung cần đọc: hanchot parse --plan-year 2025 \"Chậm nhất trong Quý I/2025\"")
    if plan_year is None:
        raise UserError("thiếu --plan-year: cho biết năm của kế hoạch, ví dụ --plan-year 2025")
    rules = [r for sentence in rules_text for r in parse_day_rules(sentence, plan_year)]
    if rules_text and not rules:
        raise UserError(f"không đọc được quy tắc ngày nào trong --rule {rules_text!r}")
    milestones = parse(text, plan_year, rules=rules)
    _utf8(sys.stdout)
    if as_json:
        print(json.dumps([m.to_json() for m in milestones], ensure_ascii=False, indent=2))
        return
    for m in milestones:
        line = explain(m)
        print(f"{m.label}: {line}" if m.label else line)
        for warning in m.warnings:
            print(f"  ! {warning}")


def run_batch(stdin: TextIO, stdout: TextIO, rules_text: list[str]) -> None:
    """One output line per input line, in order, flushed as it goes; a bad line gets an error object."""
    from deadlines import parse, parse_day_rules

    _utf8(stdout)
    for raw in stdin:
        if not raw.strip():
            continue
        item_id = None
        try:
            item = json.loads(raw)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object {\"id\", \"text\", \"plan_year\"}")
            item_id = item.get("id")
            text, year = item.get("text"), item.get("plan_year")
            if not isinstance(text, str):
                raise ValueError("\"text\" must be a string")
            if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2199:
                raise ValueError("\"plan_year\" must be a year between 1900 and 2199")
            rules = [r for sentence in rules_text for r in parse_day_rules(sentence, year)]
            out = {"id": item_id, "milestones": [m.to_json() for m in parse(text, year, rules=rules)]}
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            out = {"id": item_id, "error": str(e)}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()


def _utf8(stream: TextIO) -> None:
    if hasattr(stream, "reconfigure") and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
        stream.reconfigure(encoding="utf-8")
