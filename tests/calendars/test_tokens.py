"""Feed tokens: random, URL-safe, stored only hashed."""

from __future__ import annotations

import base64
import hashlib

from calendars.tokens import hash_token, looks_like_token, new_token, token_from_filename


def test_it_makes_tokens_of_32_random_bytes_and_returns_their_hash():
    token, token_hash = new_token()
    assert len(base64.urlsafe_b64decode(token + "=")) == 32
    assert token_hash == hashlib.sha256(token.encode()).hexdigest() == hash_token(token)
    assert token not in token_hash


def test_it_never_repeats_a_token():
    assert len({new_token()[0] for _ in range(1000)}) == 1000


def test_it_reads_the_token_from_a_feed_file_name():
    token, _ = new_token()
    assert token_from_filename(f"{token}.ics") == token
    assert token_from_filename(token) is None
    assert token_from_filename("../../etc/passwd.ics") is None
    assert not looks_like_token(token[:-1])
