"""One way to add a contact: the command line and the admin's form share create_contact and its messages."""

import pytest
from sqlalchemy import func, select

from config.errors import UserError
from models import Agency, Contact
from scheduler.contacts import ContactError, add_contact, create_contact
from tests.scheduler.world import build_world


@pytest.mark.parametrize(("fields", "message", "field"), [
    ({"email": "not-an-email"}, "Địa chỉ email không hợp lệ. Đã nhập: “not-an-email”.", "email"),
    ({"email": "a@b.vn", "phone": "12"}, "Số điện thoại không hợp lệ. Đã nhập: “12”.", "phone"),
    ({"zalo_user_id": "12ab"}, "Mã người dùng Zalo phải là một dãy số. Đã nhập: “12ab”.", "zalo_user_id"),
    ({}, "Cần ít nhất một cách liên lạc", "email"),
    ({"email": "a@b.vn", "channels": ["zalo"]}, "Kênh đã chọn cần email (cho Email) hoặc mã người dùng Zalo",
     "channels"),
    ({"email": "a@b.vn", "channels": ["fax"]}, "Kênh nhận không hợp lệ: fax", "channels"),
    ({"name": "  ", "email": "a@b.vn"}, "Thiếu họ tên người nhận.", "name"),
], ids=["email", "phone", "zalo", "no-address", "channel-without-address", "unknown-channel", "no-name"])
def test_it_refuses_bad_input_in_vietnamese_and_adds_nothing(session, fields, message, field):
    agency = session.get(Agency, build_world(session).lead.agency_id)
    before = session.scalar(select(func.count()).select_from(Contact))
    with pytest.raises(ContactError) as refused:
        create_contact(session, agency, **{"name": "Lê C", **fields})
    assert message in str(refused.value) and refused.value.field == field
    assert isinstance(refused.value, UserError)  # the command line prints it as one line
    assert session.scalar(select(func.count()).select_from(Contact)) == before


def test_channels_follow_the_addresses_unless_chosen(session):
    world = build_world(session)
    agency = session.get(Agency, world.lead.agency_id)
    by_phone = add_contact(session, agency="Sở Nội vụ", name=" Lê   D ", phone="0987 654 321", is_head=True)
    assert (by_phone.name, by_phone.channels) == ("Lê D", ["zns"])  # no Zalo id: ZNS by phone
    chosen = create_contact(session, agency, name="Lê E", email="e@snv.test", zalo_user_id="123",
                            channels=["zalo", "email"])
    assert chosen.channels == ["zalo", "email"] and chosen.agency_id == agency.id
