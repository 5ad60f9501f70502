"""Write a file so that a reader sees either the old content or the whole new one, never half a file.

The one way hanchot writes the files other processes read (the TOML files the web editor saves, exported
.ics feeds, .eml reminders): a temporary file in the same folder, flushed to disk, then renamed (or linked)
into place, and removed whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes | str, *, replace: bool = True) -> bool:
    """Write ``data`` (text as UTF-8) to ``path``. Returns True when written.

    ``replace=False`` keeps a file already there (the first writer wins, quietly) and returns False: a
    hard link, unlike a rename, never overwrites.
    """
    body = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
            return True
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
