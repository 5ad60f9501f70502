"""Fitting a reminder into one Zalo text message (2,000 characters) without losing its links."""

from __future__ import annotations

from notifiers.base import Links

ZALO_TEXT_LIMIT = 2000
ELLIPSIS = "…"


def link_lines(links: Links) -> list[str]:
    """The Vietnamese action lines appended after the body."""
    lines = []
    if links.done_url:
        lines.append(f"Đánh dấu đã xong: {links.done_url}")
    if links.snooze_url:
        lines.append(f"Nhắc lại sau: {links.snooze_url}")
    return lines


def compose_text(body: str, links: Links, limit: int = ZALO_TEXT_LIMIT) -> str:
    """``body`` plus the link lines, at most ``limit`` characters.

    When too long, only the body is cut, at a word boundary when one is near, and ends with "…"; the
    links are kept whole because they are the point of the reminder.
    """
    footer = "\n".join(link_lines(links))
    separator = "\n\n" if footer else ""
    room = limit - len(footer) - len(separator)
    body = body.strip()
    if len(body) > room:
        body = _cut(body, room)
    return f"{body}{separator}{footer}"


def _cut(body: str, room: int) -> str:
    if room <= len(ELLIPSIS):
        return ELLIPSIS[:max(room, 0)]
    head = body[: room - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= len(head) * 0.8:          # a word boundary close to the limit: do not cut a word in half
        head = head[:space]
    return head.rstrip(" ,;:.-\n") + ELLIPSIS
