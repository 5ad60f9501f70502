"""The progress report (báo cáo tiến độ): every task of a plan with its status, as XLSX and DOCX, from the web
(admin; a focal point for its own unit) and the command line. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from calendars.progress import progress_rows
from models import Assignment, Occurrence, Plan, Task
from tests.web.access.support import TODAY, Communes, log_in_admin, new_client, sign_in
from workrules.extensions import grant
from workrules.rules import load_work_rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _history(backend_db, backend_settings, communes: Communes) -> None:  # type: ignore[no-untyped-def]
    """Thiệu Vân's overdue deadline done three days late by its focal point, the next one extended."""
    late = backend_db.get(Occurrence, communes.tv_lead_overdue.id)
    late.status, late.done_by = "done", f"contact:{communes.focal_tv.id}"
    late.done_at = datetime.combine(late.effective_due + timedelta(days=3), datetime.min.time(), UTC) \
        + timedelta(hours=3)
    grant(backend_db, communes.tv_lead_soon.id, TODAY + timedelta(days=40), "Chờ số liệu của tỉnh",
          "Công văn số 12/UBND-VP", load_work_rules(backend_settings.config_dir), actor="admin",
          now=datetime.now(UTC))
    backend_db.commit()


def test_rows_say_late_overdue_extended_and_who_closed(backend_db, backend_settings, communes: Communes) -> None:
    _history(backend_db, backend_settings, communes)
    rows = progress_rows(backend_db, today=TODAY, timezone=backend_settings.timezone, plan_id=communes.plan_tv.id)
    by_content = {r.content: r for r in rows}
    late = by_content[communes.tv_lead_overdue.milestone.task.content]
    assert late.status == "Trễ 3 ngày" and late.done_by == communes.focal_tv.name
    assert late.done_on == communes.tv_lead_overdue.effective_due + timedelta(days=3)
    extended = by_content[communes.tv_lead_soon.milestone.task.content]
    assert extended.status == "Đang thực hiện (được gia hạn)"
    assert extended.due > extended.extended_from  # the report judges against the granted date
    assert extended.due == backend_db.get(Occurrence, communes.tv_lead_soon.id).effective_due
    waiting = by_content[communes.tv_support_soon.milestone.task.content]
    assert waiting.status == "Đang thực hiện" and waiting.done_on is None and waiting.done_by == ""
    # A week later the support task's day has passed, still open: overdue by the days since its stored date.
    later = TODAY + timedelta(days=10)
    rows = progress_rows(backend_db, today=later, timezone=backend_settings.timezone, plan_id=communes.plan_tv.id)
    overdue = {r.content: r for r in rows}[communes.tv_support_soon.milestone.task.content]
    assert overdue.status == f"Quá hạn {(later - overdue.due).days} ngày" and overdue.due < later
    assert {r.content: r for r in rows}[late.content].status == "Trễ 3 ngày"  # done late stays late
    tasks = backend_db.scalars(select(Task).where(Task.plan_id == communes.plan_tv.id)).all()
    assert {r.content for r in rows} == {t.content for t in tasks}


