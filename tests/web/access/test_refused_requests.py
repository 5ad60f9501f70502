"""A focal point's refused extension request comes back on the page it was sent from (the task page or /me), with
the message beside the field and the typed values, and nothing stored. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditLog, Extension
from tests.web.access.support import Communes, new_client, sign_in
from tests.web.forms import forms_on
from tests.web.refusals import assert_own_page, refused_field


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_refused_request_comes_back_on_the_page_it_was_sent_from(backend_app, backend_settings,
                                                                   communes: Communes, backend_db) -> None:
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    lead = communes.tv_lead_soon
    due, task = lead.effective_due, f"/tasks/{lead.milestone.task_id}"
    fid = f"form-extension-request-{lead.id}"
    audits = _count(backend_db, AuditLog)
    home_form = forms_on(tv.get("/me").text)[fid]
    assert home_form["back"] == f"/me?msg=asked#o{lead.id}"
    earlier = (due - timedelta(days=1)).strftime("%d/%m/%Y")

    from_home = tv.post(f"/occurrences/{lead.id}/extension-request",
                        data={**home_form, "new_due": earlier, "reason": "Chờ số liệu của các thôn"})
    assert_own_page(from_home, "Việc của Công an xã Thiệu Vân")
    value, message = refused_field(from_home.text, fid, "new_due")
    assert value == earlier and message == f"Ngày gia hạn phải sau hạn hiện tại ({due:%d/%m/%Y})."
    assert forms_on(from_home.text)[fid]["reason"] == "Chờ số liệu của các thôn"

    task_form = forms_on(tv.get(task).text)[fid]
    from_task = tv.post(f"/occurrences/{lead.id}/extension-request",
                        data={**task_form, "new_due": "31/02/2026", "reason": "Chờ số liệu"})
    assert_own_page(from_task, "Nhiệm vụ")
    assert refused_field(from_task.text, fid, "new_due")[0] == "31/02/2026"
    no_reason = tv.post(f"/occurrences/{lead.id}/extension-request",
                        data={**task_form, "new_due": (due + timedelta(days=9)).strftime("%d/%m/%Y"), "reason": ""})
    assert_own_page(no_reason, "Nhiệm vụ")
    assert refused_field(no_reason.text, fid, "reason") == ("", "Vui lòng nhập lý do.")
    # a back field that leaves the site is not followed: the refusal shows on the task page
    elsewhere = tv.post(f"/occurrences/{lead.id}/extension-request",
                        data={**home_form, "back": "//evil.example/me", "new_due": "", "reason": "x"})
    assert_own_page(elsewhere, "Nhiệm vụ")
    assert refused_field(elsewhere.text, fid, "new_due")[1] == "Vui lòng nhập ngày đề nghị gia hạn."
    assert _count(backend_db, Extension) == 0 and _count(backend_db, AuditLog) == audits

    later = (due + timedelta(days=9)).strftime("%d/%m/%Y")
    saved = tv.post(f"/occurrences/{lead.id}/extension-request",
                    data={**home_form, "new_due": later, "reason": "Chờ số liệu của các thôn"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/me?msg=asked#o{lead.id}"
    home = tv.get(saved.headers["location"]).text
    assert "Đã gửi đề nghị gia hạn" in home and f"Đề nghị gia hạn đến {later} đang chờ duyệt" in home
    assert fid not in home  # one request at a time
    assert _count(backend_db, Extension) == 1
