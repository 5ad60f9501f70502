"""A focal point's reach: its unit's deadlines, closing only what its agency leads, undoing its own "done"
the same day; two communes' focal points never reach each other's deadlines. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import AuditLog, Occurrence
from tests.web.access.support import Communes, csrf_of, log_in_admin, new_client, sign_in


def _close(client, occurrence_id: int, action: str = "done"):  # type: ignore[no-untyped-def]
    return client.post(f"/occurrences/{occurrence_id}/{action}", data={"csrf_token": csrf_of(client, "/me"),
                                                                         "back": "/me"})


def test_each_communes_focal_point_reaches_only_its_own_deadlines(backend_app, backend_settings,
                                                                  communes: Communes, backend_db) -> None:
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    hp = sign_in(new_client(backend_app), "phu@hoangphu.test", backend_settings.mail_dir)
    home_tv, home_hp = tv.get("/me").text, hp.get("/me").text
    assert "Rà soát an ninh trật tự" in home_tv and "Niêm yết thủ tục hành chính" in home_tv  # lead and support
    assert "Tuyên truyền phòng cháy" not in home_tv and "Nhiệm vụ của bản nháp" not in home_tv
    assert "Tuyên truyền phòng cháy" in home_hp and "Rà soát an ninh trật tự" not in home_hp
    # No button is offered on the other commune's deadline, and forcing one is refused.
    assert f"/occurrences/{communes.hp_lead_soon.id}/done" not in home_tv
    assert f"/occurrences/{communes.tv_lead_soon.id}/done" not in home_hp
    assert _close(tv, communes.hp_lead_soon.id).status_code == 403
    assert _close(hp, communes.tv_lead_soon.id).status_code == 403
    assert _close(hp, communes.tv_lead_overdue.id).status_code == 403
    backend_db.expire_all()
    assert backend_db.get(Occurrence, communes.hp_lead_soon.id).status == "open"
    assert backend_db.get(Occurrence, communes.tv_lead_soon.id).status == "open"
    assert _close(tv, communes.tv_lead_soon.id).status_code == 303
    assert _close(hp, communes.hp_lead_soon.id).status_code == 303


def test_a_focal_point_closes_only_what_its_agency_leads(backend_app, backend_settings, communes: Communes,
                                                        backend_db) -> None:
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    home = tv.get("/me").text
    assert f"/occurrences/{communes.tv_lead_soon.id}/done" in home
    assert f"/occurrences/{communes.tv_support_soon.id}/done" not in home  # support: seen, not closed
    assert "Đánh dấu hoàn thành: 2. Báo cáo tình hình an ninh" in home  # each button names its task
    assert _close(tv, communes.tv_support_soon.id).status_code == 403
    backend_db.expire_all()
    assert backend_db.get(Occurrence, communes.tv_support_soon.id).status == "open"


def test_a_focal_point_undoes_its_own_done_the_same_day_only(backend_app, backend_settings, communes: Communes,
                                                            backend_db) -> None:
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    assert _close(tv, communes.tv_lead_soon.id).status_code == 303
    home = tv.get("/me?msg=done").text
    assert "Vừa hoàn thành hôm nay" in home and f"/occurrences/{communes.tv_lead_soon.id}/undo" in home
    assert _close(tv, communes.tv_lead_soon.id, "undo").status_code == 303
    backend_db.expire_all()
    occurrence = backend_db.get(Occurrence, communes.tv_lead_soon.id)
    assert occurrence.status == "open" and occurrence.done_at is None
    actions = [(a.action, a.actor, a.ip) for a in backend_db.scalars(
        select(AuditLog).where(AuditLog.entity_id == occurrence.id).order_by(AuditLog.id))]
    who = f"contact:{communes.focal_tv.id} Lê Thị Vân"
    assert actions == [("occurrence.done", who, "testclient"), ("occurrence.undo", who, "testclient")]
    # Closed again, then the local day passes: the undo is the admin's now.
    assert _close(tv, communes.tv_lead_soon.id).status_code == 303
    backend_db.expire_all()
    tomorrow = backend_db.get(Occurrence, occurrence.id).done_at + timedelta(days=1)
    backend_app.state.clock = lambda: tomorrow
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)  # idle: signed out
    assert f"/occurrences/{communes.tv_lead_soon.id}/undo" not in tv.get("/me").text
    assert _close(tv, communes.tv_lead_soon.id, "undo").status_code == 403
    admin = log_in_admin(new_client(backend_app))
    assert admin.post(f"/occurrences/{communes.tv_lead_soon.id}/undo",
                      data={"csrf_token": csrf_of(admin, "/")}).status_code == 303


def test_a_focal_point_cannot_undo_anothers_done(backend_app, backend_settings, communes: Communes) -> None:
    admin = log_in_admin(new_client(backend_app))
    assert admin.post(f"/occurrences/{communes.tv_lead_soon.id}/done",
                      data={"csrf_token": csrf_of(admin, "/")}).status_code == 303
    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    assert f"/occurrences/{communes.tv_lead_soon.id}/undo" not in tv.get("/me").text
    assert _close(tv, communes.tv_lead_soon.id, "undo").status_code == 403


def test_only_the_leading_agency_may_ask_for_an_extension(backend_db, communes: Communes) -> None:
    from models.permissions import Permissions

    tv = Permissions.of(backend_db, f"contact:{communes.focal_tv.id}")
    assert tv.may_request_extension(backend_db.get(Occurrence, communes.tv_lead_soon.id))
    assert not tv.may_request_extension(backend_db.get(Occurrence, communes.tv_support_soon.id))
    assert not tv.may_request_extension(backend_db.get(Occurrence, communes.hp_lead_soon.id))
    assert not Permissions.of(backend_db, "admin").may_request_extension(
        backend_db.get(Occurrence, communes.tv_lead_soon.id))  # the admin grants one directly


def test_a_focal_point_asks_for_an_extension_that_the_admin_approves(backend_app, backend_settings,
                                                                     communes: Communes, backend_db) -> None:
    from models import Extension

    tv = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    hp = sign_in(new_client(backend_app), "phu@hoangphu.test", backend_settings.mail_dir)
    lead, support = communes.tv_lead_soon, communes.tv_support_soon
    assert f"/occurrences/{lead.id}/extension-request" in tv.get("/me").text  # "Đề nghị gia hạn" on the home
    page = tv.get(f"/tasks/{lead.milestone.task_id}").text
    assert f"/occurrences/{lead.id}/extension-request" in page
    assert f"/occurrences/{support.id}/extension-request" not in tv.get(f"/tasks/{support.milestone.task_id}").text
    new_due = lead.effective_due + timedelta(days=20)

    def ask(client, occurrence_id: int, **fields: str):  # type: ignore[no-untyped-def]
        return client.post(f"/occurrences/{occurrence_id}/extension-request", data={
            "csrf_token": csrf_of(client, "/me"), "new_due": new_due.strftime("%d/%m/%Y"), **fields})

    assert ask(tv, support.id, reason="Chờ số liệu").status_code == 403  # support: not its deadline to move
    assert ask(hp, lead.id, reason="Chờ số liệu").status_code == 403  # the other commune
    missing = ask(tv, lead.id, reason="")
    assert missing.status_code == 400 and "lý do" in missing.text
    assert ask(tv, lead.id, reason="Chờ số liệu của các thôn").status_code == 303
    backend_db.expire_all()
    asked = backend_db.scalars(select(Extension)).one()
    assert (asked.status, asked.new_due, asked.requested_by) == (
        "requested", new_due, f"contact:{communes.focal_tv.id} {communes.focal_tv.name}")
    assert backend_db.get(Occurrence, lead.id).moved_to is None  # nothing moves until the admin approves
    audit = backend_db.scalars(select(AuditLog).where(AuditLog.action == "extension.request")).one()
    assert audit.actor == asked.requested_by and audit.ip == "testclient"

    admin = log_in_admin(new_client(backend_app))
    assert "Chờ số liệu của các thôn" in admin.get("/extensions").text
    assert admin.post(f"/extensions/{asked.id}/approve", data={
        "csrf_token": csrf_of(admin, "/"), "document": "Công văn số 35/UBND-VP"}).status_code == 303
    backend_db.expire_all()
    assert backend_db.get(Occurrence, lead.id).moved_to == new_due
