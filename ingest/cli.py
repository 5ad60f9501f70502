"""``hanchot import FILE|DIR`` and ``hanchot plans list|show|publish``."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from config.errors import UserError

plans_app = typer.Typer(help="List, show and publish imported plans.", no_args_is_help=True)
_MIGRATED: set = set()


def import_command(
    path: Annotated[Path, typer.Argument(help="A plan (Word, PDF, Excel, OpenDocument, text) or a folder of plans.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and check, write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan draft as JSON.")] = False,
    plan_year: Annotated[int | None, typer.Option("--plan-year", help="The plan's year if the text lacks it.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish the plan after importing it.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1, max=8,
                                             help="Plans stored at once (PostgreSQL; default 2, SQLite: 1).")] = None,
    replaces: Annotated[int | None, typer.Option("--replaces", metavar="PLAN_ID",
                                                 help="The plan this file is a new version of.")] = None,
) -> None:
    """Read plans and store them as drafts (one transaction per plan; a re-import updates a draft in place and
    makes a published plan's new version a draft revision to review)."""
    from config.agencies import AgencyDirectory
    from ingest import read_plan

    files = _plan_files(path)
    if replaces is not None and not path.is_file():
        raise UserError("--replaces chỉ dùng với một tệp kế hoạch, không dùng với thư mục.")
    directory = AgencyDirectory.load()
    drafts = [(path, read_plan(path, plan_year=plan_year))] if path.is_file() else _read_folder(files, plan_year)
    if as_json:
        payload = [d.to_json(directory) for _, d in drafts]
        typer.echo(json.dumps(payload[0] if path.is_file() else payload, ensure_ascii=False, indent=2))
    if dry_run:
        return
    from ingest.batch import store_each
    from ingest.store import store_plan
    from models.db import explain_errors

    def store(session, item):  # type: ignore[no-untyped-def]
        result = store_plan(session, item[1], directory, replaces=replaces)
        if publish and result.revision_of is not None:  # the new version of a live plan goes live at once
            result = _publish(session, result.plan_id)
        elif publish:
            _publish(session, result.plan_id)
        return result, _count_to_review(session, result.agencies_created)

    engine = _migrated_engine()
    # One transaction per plan: a failure leaves nothing half-written.
    with explain_errors(engine), _storing_progress(len(drafts)) as advance:
        stored = store_each(engine, drafts, store, jobs=jobs, done=advance)
    if as_json:
        return
    for (file, draft), (result, to_review) in zip(drafts, stored, strict=True):
        state = "mới" if result.created else ("cập nhật" if result.changed else "không đổi")
        if result.revision_of is not None:
            state = f"bản sửa đổi chờ ban hành của kế hoạch #{result.revision_of}: xem rồi 'hanchot plans publish'"
        typer.echo(f"{file.name}: kế hoạch #{result.plan_id} ({state}), {len(draft.tasks)} nhiệm vụ, "
                   f"{len(result.agencies_created)} cơ quan mới trong danh bạ ({to_review} cần xem lại)")


def _count_to_review(session: object, names: list[str]) -> int:
    """How many of the agencies this import created are unknown to the directory (flagged for review)."""
    from sqlalchemy import func, select

    from models import Agency

    if not names:
        return 0
    return session.scalar(select(func.count()).select_from(Agency)  # type: ignore[attr-defined]
                          .where(Agency.name.in_(names), Agency.needs_review.is_(True))) or 0


def _read_folder(files: list[Path], plan_year: int | None) -> list[tuple[Path, object]]:
    """Read every plan of a folder before storing any: one bad file stops the import with nothing written."""
    from ingest import read_plan
    from ingest.errors import ImportRefused

    drafts, refused = [], []
    for file in _progress(files):
        try:
            drafts.append((file, read_plan(file, plan_year=plan_year)))
        except ImportRefused as e:
            refused.append(f"{file.name}: {e}")
    if refused:
        raise UserError(f"Không nhập tệp nào vì {len(refused)} tệp bị từ chối — " + "; ".join(refused))
    return drafts


def _migrated_engine():  # type: ignore[no-untyped-def]
    """The settings' database, refused with one line when it is not migrated (checked once per process)."""
    from models.db import default_engine
    from models.migrate import require_migrated

    engine = default_engine()
    if engine not in _MIGRATED:
        require_migrated(engine)
        _MIGRATED.add(engine)
    return engine


@contextmanager
def _session():
    """A committing session on the settings' migrated database."""
    from models.db import explain_errors, session_factory, session_scope

    engine = _migrated_engine()
    with explain_errors(engine), session_scope(session_factory(engine)) as session:
        yield session


def _plan_files(path: Path) -> list[Path]:
    if not path.exists():
        raise UserError(f"Không tìm thấy {path}.")
    if path.is_file():
        return [path]
    from ingest.sniff import PLAN_SUFFIXES, SUFFIXES_TEXT

    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)
    if not files:
        raise UserError(f"Thư mục {path} không có tệp kế hoạch ({SUFFIXES_TEXT}).")
    return files


