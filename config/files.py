"""Load the editable TOML files of ``config/`` into pydantic models, with errors naming file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from config.errors import ConfigError
from config.toml_messages import toml_reason, validation_reason

M = TypeVar("M", bound=BaseModel)


def load_toml(path: Path, model: type[M]) -> M:
    """Parse ``path`` and validate it as ``model``.

    Raises ConfigError "<file>:<line>: <what is wrong>" for an unreadable file, a TOML syntax error or
    a value the model refuses.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the file ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not UTF-8 text") from None
    return parse_toml(text, model, name=str(path))


def parse_toml(text: str, model: type[M], *, name: str = "<config>") -> M:
    """Like load_toml, for text already read (the web app validates edits before saving them)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or _line_from_message(str(e), text)
        detail = _first_clause(str(e))
        raise ConfigError(f"{name}:{line}: invalid TOML ({detail})", line=line, reason=toml_reason(detail)) from None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        message = err["msg"].removeprefix("Value error, ")
        line = locate(text, loc)
        raise ConfigError(f"{name}:{line}: {where}: {message}", line=line, reason=validation_reason(err)) from None


def locate(text: str, loc: tuple) -> int:
    """Best line number for a validation error at ``loc`` (e.g. ``("day_off", 2, "date")``).

    Walks the path: a table name moves to its header (the n-th ``[[name]]`` for an index), a key moves
    to the line that assigns it. Falls back to the last position found, or line 1.
    """
    lines = text.splitlines()
    pos, table = 0, ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            hits = [n for n, line in enumerate(lines) if n >= pos and header.match(line)]
            if part < len(hits):
                pos = hits[part]
            continue
        table = f"{table}.{part}" if table and not isinstance(loc[i - 1], int) else str(part)
        key = re.compile(rf"^\s*(\[\[?\s*([\w.]*\.)?{re.escape(str(part))}\s*\]\]?|\"?{re.escape(str(part))}\"?\s*=)")
        for n in range(pos, len(lines)):
            if key.match(lines[n]):
                pos = n
                break
    return pos + 1


def _line_from_message(message: str, text: str) -> int:
    """The line tomllib names; "at end of document" is the last line, not the first."""
    found = re.search(r"line (\d+)", message)
    if found:
        return int(found.group(1))
    return max(len(text.rstrip("\n").splitlines()), 1) if "end of document" in message else 1


def _first_clause(message: str) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
