"""``hanchot dates recompute [--dry-run]`` and ``hanchot milestones event MILESTONE_ID YYYY-MM-DD``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from config.errors import UserError

dates_app = typer.Typer(help="Hạn theo lịch làm việc: tính lại khi ngày nghỉ, chính sách hoặc quy tắc ngày đổi.",
                        no_args_is_help=True)
milestones_app = typer.Typer(help="Mốc thời hạn: ghi nhận ngày xảy ra sự kiện.", no_args_is_help=True)


@dates_app.command("recompute")
def recompute_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê những hạn sẽ đổi, không ghi gì.")] = False,
) -> None:
    """Tính lại mọi hạn chưa hoàn thành theo ngày nghỉ, chính sách hạn và quy tắc ngày hiện hành."""
    from config.settings import get_settings
    from models import utcnow
    from models.db import default_engine, explain_errors, session_factory
    from workrules.recompute import recompute
    from workrules.replan import replan
    from workrules.rules import load_work_rules

    settings = get_settings()
    rules = load_work_rules(settings.config_dir)
    engine = default_engine()
    now = utcnow()
    with explain_errors(engine), session_factory(engine)() as session:
        report = recompute(session, rules, actor="hanchot dates recompute", now=now)
        for change in report.changes:
            typer.echo(f"#{change.occurrence_id or '-'}\t{change.line()}")
        if dry_run:
            session.rollback()
            typer.echo(f"Thử: {len(report.changes)} hạn sẽ đổi trên {report.milestones} mốc; chưa ghi gì.")
            return
        replanned = replan(session, report.occurrence_ids, rules, settings, now)
    typer.echo(f"Đã tính lại {report.milestones} mốc: {len(report.changes)} hạn đổi; "
               f"hủy {replanned.cancelled} nhắc hạn theo ngày cũ, lập {replanned.planned} nhắc hạn mới.")


@milestones_app.command("event")
def event_command(
    milestone_id: Annotated[int, typer.Argument(help="Mã mốc thời hạn (trang xem lại kế hoạch, /api).")],
    event_day: Annotated[str, typer.Argument(help="Ngày xảy ra sự kiện, YYYY-MM-DD.")],
    due: Annotated[str | None, typer.Option("--due", help="Hạn do văn bản khác ấn định (YYYY-MM-DD); "
                                                          "bỏ trống: tính theo thời hạn của mốc.")] = None,
) -> None:
    """Ghi nhận ngày xảy ra sự kiện của một mốc; hạn được tính theo Bộ luật Dân sự Điều 147–148."""
    from config.settings import get_settings
    from deadlines.model import Offset
    from models import Milestone, utcnow
    from models.db import default_engine, explain_errors, session_factory
    from workrules.events import record_event
    from workrules.replan import replan
    from workrules.rules import load_work_rules

    day, until = _day(event_day, "ngày xảy ra sự kiện"), _day(due, "--due") if due else None
    settings = get_settings()
    rules = load_work_rules(settings.config_dir)
    engine = default_engine()
    now = utcnow()
    with explain_errors(engine), session_factory(engine)() as session:
        milestone = session.get(Milestone, milestone_id)
        if milestone is None:
            raise UserError(f"không có mốc thời hạn mã {milestone_id}")
        result = record_event(session, milestone, day, rules, actor="hanchot milestones event", now=now, due=until)
        words = result.words(Offset.from_json(milestone.event_offset))
        ids = [o.id for o in milestone.occurrences]
        replan(session, ids, rules, settings, now)
    typer.echo(f"Mốc #{milestone_id}: sự kiện ngày {day:%d/%m/%Y}. {words}")


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{label}: “{text}” không phải ngày dạng YYYY-MM-DD (ví dụ 2026-01-05)") from None


def register(app: typer.Typer) -> None:
    app.add_typer(dates_app, name="dates")
    app.add_typer(milestones_app, name="milestones")
