"""Without SMTP, each email becomes ``<mail_dir>/<message-id>.eml``: written once, atomically."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from config.atomic_file import write_atomically
from notifiers.base import Message, Notifier, NotifierError, SendResult, utcnow
from notifiers.mail_content import build_email, message_id_for


class EmlNotifier(Notifier):
    kind = "eml"

    def __init__(self, mail_dir: Path, mail_from: str, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.mail_dir, self.mail_from, self.clock = Path(mail_dir), mail_from, clock

    @classmethod
    def from_settings(cls, settings: Any, **deps: Any) -> EmlNotifier:
        return cls(settings.mail_dir, settings.mail_from, **deps)

    def path_for(self, idempotency_key: str) -> Path:
        return self.mail_dir / f"{message_id_for(idempotency_key).strip('<>')}.eml"

    async def send(self, message: Message) -> SendResult:
        message_id = message_id_for(message.idempotency_key)
        target = self.path_for(message.idempotency_key)
        if target.exists():
            return SendResult(self.kind, message_id)          # already "sent": never overwrite
        try:
            data = build_email(message, self.mail_from, self.clock()).data
        except ValueError as e:
            raise NotifierError(f"email: {e}", permanent=True, code="recipient") from None
        try:
            self.mail_dir.mkdir(parents=True, exist_ok=True)
            # A concurrent writer of the same key loses quietly; in a thread: fsync must not stall other sends.
            await asyncio.to_thread(write_atomically, target, data, replace=False)
        except OSError as e:
            raise NotifierError(f"cannot write {target}: {e.strerror}", permanent=False, code="transient") from e
        return SendResult(self.kind, message_id)


