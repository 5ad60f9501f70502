"""Throttles kept in the database, so every web worker counts together and a restart forgets nothing.

Passwords (only the admin has one) are counted three ways in a 15-minute window:

- per (user name, address): 5 failures block that pair, even with the right password (or the 6th guess
  would tell the attacker it was right);
- per address: 20 failures, whatever the user names, block the address (one machine trying many names);
- per user name: 50 failures from anywhere block the name, but only for addresses that have never signed in
  as that user in the last 30 days. A botnet guessing "admin" cannot lock the admin out: the admin's usual
  office address still gets through, and a blocked address never blocks the right password from elsewhere.

Sign-in links are counted per address (3 a window) and per requesting IP (10 a window); over the limit the
page says exactly what it says when a link was sent, so the form tells nobody which addresses exist.
Keys are stored as an HMAC under the secret key: the table lists no email address or user name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import LoginSession, ThrottleHit

KEEP = timedelta(days=1)  # hits older than this are pruned as new ones come


@dataclass(frozen=True)
class Limit:
    bucket: str
    max_hits: int
    window: timedelta


WINDOW = timedelta(minutes=15)
PASSWORD_PAIR = Limit("password.pair", 5, WINDOW)
PASSWORD_IP = Limit("password.ip", 20, WINDOW)
PASSWORD_USER = Limit("password.user", 50, WINDOW)
LINK_ADDRESS = Limit("link.address", 3, WINDOW)
LINK_IP = Limit("link.ip", 10, WINDOW)
FAMILIAR_FOR = timedelta(days=30)


class Throttle:
    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key.encode()

    def _key(self, limit: Limit, key: str) -> str:
        return hmac.new(self._secret, f"{limit.bucket}:{key}".encode(), hashlib.sha256).hexdigest()

    def count(self, session: Session, limit: Limit, key: str, now: datetime) -> int:
        return session.scalar(select(func.count()).select_from(ThrottleHit).where(
            ThrottleHit.bucket == limit.bucket, ThrottleHit.key_hash == self._key(limit, key),
            ThrottleHit.at > now - limit.window)) or 0

    def over(self, session: Session, limit: Limit, key: str, now: datetime) -> bool:
        return self.count(session, limit, key, now) >= limit.max_hits

    def hit(self, session: Session, limit: Limit, key: str, now: datetime) -> None:
        session.execute(delete(ThrottleHit).where(ThrottleHit.at < now - KEEP))
        session.add(ThrottleHit(bucket=limit.bucket, key_hash=self._key(limit, key), at=now))
        session.flush()

    def clear(self, session: Session, limit: Limit, key: str) -> None:
        session.execute(delete(ThrottleHit).where(ThrottleHit.bucket == limit.bucket,
                                                  ThrottleHit.key_hash == self._key(limit, key)))

    # Passwords -------------------------------------------------------------------------------------------

    def password_blocked(self, session: Session, user: str, ip: str, now: datetime) -> bool:
        user = user.lower()
        if self.over(session, PASSWORD_PAIR, f"{user}|{ip}", now) or self.over(session, PASSWORD_IP, ip, now):
            return True
        return self.over(session, PASSWORD_USER, user, now) and not familiar(session, user, ip, now)

    def password_failed(self, session: Session, user: str, ip: str, now: datetime) -> None:
        user = user.lower()
        self.hit(session, PASSWORD_PAIR, f"{user}|{ip}", now)
        self.hit(session, PASSWORD_IP, ip, now)
        self.hit(session, PASSWORD_USER, user, now)

    def password_succeeded(self, session: Session, user: str, ip: str) -> None:
        self.clear(session, PASSWORD_PAIR, f"{user.lower()}|{ip}")

    # Sign-in links ---------------------------------------------------------------------------------------

    def link_allowed(self, session: Session, address: str, ip: str, now: datetime) -> bool:
        """Count this request; True when neither the address nor the IP asked too often in the window."""
        allowed = not (self.over(session, LINK_ADDRESS, address, now) or self.over(session, LINK_IP, ip, now))
        self.hit(session, LINK_ADDRESS, address, now)
        self.hit(session, LINK_IP, ip, now)
        return allowed


def familiar(session: Session, actor: str, ip: str, now: datetime) -> bool:
    """True when ``actor`` signed in from ``ip`` within FAMILIAR_FOR (its usual office, say)."""
    return session.scalar(select(LoginSession.id).where(
        LoginSession.actor == actor, LoginSession.ip == ip, LoginSession.created_at > now - FAMILIAR_FOR)
        .limit(1)) is not None
