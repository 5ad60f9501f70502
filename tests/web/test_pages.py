"""Plain HTTP tests of the pages: happy paths, what anonymous visitors may see, and the admin-only pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.world import day

ADMIN_PAGES = ["/plans", "/plans/upload", "/policy", "/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_it_redirects_anonymous_visitors_of_admin_pages_to_login(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_it_shows_admin_pages_to_the_admin(admin: TestClient, world, path: str) -> None:
    response = admin.get(path)
    assert response.status_code == 200, response.text
    assert "<!doctype html>" in response.text


def test_it_shows_the_dashboard_with_overdue_and_upcoming_deadlines(client: TestClient, world) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Quá hạn" in response.text
    assert "Báo cáo rà soát" in response.text  # overdue, via the group the lead agencies belong to
    assert day(world.soon.effective_due) in response.text
    assert '<ul class="chart"' in response.text and "<meter" in response.text  # the on-time chart


def test_it_lists_an_agency_deadlines_including_group_tasks(client: TestClient, world) -> None:
    response = client.get(f"/agencies/{world.tu_phap.id}")
    assert response.status_code == 200
    assert "Quy chế phối hợp" in response.text
    assert "Báo cáo rà soát" in response.text
    assert "Đánh dấu hoàn thành" not in response.text  # anonymous: read only


def test_it_shows_the_month_calendar_and_the_task_page(client: TestClient, world) -> None:
    month = world.soon.effective_due.strftime("%Y-%m")
    assert "Quy chế phối hợp" in client.get(f"/calendar?month={month}").text
    assert client.get("/calendar?month=2025-13").status_code == 200  # a bad month falls back to this one
    task = client.get(f"/tasks/{world.once.task_id}")
    assert task.status_code == 200 and "Ban hành quy chế phối hợp" in task.text


def test_it_hides_draft_tasks_from_anonymous_visitors(client: TestClient, world) -> None:
    assert client.get(f"/tasks/{world.on_event.task_id}").status_code == 404


def test_it_answers_unknown_pages_in_vietnamese(client: TestClient) -> None:
    response = client.get("/agencies/999999")
    assert response.status_code == 404
    assert "Không tìm thấy trang này." in response.text
