"""Contact fields checked at the door, in the one contacts service: column sizes and deliverable email addresses."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from config.errors import UserError
from models import Agency, Contact
from scheduler.contacts import add_contact, check_contact


def test_a_name_longer_than_its_column_is_refused_in_vietnamese():
    with pytest.raises(UserError, match=r"^Họ tên dài 300 ký tự, quá giới hạn 255 ký tự\.$"):
        check_contact("A" * 300, email="a@example.vn", smtputf8=False)


def test_a_mailbox_name_with_diacritics_is_refused_unless_the_server_offers_smtputf8():
    with pytest.raises(UserError, match=r"“nguyễn@sởtưpháp\.vn”: phần trước @ có chữ có dấu.*SMTPUTF8"):
        check_contact("Nguyễn Văn A", email="nguyễn@sởtưpháp.vn", smtputf8=False)
    fields = check_contact("Nguyễn Văn A", email="nguyễn@sởtưpháp.vn", smtputf8=True)
    assert fields.email == "nguyễn@xn--stphp-0qa06lv43k.vn"


def test_the_domain_is_stored_idna_encoded_and_a_bad_domain_is_named():
    assert check_contact("B", email="a@sởtưpháp.vn", smtputf8=False).email == "a@xn--stphp-0qa06lv43k.vn"
    with pytest.raises(UserError, match="tên miền"):
        check_contact("B", email="a@-bad-.vn", smtputf8=False)


def test_the_setting_says_whether_the_server_offers_smtputf8(monkeypatch):
    from config.settings import get_settings

    monkeypatch.setenv("HANCHOT_SMTP_UTF8", "1")
    get_settings.cache_clear()
    assert check_contact("C", email="nguyễn@example.vn").email == "nguyễn@example.vn"
    monkeypatch.setenv("HANCHOT_SMTP_UTF8", "0")
    get_settings.cache_clear()
    with pytest.raises(UserError, match="SMTPUTF8"):
        check_contact("C", email="nguyễn@example.vn")
    get_settings.cache_clear()


def test_every_database_gives_the_same_message_and_stores_nothing(session):
    session.add(Agency(name="Sở Tư pháp"))
    session.commit()
    with pytest.raises(UserError, match=r"^Họ tên dài 300 ký tự, quá giới hạn 255 ký tự\.$"):
        add_contact(session, agency="Sở Tư pháp", name="A" * 300, email="a@example.vn", smtputf8=False)
    with pytest.raises(UserError, match=r"^Địa chỉ email dài 300 ký tự"):
        add_contact(session, agency="Sở Tư pháp", name="A", email="a" * 289 + "@example.vn", smtputf8=False)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
    contact = add_contact(session, agency="Sở Tư pháp", name="B", email="a@sởtưpháp.vn", smtputf8=False)
    session.commit()
    assert session.get(Contact, contact.id).email == "a@xn--stphp-0qa06lv43k.vn"
