"""Server-side sessions and single-use sign-in links, on SQLite and PostgreSQL: logout ends the session (a
copy of the old cookie opens nothing), the admin ends a contact's sessions, idle sessions expire, a link works
once and for 15 minutes, and asking for links is rate-limited with the same answer whatever happens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from models import LoginSession, SigninLink
from tests.web.access.support import Communes, csrf_of, log_in_admin, new_client, read_link, sign_in
from web.auth import LINK_SENT
from web.sessions import COOKIE


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.cookies.get(COOKIE)


def test_logout_ends_the_session_and_a_replayed_cookie_opens_nothing(backend_app, backend_db) -> None:
    admin = log_in_admin(new_client(backend_app))
    stolen = _cookie(admin)
    assert stolen.startswith("s.") and admin.get("/plans").status_code == 200
    row = backend_db.scalar(select(LoginSession))
    assert row.key_hash != stolen and stolen not in str(row.__dict__)  # only a hash is stored
    assert admin.post("/logout", data={"csrf_token": csrf_of(admin, "/")}).status_code == 303
    replay = new_client(backend_app)
    replay.cookies.set(COOKIE, stolen)
    assert replay.get("/plans").status_code == 303  # to the sign-in page
    assert replay.get("/api/plans").status_code == 401
    backend_db.expire_all()
    assert backend_db.get(LoginSession, row.id).ended_reason == "logout"


def test_a_forged_or_unknown_cookie_is_an_anonymous_visitor(backend_app) -> None:
    client = new_client(backend_app)
    for forged in ("s." + "A" * 43, "admin", "s.<script>"):
        client.cookies.set(COOKIE, forged)
        assert client.get("/plans").status_code == 303 and client.get("/api/plans").status_code == 401


def test_the_admin_ends_every_session_of_a_contact(backend_app, backend_settings, communes: Communes,
                                                   backend_db) -> None:
    phone, desk = (sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
                   for _ in range(2))
    assert phone.get("/me").status_code == desk.get("/me").status_code == 200
    admin = log_in_admin(new_client(backend_app))
    ended = admin.post(f"/contacts/{communes.focal_tv.id}/sessions/end", data={"csrf_token": csrf_of(admin, "/")})
    assert ended.status_code == 303
    for client in (phone, desk):
        assert client.get("/me").status_code == 303
    focal_hp = sign_in(new_client(backend_app), "phu@hoangphu.test", backend_settings.mail_dir)
    assert focal_hp.get("/me").status_code == 200  # another contact's sessions live on
    assert focal_hp.post(f"/contacts/{communes.focal_tv.id}/sessions/end",
                         data={"csrf_token": csrf_of(focal_hp, "/me")}).status_code == 403


def test_a_session_expires_when_idle_longer_than_the_setting(backend_app, backend_settings) -> None:
    start = datetime.now(UTC)
    backend_app.state.clock = lambda: start
    admin = log_in_admin(new_client(backend_app))
    idle = timedelta(minutes=backend_settings.session_idle_minutes)
    backend_app.state.clock = lambda: start + idle - timedelta(minutes=1)
    assert admin.get("/plans").status_code == 200  # used in time: the idle clock starts again
    backend_app.state.clock = lambda: start + 2 * idle - timedelta(minutes=2)
    assert admin.get("/plans").status_code == 200
    backend_app.state.clock = lambda: start + 3 * idle
    assert admin.get("/plans").status_code == 303


def test_a_sign_in_link_works_once(backend_app, backend_settings, communes: Communes, backend_db) -> None:
    client = new_client(backend_app)
    client.post("/login/email", data={"email": "van@thieuvan.test", "csrf_token": csrf_of(client)})
    link = read_link(backend_settings.mail_dir, "van@thieuvan.test")
    assert client.post(link, data={"csrf_token": csrf_of(client, link)}).status_code == 303
    again = new_client(backend_app)
    reused = again.post(link, data={"csrf_token": csrf_of(again, link)})
    assert reused.status_code == 400 and "đã được dùng" in reused.text
    assert again.get("/me").status_code == 303
    stored = backend_db.scalar(select(SigninLink))
    assert link.rsplit("/", 1)[1] not in (stored.token_hash, str(stored.__dict__))


def test_a_sign_in_link_expires_after_15_minutes(backend_app, backend_settings, communes: Communes) -> None:
    start = datetime.now(UTC)
    backend_app.state.clock = lambda: start
    client = new_client(backend_app)
    client.post("/login/email", data={"email": "van@thieuvan.test", "csrf_token": csrf_of(client)})
    link = read_link(backend_settings.mail_dir, "van@thieuvan.test")
    backend_app.state.clock = lambda: start + timedelta(minutes=16)
    late = client.post(link, data={"csrf_token": csrf_of(client, link)})
    assert late.status_code == 400 and "hết hạn" in late.text


def test_asking_for_links_is_limited_per_address_and_per_ip_with_one_answer(backend_app, backend_settings,
                                                                            communes: Communes, backend_db) -> None:
    client = new_client(backend_app)
    token = csrf_of(client)
    answers = {client.post("/login/email", data={"email": address, "csrf_token": token}).text.count(LINK_SENT)
               for address in ["van@thieuvan.test"] * 5 + ["ai.do@khong.test"] * 2}
    assert answers == {1}  # known, unknown, over the limit: the same page
    assert backend_db.scalar(select(func.count()).select_from(SigninLink)) == 3  # the address limit
    assert len(list(Path(backend_settings.mail_dir).glob("*.eml"))) == 3
    for number in range(5):  # ten requests from this address in the window: the IP limit
        client.post("/login/email", data={"email": f"nguoi{number}@khong.test", "csrf_token": token})
    client.post("/login/email", data={"email": "phu@hoangphu.test", "csrf_token": token})
    assert backend_db.scalar(select(func.count()).select_from(SigninLink)) == 3
    other = new_client(backend_app)  # TestClient is one address: a fresh window shows the limit was the IP's
    backend_app.state.clock = lambda: datetime.now(UTC) + timedelta(minutes=16)
    other.post("/login/email", data={"email": "phu@hoangphu.test", "csrf_token": csrf_of(other)})
    assert backend_db.scalar(select(func.count()).select_from(SigninLink)) == 4


def test_deactivating_a_contact_ends_its_sessions_at_the_next_request(backend_app, backend_settings,
                                                                      communes: Communes, backend_db) -> None:
    focal = sign_in(new_client(backend_app), "van@thieuvan.test", backend_settings.mail_dir)
    assert focal.get("/me").status_code == 200
    admin = log_in_admin(new_client(backend_app))
    assert admin.post(f"/contacts/{communes.focal_tv.id}/deactivate",
                      data={"csrf_token": csrf_of(admin, "/")}).status_code == 303
    assert focal.get("/me").status_code == 303  # to the sign-in page
    backend_db.expire_all()
    ended = backend_db.scalars(select(LoginSession).where(LoginSession.contact_id == communes.focal_tv.id)).all()
    assert ended and all(s.ended_reason == "contact_inactive" for s in ended)
