"""Values come back from either database exactly as they went in."""

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from models import AuditLog, Plan

VIETNAM = timezone(timedelta(hours=7))
NFC_TEXT = unicodedata.normalize("NFC", "Chậm nhất trong Quý I/2025; Sở Nội vụ chủ trì, UBND cấp xã phối hợp")


def test_it_round_trips_vietnamese_json_in_nfc(session):
    session.add(Plan(title="Kế hoạch", plan_year=2025, content_hash="a" * 64,
                     implements=[NFC_TEXT], warnings=["Không rõ hạn: “định kỳ”"]))
    session.commit()
    session.expunge_all()
    plan = session.scalars(select(Plan)).one()
    assert plan.implements == [NFC_TEXT]
    assert unicodedata.is_normalized("NFC", plan.implements[0])
    assert plan.warnings == ["Không rõ hạn: “định kỳ”"]


def test_it_stores_json_text_readable_not_escaped(session, engine):
    session.add(AuditLog(actor="admin", action="plan.publish", entity="plans", after={"title": "Hạn chót"}))
    session.commit()
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT CAST(after AS TEXT) FROM audit_log")).scalar_one()
    assert "Hạn chót" in raw


def test_it_returns_aware_datetimes_in_utc(session):
    published = datetime(2025, 3, 24, 8, 0, 30, 123456, tzinfo=VIETNAM)
    session.add(Plan(title="x", plan_year=2025, content_hash="b" * 64, published_at=published,
                     issued_on=date(2025, 12, 31)))
    session.commit()
    session.expunge_all()
    plan = session.scalars(select(Plan)).one()
    assert plan.published_at == published
    assert plan.published_at.utcoffset() == timedelta(0)
    assert plan.published_at.isoformat() == "2025-03-24T01:00:30.123456+00:00"
    assert plan.issued_on == date(2025, 12, 31)
    assert plan.created_at.tzinfo is not None


def test_it_compares_datetimes_in_queries_across_time_zones(session):
    session.add(Plan(title="x", plan_year=2025, content_hash="c" * 64,
                     published_at=datetime(2025, 3, 24, 8, 0, tzinfo=VIETNAM)))
    session.commit()
    just_after = datetime(2025, 3, 24, 1, 0, 1, tzinfo=UTC)
    just_before = datetime(2025, 3, 24, 7, 59, 59, tzinfo=VIETNAM)
    assert session.scalar(select(Plan.id).where(Plan.published_at < just_after)) is not None
    assert session.scalar(select(Plan.id).where(Plan.published_at < just_before)) is None


def test_it_refuses_a_naive_datetime(session):
    session.add(Plan(title="x", plan_year=2025, content_hash="d" * 64, published_at=datetime(2025, 3, 24, 8, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()
