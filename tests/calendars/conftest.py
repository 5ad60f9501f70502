"""Shared pieces of the feed tests: a sample feed, and the two expansion engines clients use."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from calendars.feed import FeedCalendar, FeedEvent

JS_DIR = Path(__file__).resolve().parents[1] / "js"
INSTALL_HINT = "`make test` installs it (tests/support/install_test_deps.sh: Debian nodejs, npm ical.js in tests/js)"
STAMP = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)

Expander = Callable[[bytes, date, date], dict[str, list[str]]]
Window = tuple[date, date]
Expansions = list[dict[str, list[str]]]  # one {uid: [occurrence, ...]} per window
ManyExpander = Callable[[list[tuple[bytes | icalendar.Calendar, list[Window]]]], list[Expansions]]


def sample_events() -> list[FeedEvent]:
    """A once milestone, a quarterly one with a moved occurrence, and a done occurrence."""
    def event(uid: str, day: date, summary: str, sequence: int = 0, **extra) -> FeedEvent:
        return FeedEvent(uid=uid, summary=summary, day=day, sequence=sequence, last_modified=STAMP, **extra)

    return [
        event("ms-7-20260315@hanchot.test", date(2026, 3, 15), "Hạn: Ban hành quy chế phối hợp",
              description="Nội dung: Ban hành quy chế\nCơ quan chủ trì: Sở Tư pháp", categories=("Phụ lục I",),
              url="https://hanchot.test/tasks/7"),
        event("ms-9-20260331@hanchot.test", date(2026, 3, 31), "✓ Đã hoàn thành – Hạn: Báo cáo quý I/2026",
              sequence=2, categories=("Báo cáo định kỳ",)),
        event("ms-9-20260630@hanchot.test", date(2026, 6, 30), "Hạn: Báo cáo quý II/2026",
              categories=("Báo cáo định kỳ",)),
        # 30/8/2026 is a Sunday before Quốc khánh: the effective date moves, the UID keeps the nominal one.
        event("ms-9-20260830@hanchot.test", date(2026, 9, 3), "Hạn: Báo cáo quý III/2026", sequence=1,
              categories=("Báo cáo định kỳ",)),
    ]


@pytest.fixture
def sample_feed() -> FeedCalendar:
    return FeedCalendar(uid="agency-3@hanchot.test", name="Sở Tư pháp – Hạn chót",
                        description="Các hạn chót giao cho Sở Tư pháp", events=sample_events())


def _format(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


@pytest.fixture
def expand_python() -> Expander:
    """recurring-ical-events (the engine behind Home Assistant and others): {uid: [occurrence, ...]}."""
    def expand(body: bytes, start: date, end: date) -> dict[str, list[str]]:
        return _python_occurrences(icalendar.Calendar.from_ical(body), start, end)
    return expand


def _python_occurrences(calendar: icalendar.Calendar, start: date, end: date) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for event in recurring_ical_events.of(calendar).between(start, end):
        found.setdefault(str(event["UID"]), []).append(_format(event["DTSTART"].dt))
    return {uid: sorted(days) for uid, days in sorted(found.items())}


@pytest.fixture
def expand_python_many() -> ManyExpander:
    """recurring-ical-events on many feeds (bytes, or already parsed), each expanded once over the span of its
    windows and the occurrences then sorted into them (one-day events: a day falls in one window or none)."""
    def expand(jobs: list[tuple[bytes | icalendar.Calendar, list[Window]]]) -> list[Expansions]:
        results = []
        for body, windows in jobs:
            calendar = body if isinstance(body, icalendar.Calendar) else icalendar.Calendar.from_ical(body)
            events = recurring_ical_events.of(calendar).between(min(s for s, _ in windows), max(e for _, e in windows))
            per_window: list[dict[str, list[str]]] = [{} for _ in windows]
            for event in events:
                day = event["DTSTART"].dt
                first = day.date() if isinstance(day, datetime) else day
                for found, (start, end) in zip(per_window, windows, strict=True):
                    if start <= first < end:
                        found.setdefault(str(event["UID"]), []).append(_format(day))
            results.append([{uid: sorted(days) for uid, days in sorted(found.items())} for found in per_window])
        return results
    return expand


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not installed: {INSTALL_HINT}")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        pytest.fail(f"ical.js is not installed in tests/js/node_modules: {INSTALL_HINT}")
    return node


@pytest.fixture
def expand_icaljs_many(tmp_path: Path) -> ManyExpander:
    """Mozilla ical.js on many feeds in one node process (``expand.mjs --batch``): one result list per feed."""
    node = _node()

    def expand(jobs: list[tuple[bytes, list[Window]]]) -> list[Expansions]:
        manifest = []
        for number, (body, windows) in enumerate(jobs):
            path = tmp_path / f"feed-{number}.ics"
            path.write_bytes(body)
            manifest.append({"path": str(path), "windows": [[s.isoformat(), e.isoformat()] for s, e in windows]})
        done = subprocess.run([node, str(JS_DIR / "expand.mjs"), "--batch"], input=json.dumps(manifest),
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"ical.js failed on a feed: {done.stderr}"
        return json.loads(done.stdout)
    return expand


@pytest.fixture
def expand_icaljs(tmp_path: Path) -> Expander:
    """Mozilla ical.js through node (tests/js/expand.mjs). Fails, never skips, when node or ical.js is missing."""
    node = _node()

    def expand(body: bytes, start: date, end: date) -> dict[str, list[str]]:
        path = tmp_path / "feed.ics"
        path.write_bytes(body)
        done = subprocess.run([node, str(JS_DIR / "expand.mjs"), str(path), start.isoformat(), end.isoformat()],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"ical.js failed on the feed: {done.stderr}"
        return json.loads(done.stdout)
    return expand