def _progress(files: list[Path]):
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=sys.stderr)) as progress:
        task = progress.add_task("Đang đọc kế hoạch", total=len(files))
        for file in files:
            yield file
            progress.advance(task)


@contextmanager
def _storing_progress(total: int):
    """A progress bar for a folder; nothing for one plan. Yields the callable that advances it."""
    if total < 2:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=sys.stderr)) as progress:
        task = progress.add_task("Đang lưu kế hoạch", total=total)
        yield lambda: progress.advance(task)


def _publish(session, plan_id: int):  # type: ignore[no-untyped-def]
    from ingest.revisions import publish

    return publish(session, plan_id)


@plans_app.command("list")
def list_command() -> None:
    """One line per plan: id, status, number, year, tasks, title."""
    from sqlalchemy import func, select

    from models.plans import Plan, Task
    from models.revisions import PlanRevision

    with _session() as session:
        counts = dict(session.execute(select(Task.plan_id, func.count()).where(Task.cancelled_at.is_(None))
                                      .group_by(Task.plan_id)).all())
        revisions = {r.plan_id: r for r in session.scalars(select(PlanRevision))}
        for plan in session.scalars(select(Plan).order_by(Plan.id)):
            revision = revisions.get(plan.id)
            status = plan.status if revision is None else (
                f"bản sửa đổi của #{revision.live_plan_id}" if revision.state == "pending"
                else f"phiên bản trước của #{revision.live_plan_id}")
            typer.echo(f"#{plan.id}\t{status}\t{plan.number or '(chưa số)'}\t{plan.plan_year}\t"
                       f"{counts.get(plan.id, 0)} nhiệm vụ\t{plan.title}")


@plans_app.command("show")
def show_command(plan_id: Annotated[int, typer.Argument(help="The plan's id (see 'hanchot plans list').")]) -> None:
    """The plan and its tasks with their deadlines."""
    from models.plans import Plan

    with _session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise UserError(f"Không có kế hoạch #{plan_id}.")
        typer.echo(f"#{plan.id} {plan.title} ({plan.number or 'chưa số'}, {plan.issuer or '?'}, "
                   f"năm {plan.plan_year}, {plan.status})")
        for task in plan.tasks:
            if task.cancelled_at is not None:
                continue
            leads = ", ".join(a.as_written for a in task.assignments if a.role == "lead")
            typer.echo(f"  {task.appendix_number or '-'}.{task.number or '-'}\t{task.content[:80]}\t{leads}\t"
                       f"{task.deadline_text}")


@plans_app.command("publish")
def publish_command(plan_id: Annotated[int, typer.Argument(help="The plan's id.")]) -> None:
    """Publish a draft plan (its deadlines go to calendars and reminders), or a pending revision onto its plan."""
    with _session() as session:
        live_id = _publish(session, plan_id).plan_id
    if live_id != plan_id:
        typer.echo(f"Đã ban hành bản sửa đổi #{plan_id} thay cho nội dung kế hoạch #{live_id}.")
    else:
        typer.echo(f"Đã công bố kế hoạch #{plan_id}.")


@plans_app.command("unpublish")
def unpublish_command(plan_id: Annotated[int, typer.Argument(help="The plan's id.")]) -> None:
    """Take a published plan back to draft: no feed shows it and no reminder is sent for it."""
    from ingest.revisions import unpublish

    with _session() as session:
        unpublish(session, plan_id)
    typer.echo(f"Đã hủy ban hành kế hoạch #{plan_id}; kế hoạch trở lại bản nháp.")


@plans_app.command("undo")
def undo_command(plan_id: Annotated[int, typer.Argument(help="The live plan's id.")]) -> None:
    """Put back the version the last published revision replaced."""
    from ingest.revisions import undo_revision

    with _session() as session:
        undo_revision(session, plan_id)
    typer.echo(f"Đã khôi phục phiên bản trước của kế hoạch #{plan_id}.")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.add_typer(plans_app, name="plans")
