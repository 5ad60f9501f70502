"""Helpers for the access tests: two communes' deadlines, and signing a focal point in the way a person does
(ask for a link, open the email, press the button). The fixtures are in conftest.py beside this file."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from config.settings import Settings, load_settings
from models import Agency, Assignment, Contact, Milestone, Occurrence, Plan, Task
from tests.web.conftest import CSRF, PASSWORD_HASH

TODAY = datetime.now(UTC).date()
LINK = re.compile(r"https?://[^/\s]+(/login/link/[A-Za-z0-9_-]+)")


def settings_for(engine: Engine, tmp_path: Path, config_dir: Path, **overrides: object) -> Settings:
    url = engine.url.render_as_string(hide_password=False)
    values = {"env": "test", "database_url": url, "config_dir": config_dir, "admin_password_hash": PASSWORD_HASH,
              "secret_key": "access-test-secret-0123456789-abcdef", "mail_dir": tmp_path / "mail",
              "base_url": "http://testserver", **overrides}
    return load_settings(**values)


def new_client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, follow_redirects=False)


@dataclass
class Communes:
    """Two communes, each with its police office ("Công an xã") and its office of the People's Committee."""

    police_tv: Agency
    office_tv: Agency
    police_hp: Agency
    focal_tv: Contact
    focal_hp: Contact
    plan_tv: Plan
    plan_hp: Plan
    draft: Plan
    tv_lead_overdue: Occurrence  # led by Thiệu Vân's police
    tv_lead_soon: Occurrence
    tv_support_soon: Occurrence  # led by Thiệu Vân's office, the police supports
    hp_lead_soon: Occurrence  # led by Hoàng Phú's police


def _task(plan: Plan, number: str, content: str, lead: Agency, support: Agency | None, due_in: int) -> Occurrence:
    task = Task(plan=plan, key=f"t{number}", number=number, content=content, deadline_text="Trong tháng",
                position=int(number))
    task.assignments = [Assignment(agency=lead, role="lead", as_written=lead.name)]
    if support is not None:
        task.assignments.append(Assignment(agency=support, role="support", as_written=support.name))
    due = TODAY + timedelta(days=due_in)
    occurrence = Occurrence(due=due, effective_due=due)
    milestone = Milestone(task=task, key="m1", kind="once", label=content, due=due, source="Trong tháng")
    milestone.occurrences = [occurrence]
    return occurrence


def build_communes(session: Session) -> Communes:
    police_tv = Agency(name="Công an xã Thiệu Vân", level="xa")
    office_tv = Agency(name="Văn phòng HĐND và UBND xã Thiệu Vân", level="xa")
    police_hp = Agency(name="Công an xã Hoàng Phú", level="xa")
    focal_tv = Contact(name="Lê Thị Vân", agency=police_tv, email="van@thieuvan.test", channels=["email"],
                       is_focal_point=True)
    focal_hp = Contact(name="Trần Văn Phú", agency=police_hp, email="phu@hoangphu.test", channels=["email"],
                       is_focal_point=True)
    plan_tv = Plan(number="12/KH-UBND", title="Kế hoạch CCHC xã Thiệu Vân", plan_year=TODAY.year,
                   content_hash="c" * 64, status="published", issuer="UBND xã Thiệu Vân")
    plan_hp = Plan(number="34/KH-UBND", title="Kế hoạch CCHC xã Hoàng Phú", plan_year=TODAY.year,
                   content_hash="d" * 64, status="published", issuer="UBND xã Hoàng Phú")
    draft = Plan(number="56/KH-UBND", title="Dự thảo kế hoạch bí mật", plan_year=TODAY.year, content_hash="e" * 64)
    tv_lead_overdue = _task(plan_tv, "1", "Rà soát an ninh trật tự", police_tv, office_tv, -3)
    tv_lead_soon = _task(plan_tv, "2", "Báo cáo tình hình an ninh", police_tv, None, 5)
    tv_support_soon = _task(plan_tv, "3", "Niêm yết thủ tục hành chính", office_tv, police_tv, 7)
    hp_lead_soon = _task(plan_hp, "1", "Tuyên truyền phòng cháy", police_hp, None, 4)
    _task(draft, "1", "Nhiệm vụ của bản nháp", police_tv, None, 6)
    session.add_all([police_tv, office_tv, police_hp, focal_tv, focal_hp, plan_tv, plan_hp, draft])
    session.flush()
    return Communes(police_tv, office_tv, police_hp, focal_tv, focal_hp, plan_tv, plan_hp, draft, tv_lead_overdue,
                    tv_lead_soon, tv_support_soon, hp_lead_soon)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def mails_in(mail_dir: Path) -> frozenset[str]:
    """The names of the emails already in ``mail_dir``: pass them to ``read_link`` to wait for a newer one."""
    return frozenset(p.name for p in Path(mail_dir).glob("*.eml")) if Path(mail_dir).exists() else frozenset()


def read_link(mail_dir: Path, address: str, wait: float = 10.0, before: frozenset[str] = frozenset()) -> str:
    """The sign-in link path of the newest email to ``address`` that is not among ``before``.

    The server writes the email in a background task after answering, so the file may not be there yet when
    the page has loaded: look again until it is, for at most ``wait`` seconds. An earlier email to the same
    address holds a link already used; ``before`` (from ``mails_in`` taken before asking) keeps it out.
    """
    deadline = time.monotonic() + wait
    while True:
        mails = [p for p in Path(mail_dir).glob("*.eml") if p.name not in before] if Path(mail_dir).exists() else []
        for mail in sorted(mails, key=lambda p: p.stat().st_mtime, reverse=True):
            message = BytesParser(policy=default).parsebytes(mail.read_bytes())
            if address in str(message["To"]):
                found = LINK.search(message.get_body(("plain",)).get_content())
                assert found, "no sign-in link in the email"
                return found.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no new email to {address}")
        time.sleep(0.05)


def sign_in(client: TestClient, address: str, mail_dir: Path) -> TestClient:
    for mail in Path(mail_dir).glob("*.eml") if Path(mail_dir).exists() else []:
        mail.unlink()
    asked = client.post("/login/email", data={"email": address, "csrf_token": csrf_of(client)})
    assert asked.status_code == 200
    link = read_link(mail_dir, address)
    done = client.post(link, data={"csrf_token": csrf_of(client, link)})
    assert done.status_code == 303 and done.headers["location"] == "/me", done.text
    return client


def log_in_admin(client: TestClient) -> TestClient:
    from tests.web.conftest import PASSWORD

    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert response.status_code == 303, response.text
    return client
