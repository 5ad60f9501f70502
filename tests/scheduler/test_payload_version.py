"""The outbox payload's version is checked when a row is claimed: a version this code does not write is refused."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import Reminder
from scheduler.claims import UnknownPayloadVersion, claim_batch, read_payload
from scheduler.outbox import PAYLOAD_VERSION
from tests.scheduler.world import build_world, seed_outbox

AT = datetime(2025, 5, 5, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("payload", [{"version": PAYLOAD_VERSION + 1, "due": "2025-03-31"}, {"due": "2025-03-31"},
                                     None], ids=["newer", "unversioned", "empty"])
def test_it_refuses_a_payload_it_does_not_know(payload):
    with pytest.raises(UnknownPayloadVersion, match=r"reminder 7: outbox payload version .* reads version 1 only"):
        read_payload(7, payload)


def test_it_reads_its_own_version():
    assert read_payload(7, {"version": PAYLOAD_VERSION, "due": "2025-03-31"})["due"] == "2025-03-31"


def test_a_claim_that_meets_an_unknown_version_fails_and_leaves_every_row_pending(session):
    seed_outbox(session, build_world(session), 3, AT)
    newer = session.scalars(select(Reminder).order_by(Reminder.id)).all()[1]
    newer.payload = {"version": PAYLOAD_VERSION + 1, "due": "2025-03-31", "what": "a field of the future"}
    session.commit()
    with pytest.raises(UnknownPayloadVersion, match=f"reminder {newer.id}: outbox payload version 2"):
        claim_batch(session, AT, "w1", 10)
    session.rollback()  # what the dispatcher's session does on the way out
    rows = session.execute(select(Reminder.status, Reminder.attempts, Reminder.claimed_by)).all()
    assert [tuple(r) for r in rows] == [("pending", 0, None)] * 3