def test_admin_downloads_every_task_of_the_plan_as_excel_and_word(backend_app, backend_db, backend_settings,
                                                                  communes: Communes) -> None:
    _history(backend_db, backend_settings, communes)
    admin = log_in_admin(new_client(backend_app))
    assert f'href="/plans/{communes.plan_tv.id}/report.xlsx"' in admin.get(f"/plans/{communes.plan_tv.id}").text
    got = admin.get(f"/plans/{communes.plan_tv.id}/report.xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert got.headers["content-disposition"] == (
        f'attachment; filename="bao-cao-tien-do-ke-hoach-{communes.plan_tv.id}.xlsx"; '
        f"filename*=UTF-8''bao-cao-tien-do-ke-hoach-{communes.plan_tv.id}.xlsx")
    sheet = openpyxl.load_workbook(BytesIO(got.content)).worksheets[0]
    assert sheet.title == communes.plan_tv.number.replace("/", "-")
    header = [c.value for c in sheet[2]]
    assert header[:4] == ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    body = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=3, values_only=True)]
    tasks = backend_db.scalars(select(Task).where(Task.plan_id == communes.plan_tv.id)).all()
    assert {r["Nội dung nhiệm vụ"] for r in body} == {t.content for t in tasks}
    assert all(isinstance(r["Hạn hoàn thành"], datetime) for r in body)  # real Excel dates, not text
    due_column = header.index("Hạn hoàn thành") + 1
    assert {sheet.cell(row, due_column).number_format for row in range(3, sheet.max_row + 1)} == {"DD/MM/YYYY"}
    live = backend_db.scalars(select(Occurrence).join(Occurrence.milestone).join(Task)
                              .where(Task.plan_id == communes.plan_tv.id, Occurrence.status != "cancelled")).all()
    assert len(body) == len(live)  # one row per deadline, every task dated here
    for occurrence in live:
        [row] = [r for r in body if r["Nội dung nhiệm vụ"] == occurrence.milestone.task.content]
        assert row["Hạn hoàn thành"].date() == occurrence.effective_due
        assert row["Cơ quan chủ trì"] == next(a.agency.name for a in occurrence.milestone.task.assignments
                                             if a.role == "lead")
    assert {r["Trạng thái"] for r in body} >= {"Trễ 3 ngày", "Đang thực hiện (được gia hạn)"}

    word = admin.get(f"/plans/{communes.plan_tv.id}/report.docx")
    assert word.status_code == 200
    [table] = docx.Document(BytesIO(word.content)).tables
    assert [c.text for c in table.rows[0].cells][:2] == ["TT", "Nội dung nhiệm vụ"]
    assert len(table.rows) == len(body) + 1
    assert admin.get(f"/plans/{communes.plan_tv.id}/report.pdf").status_code == 404
    assert admin.get("/plans/99999999/report.xlsx").status_code == 404


def test_a_focal_point_gets_its_own_units_report_only(backend_app, backend_settings, communes: Communes) -> None:
    assert new_client(backend_app).get(f"/agencies/{communes.police_tv.id}/report.xlsx").status_code in (303, 307)
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    assert f"/agencies/{communes.police_tv.id}/report.docx" in tv.get(f"/agencies/{communes.police_tv.id}").text
    assert "/report.xlsx" not in tv.get(f"/agencies/{communes.police_hp.id}").text
    own = tv.get(f"/agencies/{communes.police_tv.id}/report.xlsx")
    assert own.status_code == 200
    contents = {row[1] for row in openpyxl.load_workbook(BytesIO(own.content)).worksheets[0]
                .iter_rows(min_row=3, values_only=True)}
    assert communes.tv_lead_soon.milestone.task.content in contents
    assert communes.hp_lead_soon.milestone.task.content not in contents
    assert tv.get(f"/agencies/{communes.police_hp.id}/report.xlsx").status_code == 403
    assert tv.get(f"/agencies/{communes.police_hp.id}/report.docx").status_code == 403
    # A plan: only the unit's own tasks of a published plan that gives it any.
    part = tv.get(f"/plans/{communes.plan_tv.id}/report.xlsx")
    assert part.status_code == 200
    assert f"ke-hoach-{communes.plan_tv.id}-co-quan-{communes.police_tv.id}.xlsx" in \
        part.headers["content-disposition"]
    tasks = {row[1] for row in openpyxl.load_workbook(BytesIO(part.content)).worksheets[0]
             .iter_rows(min_row=3, values_only=True)}
    assert tasks == {communes.tv_lead_overdue.milestone.task.content, communes.tv_lead_soon.milestone.task.content,
                     communes.tv_support_soon.milestone.task.content}
    assert tv.get(f"/plans/{communes.plan_hp.id}/report.xlsx").status_code == 403
    assert tv.get(f"/plans/{communes.draft.id}/report.docx").status_code == 403
    assert new_client(backend_app).get(f"/plans/{communes.plan_tv.id}/report.docx").status_code in (303, 307)


