"""The admin's forms refused on their own page: status 400, the message beside the field (aria-invalid,
aria-describedby), the typed values back in the form, and nothing written (no extension, no token, no merge, no
audit row). On SQLite and PostgreSQL (the ``engine`` fixture's database)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import Agency, Assignment, AuditLog, Extension, FeedToken, Milestone, Occurrence, Plan
from tests.web.conftest import csrf
from tests.web.forms import forms_on
from tests.web.refusals import assert_own_page, refused_field
from tests.web.world import World, day
from workrules.extensions import request_extension

WRONG_DAY = "31/02/2026"


@pytest.fixture
def web_db_url(engine: Engine) -> Iterator[str]:
    yield engine.url.render_as_string(hide_password=False)


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _summary(html: str) -> str:
    start = html.index('id="failed-summary"')
    return html[start:html.index("</p>", start)]


def test_a_refused_extension_comes_back_on_the_task_page_and_the_fixed_one_saves(
        admin: TestClient, world: World, db_session: Session) -> None:
    soon, task, due = world.soon, f"/tasks/{world.once.task_id}", world.soon.effective_due
    fid = f"form-extend-{soon.id}"
    sent = {**forms_on(admin.get(task).text)[fid], "reason": "Chờ số liệu của các sở", "document": "CV 12/UBND"}
    audits = _count(db_session, AuditLog)
    for typed, words in ((WRONG_DAY, f'Ngày gia hạn không hợp lệ: "{WRONG_DAY}"'),
                         (day(soon.effective_due - timedelta(days=1)), "phải sau hạn hiện tại"),
                         ("", "Vui lòng nhập ngày gia hạn.")):
        response = admin.post(f"/occurrences/{soon.id}/extend", data={**sent, "new_due": typed})
        assert_own_page(response, "Nhiệm vụ")
        value, message = refused_field(response.text, fid, "new_due")
        assert value == typed and words in message
        again = forms_on(response.text)[fid]
        assert (again["new_due"], again["reason"], again["document"]) == (typed, sent["reason"], sent["document"])
        assert re.search(r'<details class="inline-edit" open><summary[^>]*>Gia hạn</summary>', response.text)
    later = day(soon.effective_due + timedelta(days=14))
    no_act = admin.post(f"/occurrences/{soon.id}/extend", data={**sent, "new_due": later, "document": " "})
    assert_own_page(no_act, "Nhiệm vụ")
    assert refused_field(no_act.text, fid, "document")[1] == "Vui lòng nhập văn bản cho phép gia hạn."
    assert forms_on(no_act.text)[fid]["new_due"] == later
    assert _count(db_session, Extension) == 0 and _count(db_session, AuditLog) == audits
    assert db_session.get_one(Occurrence, soon.id).moved_to is None

    saved = admin.post(f"/occurrences/{soon.id}/extend", data={**sent, "new_due": later})
    assert saved.status_code == 303 and _count(db_session, Extension) == 1
    assert db_session.get_one(Occurrence, soon.id).moved_to == due + timedelta(days=14)


def test_a_refused_decision_comes_back_where_it_was_taken(admin: TestClient, world: World,
                                                          db_session: Session) -> None:
    soon, task = world.soon, f"/tasks/{world.once.task_id}"
    asked = request_extension(db_session, soon.id, soon.effective_due + timedelta(days=20), "Chờ số liệu",
                              requested_by=f"contact:{world.contact.id} {world.contact.name}", now=datetime.now(UTC))
    db_session.commit()
    approve, reject = f"/extensions/{asked.id}/approve", f"/extensions/{asked.id}/reject"
    audits = _count(db_session, AuditLog)

    listed = forms_on(admin.get("/extensions").text)[f"form-approve-{asked.id}"]
    early = day(soon.effective_due - timedelta(days=2))
    response = admin.post(approve, data={**listed, "new_due": early, "document": "CV 35/UBND-VP"})
    assert_own_page(response, "Gia hạn")
    value, message = refused_field(response.text, f"form-approve-{asked.id}", "new_due")
    assert value == early and message.startswith("Ngày gia hạn phải sau hạn hiện tại")
    assert forms_on(response.text)[f"form-approve-{asked.id}"]["document"] == "CV 35/UBND-VP"

    on_task = forms_on(admin.get(task).text)
    assert on_task[f"form-reject-{asked.id}"]["back"] == f"{task}#occurrence-{soon.id}"
    long_note = "Chưa đủ căn cứ " + "x" * 1000
    response = admin.post(reject, data={**on_task[f"form-reject-{asked.id}"], "note": long_note})
    assert_own_page(response, "Nhiệm vụ")
    assert refused_field(response.text, f"form-reject-{asked.id}", "note") == (
        long_note, "Lý do từ chối dài quá 1000 ký tự.")
    assert re.search(r'<details class="inline-edit" open><summary[^>]*>Duyệt đề nghị gia hạn</summary>', response.text)

    response = admin.post(approve, data={**on_task[f"form-approve-{asked.id}"], "new_due": WRONG_DAY})
    assert_own_page(response, "Nhiệm vụ")
    assert refused_field(response.text, f"form-approve-{asked.id}", "new_due")[0] == WRONG_DAY
    # a back field naming another host is never followed: the refusal comes back on /extensions
    response = admin.post(approve, data={**on_task[f"form-approve-{asked.id}"], "new_due": WRONG_DAY,
                                         "back": "/\\evil.example/tasks/1"})
    assert_own_page(response, "Gia hạn")

    db_session.expire_all()
    assert db_session.get_one(Extension, asked.id).status == "requested"
    assert db_session.get_one(Occurrence, soon.id).moved_to is None
    assert _count(db_session, AuditLog) == audits


def test_adopting_a_date_of_no_cited_plan_is_said_on_the_task_page(admin: TestClient, world: World,
                                                                   db_session: Session) -> None:
    audits = _count(db_session, AuditLog)
    response = admin.post(f"/milestones/{world.once.id}/adopt", data={
        "csrf_token": csrf(admin, "/"), "occurrence_id": str(world.overdue.id)})
    assert_own_page(response, "Nhiệm vụ")
    assert "Hạn được chọn không thuộc kế hoạch mà mốc này dẫn chiếu." in _summary(response.text)
    milestone = db_session.get_one(Milestone, world.once.id)
    assert milestone.manual_override is None and _count(db_session, AuditLog) == audits


def test_a_refused_merge_and_feed_link_come_back_on_the_agency_page(admin: TestClient, world: World,
                                                                    db_session: Session) -> None:
    noi_vu = world.noi_vu
    page = f"/agencies/{noi_vu.id}"
    audits, agencies, assignments = (_count(db_session, m) for m in (AuditLog, Agency, Assignment))
    merge = forms_on(admin.get(page).text)["form-agency-merge"]
    for typed, message in ((str(noi_vu.id), "Cơ quan giữ lại không hợp lệ."),
                           ("abc", "Giá trị của cơ quan giữ lại không hợp lệ.")):
        response = admin.post(f"{page}/merge", data={**merge, "into_id": typed})
        assert_own_page(response, "Sở Nội vụ")
        assert refused_field(response.text, "form-agency-merge", "into_id")[1] == message

    token = forms_on(admin.get(page).text)["form-feed-token-new"]
    long_name = "Điện thoại chánh văn phòng " + "x" * 300
    response = admin.post(f"{page}/feed-tokens", data={**token, "name": long_name, "role": "lead"})
    assert_own_page(response, "Sở Nội vụ")
    assert refused_field(response.text, "form-feed-token-new", "name") == (long_name, "Tên dài quá 255 ký tự.")
    assert forms_on(response.text)["form-feed-token-new"]["role"] == "lead"
    response = admin.post(f"{page}/feed-tokens", data={**token, "name": "Điện thoại", "role": "owner"})
    assert_own_page(response, "Sở Nội vụ")
    assert refused_field(response.text, "form-feed-token-new", "role")[1] == "Vai trò không hợp lệ."
    assert forms_on(response.text)["form-feed-token-new"]["name"] == "Điện thoại"

    assert db_session.get(Agency, noi_vu.id) is not None and _count(db_session, FeedToken) == 0
    assert (_count(db_session, AuditLog), _count(db_session, Agency), _count(db_session, Assignment)) == (
        audits, agencies, assignments)


def test_deleting_a_published_plan_is_refused_on_its_review_page(admin: TestClient, world: World,
                                                                 db_session: Session) -> None:
    audits = _count(db_session, AuditLog)
    response = admin.post(f"/plans/{world.plan.id}/delete", data={"csrf_token": csrf(admin, "/")})
    assert_own_page(response, "Xem lại kế hoạch")
    assert "Không thể xóa kế hoạch đã ban hành." in _summary(response.text)
    assert db_session.get(Plan, world.plan.id) is not None and _count(db_session, AuditLog) == audits


PAGES = ("/", "/agencies", "/extensions", "/policy", "/plans/upload")


def test_no_form_of_the_admin_pages_lands_on_the_generic_page(admin: TestClient, world: World,
                                                             db_session: Session) -> None:
    """Every form of the admin's pages, posted with an over-long value in each field, is answered on a page of
    its own (or saved): never the last-resort "Chưa lưu" page, never a server error."""
    request_extension(db_session, world.soon.id, world.soon.effective_due + timedelta(days=20), "Chờ số liệu",
                      requested_by="contact:0 Thử", now=datetime.now(UTC))
    db_session.commit()
    pages = (*PAGES, f"/tasks/{world.once.task_id}", f"/tasks/{world.late.task_id}", f"/agencies/{world.noi_vu.id}",
             f"/agencies/{world.group.id}", f"/plans/{world.draft.id}", f"/plans/{world.plan.id}")
    found: dict[str, dict[str, str]] = {}
    for path in pages:
        html = admin.get(path).text
        fields_of = forms_on(html)
        for tag in FORM_TAG.findall(html):
            action, form_id = _attr("action", tag), _attr("id", tag)
            if _attr("method", tag) == "post" and action and action != "/logout":
                found.setdefault(action, fields_of[form_id or action])
    assert len(found) >= 20, sorted(found)
    for action, fields in found.items():
        bad = {k: (v if k in ("csrf_token", "back") else "9" * 3000) for k, v in fields.items()}
        response = admin.post(action, data=bad)
        assert response.status_code < 500, action
        assert "data-back" not in response.text and "<h1>Chưa lưu</h1>" not in response.text, action


FORM_TAG = re.compile(r"<form\b[^>]*>")


def _attr(name: str, tag: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None
