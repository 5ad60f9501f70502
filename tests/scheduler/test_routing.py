"""Which channel reaches a person (scheduler.routing): preference, fallbacks, switched-off channels."""

from types import SimpleNamespace

from scheduler.routing import next_channel, planned_channel, route


def person(channels=(), email=None, zalo=None, phone=None, blocks=None):
    return SimpleNamespace(channels=list(channels), email=email, zalo_user_id=zalo, phone=phone, channel_blocks=blocks)


def test_without_a_preference_zalo_comes_first_when_the_person_follows_the_oa_else_email():
    assert route(person(email="a@x.vn", zalo="123")) == ("zalo", "email")
    assert route(person(email="a@x.vn", phone="0912345678")) == ("email",)  # ZNS only when listed
    assert planned_channel(person()) is None


def test_the_preference_comes_first_and_the_other_reachable_channels_follow_in_order():
    lan = person(["zns", "email"], email="a@x.vn", zalo="123", phone="0912345678")
    assert route(lan) == ("zns", "email", "zalo")
    assert next_channel(lan, "zns") == "email" and next_channel(lan, "email") == "zalo"
    assert next_channel(lan, "zalo") is None


def test_a_switched_off_channel_is_skipped_and_an_address_missing_is_never_tried():
    hoa = person(["email"], email="h@x.vn", zalo="9", blocks={"email": {"reason": "550"}})
    assert route(hoa) == ("zalo",) and planned_channel(hoa) == "zalo"
    khoa = person(["zns", "email"], phone="0912345678")  # no email on record: never an email fallback
    assert route(khoa) == ("zns",) and next_channel(khoa, "zns") is None
    held = person(["email"], email="h@x.vn", blocks={"email": {"reason": "550"}})
    assert route(held) == () and planned_channel(held) == "email"  # planned, then held with the reason
