"""The admin's contact form answers with the contacts service's messages (scheduler.contacts), on every database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import Contact
from tests.web.conftest import csrf


def _count(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Contact))


def test_a_long_name_and_an_undeliverable_address_are_refused_and_a_idn_domain_is_stored_encoded(
        admin: TestClient, world, db_session) -> None:
    before = _count(db_session)
    url = f"/agencies/{world.noi_vu.id}/contacts"
    long = admin.post(url, data={"csrf_token": csrf(admin, "/"), "name": "A" * 300, "email": "a@snv.test",
                                 "channels": "email"})
    assert long.status_code == 400 and "Họ tên dài 300 ký tự, quá giới hạn 255 ký tự." in long.text
    accented = admin.post(url, data={"csrf_token": csrf(admin, "/"), "name": "Nguyễn Văn A",
                                     "email": "nguyễn@sởtưpháp.vn", "channels": "email"})
    assert accented.status_code == 400 and "SMTPUTF8" in accented.text
    assert _count(db_session) == before
    good = admin.post(url, data={"csrf_token": csrf(admin, "/"), "name": "Nguyễn Văn A", "email": "a@sởtưpháp.vn",
                                 "channels": "email"})
    assert good.status_code == 303
    db_session.expire_all()
    assert db_session.scalars(select(Contact.email).where(Contact.name == "Nguyễn Văn A")).one() == \
        "a@xn--stphp-0qa06lv43k.vn"
