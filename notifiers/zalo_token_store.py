"""The Zalo token pair in the database (``models.ZaloCredential``), claimed and saved by compare-and-swap.

Each call opens its own short session and commits at once, so a claim is visible to every process
before the refresh token is spent. Blocking database calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ZaloCredential
from notifiers.zalo_tokens import FreshTokens, TokenState, TokenStore, next_settled


class SqlTokenStore(TokenStore):
    def __init__(self, session_factory: Callable[[], Session], app_id: str) -> None:
        self.session_factory, self.app_id = session_factory, app_id

    async def load(self) -> TokenState | None:
        return await asyncio.to_thread(self._load)

    async def claim(self, version: int, now: datetime) -> bool:
        return await asyncio.to_thread(self._swap, version, {"updated_at": now})

    async def save(self, fresh: FreshTokens, claimed_version: int, now: datetime) -> bool:
        return await asyncio.to_thread(self._swap, claimed_version, _values(fresh, now))

    async def release(self, claimed_version: int, now: datetime) -> None:
        await asyncio.to_thread(self._swap, claimed_version, {"updated_at": now})

    async def put(self, fresh: FreshTokens, now: datetime) -> None:
        await asyncio.to_thread(self._put, fresh, now)

    async def mark_broken(self, reason: str, now: datetime) -> bool:
        return await asyncio.to_thread(self._mark_broken, reason, now)

    def _mark_broken(self, reason: str, now: datetime) -> bool:
        with self.session_factory() as session:
            result = session.execute(update(ZaloCredential).where(ZaloCredential.app_id == self.app_id,
                                                                  ZaloCredential.broken_at.is_(None))
                                     .values(broken_at=now, broken_reason=reason[:1000]))
            session.commit()
            return result.rowcount == 1

    def _load(self) -> TokenState | None:
        with self.session_factory() as session:
            row = session.scalar(select(ZaloCredential).where(ZaloCredential.app_id == self.app_id))
            if row is None:
                return None
            return TokenState(row.access_token, row.refresh_token, row.access_expires_at, row.refresh_expires_at,
                              row.version, row.updated_at, row.broken_reason if row.broken_at else None)

    def _swap(self, version: int, values: dict[str, Any]) -> bool:
        with self.session_factory() as session:
            result = session.execute(
                update(ZaloCredential)
                .where(ZaloCredential.app_id == self.app_id, ZaloCredential.version == version)
                .values(**values, version=version + 1))
            session.commit()
            return result.rowcount == 1           # 0: another process claimed or saved first

    def _put(self, fresh: FreshTokens, now: datetime) -> None:
        for _ in range(3):                        # insert/update race with another process: try again
            with self.session_factory() as session:
                row = session.scalar(select(ZaloCredential).where(ZaloCredential.app_id == self.app_id))
                if row is None:
                    session.add(ZaloCredential(app_id=self.app_id, version=1, **_values(fresh, now)))
                else:
                    result = session.execute(
                        update(ZaloCredential)
                        .where(ZaloCredential.app_id == self.app_id, ZaloCredential.version == row.version)
                        .values(**_values(fresh, now), version=next_settled(row.version)))
                    if result.rowcount != 1:
                        continue
                try:
                    session.commit()
                    return
                except IntegrityError:
                    session.rollback()
        raise RuntimeError(f"could not store the Zalo tokens of app {self.app_id}: too much contention")


def _values(fresh: FreshTokens, now: datetime) -> dict[str, Any]:
    return {"access_token": fresh.access_token, "refresh_token": fresh.refresh_token,
            "access_expires_at": fresh.access_expires_at, "refresh_expires_at": fresh.refresh_expires_at,
            "updated_at": now, "broken_at": None, "broken_reason": None, "broken_alerted_at": None}
