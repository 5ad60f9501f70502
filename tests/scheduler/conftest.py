"""Fixtures of the scheduler tests: the SMTP sink process (tests/support) and settings pointing at it."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from tests.fakes.zalo_fake import zalo_fake  # noqa: F401  (fixture)
from tests.support.smtp_sink import smtp_sink  # noqa: F401  (fixture)

SECRET = "kiem-thu-bi-mat-123"


@pytest.fixture
def settings_for(tmp_path):
    def make(sink=None, **overrides):
        return load_settings(smtp_url=sink.url() if sink else None, mail_from="Hạn chót <hanchot@example.gov.vn>",
                             base_url="https://hanchot.example", secret_key=SECRET, mail_dir=tmp_path / "mail",
                             **overrides)
    return make
