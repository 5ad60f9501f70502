"""``config/zalo.toml``: which ZNS template reminders use and how its parameters are filled."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from config.errors import ConfigError
from config.files import load_toml
from notifiers.base import Message

SOURCE = re.compile(r"^(subject|text|idempotency_key|recipient\.(name|email|phone)|links\.(done_url|snooze_url)"
                    r"|template_data\.\w+)$")


class ZnsConfig(BaseModel):
    """``[zns]``: the approved template and, for each of its parameters, the Message field that fills it."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    template_id: str = Field(min_length=1)
    mode: Literal["production", "development"] = "production"
    fields: dict[str, str] = Field(min_length=1)
    max_length: int = Field(default=200, ge=1)       # Zalo's per-parameter limits go from 30 to 200

    @field_validator("fields")
    @classmethod
    def known_sources(cls, fields: dict[str, str]) -> dict[str, str]:
        for name, source in fields.items():
            if not SOURCE.match(source):
                raise ValueError(f"{name} = {source!r}: use subject, recipient.name, links.done_url, "
                                 "template_data.<key> …")
        return fields

    def template_data(self, message: Message) -> dict[str, str]:
        """The template parameters for ``message``, as strings (Zalo wants strings), cut to ``max_length``."""
        return {name: _cut(str(_lookup(message, source)), self.max_length) for name, source in self.fields.items()}


def check_template_fields(config: ZnsConfig, available: Iterable[str], where: str = "config/zalo.toml") -> None:
    """Refuse a ``template_data.<key>`` the composer never fills (every ZNS send would fail): name the parameter."""
    known = sorted(available)
    for name, source in config.fields.items():
        head, _, key = source.partition(".")
        if head == "template_data" and key not in known:
            raise ConfigError(f"{where}: [zns.fields] {name} = \"{source}\": nhắc việc không có trường \"{key}\" "
                              f"(các trường có: {', '.join(known)}); sửa thành ví dụ \"template_data.{known[0]}\".")


class ZaloConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zns: ZnsConfig | None = None


def load_zalo_config(config_dir: Path) -> ZaloConfig:
    """Read ``<config_dir>/zalo.toml``; a missing file means no ZNS fallback."""
    path = config_dir / "zalo.toml"
    return load_toml(path, ZaloConfig) if path.exists() else ZaloConfig()


def _lookup(message: Message, source: str) -> Any:
    head, _, rest = source.partition(".")
    if head == "template_data":
        return message.template_data.get(rest, "")
    value = getattr(getattr(message, head), rest) if rest else getattr(message, head)
    return "" if value is None else value


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
