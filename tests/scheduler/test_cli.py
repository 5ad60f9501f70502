"""``hanchot remind`` and ``hanchot contacts`` end to end, as a user runs them (subprocess, real database)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Contact, Reminder
from tests.scheduler.world import build_world

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.external_service


def hanchot(engine, *args, **env):
    environment = {**os.environ, "HANCHOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
                   "HANCHOT_SECRET_KEY": "kiem-thu", **env}
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_it_lists_what_would_be_sent_without_writing(engine, session):
    world = build_world(session)
    done = hanchot(engine, "remind", "--now", "2025-03-20T08:00", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    # config/policy.toml says digest = "daily": one message per person listing the day's items.
    assert sorted((r["recipient"], r["channel"], r["kind"]) for r in rows) == [
        ("Lê Thị Bình", "email", "digest"), ("Nguyễn Văn An", "email", "digest"), ("Phạm Thị Dung", "zalo", "digest")]
    [item] = rows[0]["items"]
    assert item == {"occurrence_id": world.occurrences[0].id, "kind": "before", "lead_days": 7,
                    "milestone": "Báo cáo CCHC (quý I)", "plan": "4784/KH-UBND", "due": "2025-03-31"}
    assert session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_it_sends_at_the_given_instant_to_eml_files_without_smtp(engine, session, tmp_path):
    build_world(session)
    done = hanchot(engine, "remind", "--now", "2025-03-20T08:00", "--json", HANCHOT_MAIL_DIR=str(tmp_path / "mail"))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["sent"] == 3 and summary["new"] == 3  # two emails and Dung's Zalo re-planned as an email
    assert len(list((tmp_path / "mail").rglob("*.eml"))) == 3
    again = json.loads(hanchot(engine, "remind", "--now", "2025-03-20T08:05", "--json",
                               HANCHOT_MAIL_DIR=str(tmp_path / "mail")).stdout)
    assert again["sent"] == 0 and again["new"] == 0


def test_it_refuses_a_bad_now_in_vietnamese(engine):
    done = hanchot(engine, "remind", "--now", "hôm qua")
    assert done.returncode == 2
    assert "không phải thời điểm ISO" in done.stderr and "Traceback" not in done.stderr


def test_it_adds_a_contact_to_an_agency_found_by_alias(engine, session):
    world = build_world(session)
    done = hanchot(engine, "contacts", "add", "--agency", "snv", "--name", "Đỗ Minh Khoa",
                   "--email", "khoa@snv.example", "--zalo-user-id", "123456789")
    assert done.returncode == 0, done.stderr
    contact = session.scalars(select(Contact).where(Contact.name == "Đỗ Minh Khoa")).one()
    assert contact.agency_id == world.lead.agency_id and contact.channels == ["email", "zalo"]
    listed = json.loads(hanchot(engine, "contacts", "list", "--agency", "Sở Nội vụ", "--json").stdout)
    assert "Đỗ Minh Khoa" in [r["name"] for r in listed]


def test_it_refuses_an_unknown_agency_in_vietnamese(engine, session):
    build_world(session)
    done = hanchot(engine, "contacts", "add", "--agency", "Sở Không Có", "--name", "A", "--email", "a@b.vn")
    assert done.returncode == 2
    assert "Không tìm thấy cơ quan “Sở Không Có”" in done.stderr
    assert session.scalar(select(func.count()).select_from(Contact).where(Contact.name == "A")) == 0
