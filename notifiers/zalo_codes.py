"""Zalo error codes (OA v3, ZNS, OAuth v4) sorted by what the client does about them, in one place.

Source: docs/zalo.md, "What a code means". Codes not listed are permanent.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    TRANSIENT = "transient"            # back off and retry the same request
    TOKEN = "token"                    # refresh the access token once, retry once
    WINDOW_CLOSED = "window_closed"    # OA may not message this user now: fall back to ZNS or email
    NIGHT = "night"                    # refused between 22:00 and 06:00: reschedule
    QUOTA = "quota"                    # stop the channel for the day
    RECIPIENT = "recipient"            # this person cannot be reached on this channel
    CONFIG = "config"                  # our app/OA/template setup is wrong: alert an admin
    PERMANENT = "permanent"            # anything else: record, never retry


CODES: dict[Outcome, frozenset[int]] = {
    Outcome.TRANSIENT: frozenset({-32, -100}),
    Outcome.TOKEN: frozenset({-216, -220, -124}),
    Outcome.WINDOW_CLOSED: frozenset({-230, -232}),
    Outcome.NIGHT: frozenset({-234, -133}),
    Outcome.QUOTA: frozenset({-211, -218, -144, -1441, -147, -1471, -160, -115, -126, -320, -321}),
    Outcome.RECIPIENT: frozenset({-213, -217, -227, -244, -108, -118, -119, -114, -110, -134, -139, -141}),
    Outcome.CONFIG: frozenset({-242, -223, -204, -205, -209, -212, -219, -221, -224, -235, -240,
                               -101, -102, -103, -104, -105, -106, -1241, -117, -120, -125, -127,
                               -135, -1351, -136, -137, -138, -140, -145, -109, -131, -146}),
}

_BY_CODE = {code: outcome for outcome, codes in CODES.items() for code in codes}

RATE_LIMITED = -32


def classify(code: int) -> Outcome:
    """How to react to a negative Zalo ``error`` code."""
    return _BY_CODE.get(code, Outcome.PERMANENT)


def is_retryable(outcome: Outcome) -> bool:
    """Only transient failures are retried by the HTTP layer; the rest go back to the caller at once."""
    return outcome is Outcome.TRANSIENT
