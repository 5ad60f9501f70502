"""Channel outages: a channel failing transiently for everyone (the SMTP server down), tracked in the database.

The dispatcher notes each pass's transient failures and successes per channel. An outage open for longer than
``DispatchConfig.outage_alert_after`` shows a banner on the admin dashboard (``open_outages``); when a send gets
through again the outage ends, and ONE email goes to the admin address (``claim_recovery_alert`` is a
conditional UPDATE, so two dispatchers never both send it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ChannelOutage

OUTAGES = ChannelOutage.__table__
CHANNEL_LABELS = {"email": "email (SMTP)", "zalo": "Zalo OA", "zns": "Zalo ZNS"}


@dataclass(frozen=True)
class Outage:
    channel: str
    started_at: datetime
    ended_at: datetime | None
    last_error: str | None

    @property
    def label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)


def note_failure(connection: Connection, channel: str, now: datetime, error: str) -> None:
    """Open an outage of ``channel`` (or keep the open one, with the latest error)."""
    row = connection.execute(select(OUTAGES.c.ended_at).where(OUTAGES.c.channel == channel)).first()
    if row is None:
        try:
            with connection.begin_nested():
                connection.execute(insert(OUTAGES).values(channel=channel, started_at=now, last_error=error))
        except IntegrityError:  # another dispatcher opened it first
            note_failure(connection, channel, now, error)
        return
    if row.ended_at is None:
        connection.execute(update(OUTAGES).where(OUTAGES.c.channel == channel).values(last_error=error))
    else:  # a new outage after an earlier one ended
        connection.execute(update(OUTAGES).where(OUTAGES.c.channel == channel).values(
            started_at=now, ended_at=None, last_error=error, admin_notified_at=None))


def note_success(connection: Connection, channel: str, now: datetime) -> None:
    connection.execute(update(OUTAGES).where(OUTAGES.c.channel == channel, OUTAGES.c.ended_at.is_(None))
                       .values(ended_at=now))


def open_outages(session: Session, now: datetime, longer_than: timedelta) -> list[Outage]:
    """Outages still going on after ``longer_than``: the dashboard banner."""
    rows = session.execute(select(OUTAGES).where(OUTAGES.c.ended_at.is_(None),
                                                 OUTAGES.c.started_at <= now - longer_than)
                           .order_by(OUTAGES.c.channel)).all()
    return [Outage(r.channel, r.started_at, r.ended_at, r.last_error) for r in rows]


def claim_recovery_alert(connection: Connection, now: datetime, longer_than: timedelta) -> list[Outage]:
    """The ended outages that lasted longer than ``longer_than`` and whose admin email is not sent yet, claimed
    by this caller (each returned exactly once across processes)."""
    candidates = connection.execute(select(OUTAGES).where(
        OUTAGES.c.ended_at.is_not(None), OUTAGES.c.admin_notified_at.is_(None))).all()
    won = []
    for r in candidates:
        if r.ended_at - r.started_at < longer_than:
            continue
        result = connection.execute(update(OUTAGES).where(OUTAGES.c.channel == r.channel,
                                                          OUTAGES.c.admin_notified_at.is_(None))
                                    .values(admin_notified_at=now))
        if result.rowcount == 1:
            won.append(Outage(r.channel, r.started_at, r.ended_at, r.last_error))
    return won


def release_recovery_alert(connection: Connection, channel: str) -> None:
    """The alert email could not be sent: let the next pass try again."""
    connection.execute(update(OUTAGES).where(OUTAGES.c.channel == channel).values(admin_notified_at=None))
