"""The holiday override table ``config/holidays.toml``: announced days off and make-up working days.

The ``holidays`` package lags the yearly announcements (docs/working-days.md §7), so swaps it does not know
live here as data. The work rules service (``workrules.rules``) builds the one ``WorkCalendar`` from it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from config.files import load_toml, parse_toml
from deadlines.workdays import WorkCalendar

HOLIDAYS_FILE = "holidays.toml"
TABLES = ("day_off", "working_day")


class CalendarOverride(BaseModel):
    """One announced day: ``date`` (a TOML date), ``reason`` shown to users, ``source`` (the act)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    reason: str
    source: str

    @field_validator("date", mode="before")
    @classmethod
    def a_plain_toml_date(cls, value: object) -> object:
        # tomllib already gives date objects; a quoted string or a date-time is a mistake worth naming.
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValueError(f"phải là ngày dạng 2026-01-02 (không dấu nháy, không kèm giờ), không phải {value!r}")
        return value

    @field_validator("reason", "source")
    @classmethod
    def non_empty_nfc(cls, value: str) -> str:
        value = unicodedata.normalize("NFC", value.strip())
        if not value:
            raise ValueError("không được để trống")
        return value


class HolidayOverrides(BaseModel):
    """The whole file. A date may appear only once across both tables."""

    model_config = ConfigDict(extra="forbid")

    day_off: list[CalendarOverride] = []
    working_day: list[CalendarOverride] = []

    @model_validator(mode="after")
    def each_date_once(self) -> HolidayOverrides:
        seen: dict[dt.date, str] = {}
        for table in TABLES:
            for index, entry in enumerate(getattr(self, table)):
                if entry.date in seen:
                    # Raised with the entry's own location so the error names the line of the repeat.
                    raise _error_at((table, index, "date"), entry.date,
                                    f"ngày {entry.date.isoformat()} đã có trong [[{seen[entry.date]}]]")
                seen[entry.date] = table
        return self

    def work_calendar(self) -> WorkCalendar:
        return WorkCalendar(extra_off={e.date: e.reason for e in self.day_off},
                            extra_work={e.date: e.reason for e in self.working_day})


def load_holiday_overrides(path: Path) -> HolidayOverrides:
    """Read and validate ``path``; raises ConfigError "<file>:<line>: …" on any problem."""
    return load_toml(path, HolidayOverrides)


def parse_holiday_overrides(text: str, *, name: str = HOLIDAYS_FILE) -> HolidayOverrides:
    """Validate an edited file before it is saved (same errors as load_holiday_overrides)."""
    return parse_toml(text, HolidayOverrides, name=name)


def _error_at(loc: tuple[str | int, ...], value: object, message: str) -> ValidationError:
    return ValidationError.from_exception_data(
        "HolidayOverrides",
        [InitErrorDetails(type=PydanticCustomError("duplicate_date", message), loc=loc, input=value)],
    )