def test_the_command_line_writes_the_report_and_refuses_a_missing_plan(engine, backend_db, backend_settings,
                                                                       communes: Communes, tmp_path) -> None:
    env = {**os.environ, "HANCHOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "HANCHOT_CONFIG_DIR": str(backend_settings.config_dir)}

    def hanchot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hanchot", *args], env=env, capture_output=True, text=True,
                              timeout=120)

    out = tmp_path / "bao-cao.docx"
    done = hanchot("report", "--plan", str(communes.plan_tv.id), "--format", "docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert len(docx.Document(str(out)).tables[0].rows) > 1
    sheet = tmp_path / "bao-cao.xlsx"
    done = hanchot("report", "--plan", str(communes.plan_tv.id), "--agency", str(communes.police_hp.id),
                   "--format", "xlsx", "-o", str(sheet))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(sheet).worksheets[0].max_row == 2  # Hoàng Phú has nothing in Thiệu Vân's plan
    missing = hanchot("report", "--plan", "987654", "-o", str(tmp_path / "x.xlsx"))
    assert missing.returncode == 2 and "không có kế hoạch mã 987654" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.xlsx").exists()


REPORT_LINK = re.compile(r'href="(/(?:plans|agencies)/\d+/report\.(?:xlsx|docx))"')


def test_every_report_link_opens_for_its_reader(backend_app, backend_db, backend_settings,
                                                communes: Communes) -> None:
    """The focal home links its unit's whole report and its part of each published plan that gives it a live task
    (not a plan whose only such task was cancelled, not the other commune's, not a draft); the admin's plan list
    links each published plan's, an agency's page its report. Every link downloads (no 403 behind a link)."""
    gone = Plan(number="78/KH-UBND", title="Kế hoạch đã hủy nhiệm vụ", plan_year=TODAY.year, content_hash="f" * 64,
                status="published")
    gone.tasks = [Task(key="t1", number="1", content="Nhiệm vụ đã hủy", deadline_text="Trong năm",
                       cancelled_at=datetime.now(UTC),
                       assignments=[Assignment(agency=communes.police_tv, role="lead", as_written="Công an xã")])]
    backend_db.add(gone)
    backend_db.commit()
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    home = tv.get("/me").text
    assert "Báo cáo tiến độ" in home
    links = REPORT_LINK.findall(home)
    assert links == [f"/agencies/{communes.police_tv.id}/report.xlsx", f"/agencies/{communes.police_tv.id}/report.docx",
                     f"/plans/{communes.plan_tv.id}/report.xlsx", f"/plans/{communes.plan_tv.id}/report.docx"]
    assert all(tv.get(link).status_code == 200 for link in links)
    assert tv.get(f"/plans/{gone.id}/report.xlsx").status_code == 403  # the same rule as the links

    hp = sign_in(new_client(backend_app), "phu@hoangphu.test", backend_settings.mail_dir)
    assert REPORT_LINK.findall(hp.get("/me").text)[2:] == [f"/plans/{communes.plan_hp.id}/report.xlsx",
                                                           f"/plans/{communes.plan_hp.id}/report.docx"]

    admin = log_in_admin(new_client(backend_app))
    listed = REPORT_LINK.findall(admin.get("/plans").text)
    assert {link.rsplit("/", 1)[0] for link in listed} == {
        f"/plans/{p.id}" for p in (communes.plan_tv, communes.plan_hp, gone)}  # published ones, not the draft
    assert all(admin.get(link).status_code == 200 for link in listed)
    on_agency = REPORT_LINK.findall(admin.get(f"/agencies/{communes.police_hp.id}").text)
    assert on_agency == [f"/agencies/{communes.police_hp.id}/report.{fmt}" for fmt in ("xlsx", "docx")]
    assert all(admin.get(link).status_code == 200 for link in on_agency)
