"""``hanchot remind``, ``hanchot scheduler`` and ``hanchot contacts add|list``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from config.errors import UserError

contacts_app = typer.Typer(help="Người nhận nhắc hạn (danh bạ theo cơ quan).", no_args_is_help=True)


def parse_now(value: str | None, timezone: str) -> datetime:
    """``--now`` as an aware UTC instant; a value without offset is local time (HANCHOT_TIMEZONE)."""
    if value is None:
        from scheduler.jobs import system_now

        return system_now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--now: “{value}” không phải thời điểm ISO (ví dụ 2025-03-24T08:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def remind_command(
    now: Annotated[str | None, typer.Option("--now", help="Thời điểm chạy (ISO, giờ địa phương nếu không ghi múi).")]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê những gì sẽ gửi, không ghi gì.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
) -> None:
    """Chạy một lượt lập lịch nhắc và gửi nhắc hạn tại thời điểm --now."""
    from config.settings import get_settings
    from models.db import default_engine, explain_errors, session_factory

    settings = get_settings()
    moment = parse_now(now, settings.timezone)
    factory = session_factory(default_engine())
    with explain_errors(default_engine()):
        if dry_run:
            rows = _dry_run(factory, settings, moment)
            _print_dry_run(rows, as_json)
            return
        from scheduler.runtime import check_delivery_config, run_pass

        check_delivery_config(settings)
        report = run_pass(factory, settings, moment)
    d = report.dispatched
    planned = report.planned
    summary = {"now": moment.isoformat(), "planned": planned.planned, "new": planned.inserted + planned.digests,
               "sent": d.sent if d else 0, "retrying": d.retrying if d else 0, "failed": d.failed if d else 0,
               "cancelled": d.cancelled if d else 0, "rerouted": d.rerouted if d else 0, "held": d.held if d else 0,
               "expired": d.expired if d else 0, "reclaimed": d.reclaimed if d else 0,
               "possible_duplicates": d.possible_duplicates if d else 0, "errors": d.errors[:20] if d else []}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Đã lập {summary['new']} nhắc hạn mới; đã gửi {summary['sent']}, chờ gửi lại {summary['retrying']}, "
               f"lỗi {summary['failed']}, hủy {summary['cancelled']}.")
    for line in summary["errors"]:
        typer.echo(f"  lỗi: {line}", err=True)


def _dry_run(factory: Any, settings: Any, moment: datetime) -> list[dict[str, Any]]:
    """What a pass at ``moment`` would send: plan inside a transaction, read the due rows, roll back."""
    from sqlalchemy import or_, select

    from models import Contact, Reminder
    from scheduler.compose import load_occurrences, occurrence_title
    from scheduler.outbox import plan_reminders
    from scheduler.runtime import rules_resolver, work_calendar

    with factory() as session:
        try:
            plan_reminders(session, moment, work_calendar(settings), rules_resolver(settings), commit=False)
            due = session.scalars(select(Reminder).where(
                Reminder.status == "pending", Reminder.fire_at <= moment,
                or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= moment))
                .order_by(Reminder.fire_at, Reminder.id)).all()
            ids = {r.occurrence_id for r in due if r.occurrence_id}
            ids.update(i["occurrence_id"] for r in due if r.occurrence_id is None for i in r.payload.get("items", []))
            occurrences = load_occurrences(session, sorted(ids))
            contacts = {c.id: c for c in session.scalars(select(Contact).where(
                Contact.id.in_({r.contact_id for r in due})))}

            def item(occurrence_id: int, kind: str, lead: int | None) -> dict[str, Any]:
                o = occurrences[occurrence_id]
                return {"occurrence_id": o.id, "kind": kind, "lead_days": lead, "milestone": occurrence_title(o),
                        "plan": o.milestone.task.plan.number, "due": o.effective_due.isoformat()}

            out = []
            for r in due:
                contact = contacts[r.contact_id]
                row = {"recipient": contact.name, "contact_id": contact.id, "channel": r.channel, "kind": r.kind,
                       "fire_at": r.fire_at.isoformat()}
                if r.occurrence_id is None:
                    row["items"] = [item(i["occurrence_id"], i["kind"], i["offset"]) for i in r.payload["items"]
                                    if i["occurrence_id"] in occurrences]
                else:
                    row.update(item(r.occurrence_id, r.kind, r.lead_days))
                out.append(row)
            return out
        finally:
            session.rollback()  # a dry run leaves nothing behind


def _print_dry_run(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("Không có nhắc hạn nào đến giờ gửi.")
    for row in rows:
        items = row.get("items") or [row]
        for i in items:
            typer.echo(f"{row['recipient']} [{row['channel']}] {row['kind']}: {i['milestone']} — hạn {i['due']}")


def scheduler_command(
    poll: Annotated[float, typer.Option("--poll", help="Seconds between lock checks (standby and active).")] = 2.0,
) -> None:
    """Chạy bộ lập lịch (APScheduler). Chỉ một tiến trình hoạt động; tiến trình thứ hai chờ dự phòng."""
    import logging

    from config.settings import VAR_DIR, get_settings
    from scheduler.jobs import rules_job
    from scheduler.runtime import check_delivery_config
    from scheduler.service import run

    settings = get_settings()
    check_delivery_config(settings)  # a ZNS template that can never be filled refuses to start
    logging.getLogger().setLevel(logging.INFO)
    for warning in settings.startup_warnings():
        logging.getLogger("hanchot.scheduler").warning(warning)
    run(settings.database_url, VAR_DIR, poll=poll, timezone=settings.timezone, on_start=rules_job)


@contacts_app.command("add")
def contacts_add(
    agency: Annotated[str, typer.Option("--agency", help="Tên cơ quan (hoặc tên viết tắt).")],
    name: Annotated[str, typer.Option("--name", help="Họ và tên người nhận.")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    zalo_user_id: Annotated[str | None, typer.Option("--zalo-user-id")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    head: Annotated[bool, typer.Option("--head", help="Lãnh đạo cơ quan (nhận báo cáo quá hạn).")] = False,
    digest: Annotated[bool, typer.Option("--digest", help="Nhận một thư tổng hợp mỗi ngày.")] = False,
) -> None:
    """Thêm người nhận nhắc hạn cho một cơ quan."""
    from models.db import default_engine, explain_errors, session_scope
    from scheduler.contacts import add_contact

    with explain_errors(default_engine()), session_scope() as session:
        contact = add_contact(session, agency=agency, name=name, email=email, zalo_user_id=zalo_user_id,
                              phone=phone, is_head=head, digest=digest)
        typer.echo(f"Đã thêm {contact.name} (mã {contact.id}) vào {contact.agency.name if contact.agency else '—'}; "
                   f"kênh nhận: {', '.join(contact.channels)}")


@contacts_app.command("list")
def contacts_list(
    agency: Annotated[str | None, typer.Option("--agency", help="Chỉ liệt kê người của cơ quan này.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Liệt kê người nhận nhắc hạn."""
    from models.db import default_engine, explain_errors, session_scope
    from scheduler.contacts import list_contacts

    with explain_errors(default_engine()), session_scope() as session:
        rows = list_contacts(session, agency)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("Chưa có người nhận nào.")
    for r in rows:
        flags = " (lãnh đạo)" if r["is_head"] else ""
        typer.echo(f"{r['id']:>4}  {r['name']}{flags} — {r['agency'] or '—'} — "
                   f"{', '.join(r['channels']) or 'không có kênh'} — {r['email'] or ''} {r['zalo_user_id'] or ''}"
                   f" {r['phone'] or ''}".rstrip())


def register(app: typer.Typer) -> None:
    app.command("remind")(remind_command)
    app.command("scheduler")(scheduler_command)
    app.add_typer(contacts_app, name="contacts")
