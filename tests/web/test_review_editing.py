"""Editing a recurring deadline on the review page: fields in words, the RRULE as text, errors beside the field."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import AuditLog, Milestone, Task
from tests.web.conftest import csrf
from tests.web.forms import forms_on
from tests.web.world import TODAY
from web.editing import expand_rrule, set_dates
from workrules.rules import current_work_rules

YEAR = TODAY.year
LOADED = f"DTSTART:{YEAR}0101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20;WKST=MO"


@pytest.fixture
def web_db_url(engine) -> str:  # type: ignore[no-untyped-def]
    """Every test here runs on SQLite and on PostgreSQL (the ``backend`` parameter of tests/conftest.py)."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def recurring(world, db_session, config_dir) -> Milestone:  # type: ignore[no-untyped-def]
    """A quarterly report on the 20th in the draft plan, its dates set through the work rules service."""
    task = Task(plan_id=world.draft.id, key="1-2", number="2", content="Báo cáo tình hình thực hiện hằng quý",
                deadline_text="Trước ngày 20 tháng cuối quý", position=2)
    milestone = Milestone(task=task, key="m1", kind="recurring", label="Báo cáo quý", rrule=LOADED,
                          source="Trước ngày 20 tháng cuối quý")
    db_session.add(task)
    db_session.flush()
    set_dates(milestone, expand_rrule(LOADED, YEAR), current_work_rules(config_dir))
    db_session.commit()
    return milestone


def _form(admin: TestClient, plan_id: int, milestone_id: int) -> dict[str, str]:
    page = admin.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    return forms_on(page.text)[f"form-milestone-{milestone_id}"]


def _live(db_session, milestone_id: int) -> list[tuple[date, date]]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    rows = db_session.get(Milestone, milestone_id).occurrences
    return sorted((o.due, o.effective_due) for o in rows if o.status != "cancelled")


def _audits(db_session) -> int:  # type: ignore[no-untyped-def]
    return db_session.scalar(select(func.count()).select_from(AuditLog))


def test_the_form_shows_the_rule_in_words_fields_and_one_line_per_rule(admin: TestClient, world, recurring) -> None:
    page = admin.get(f"/plans/{world.draft.id}").text
    form = forms_on(page)[f"form-milestone-{recurring.id}"]
    assert form["rrule"] == LOADED  # two lines, not "DTSTART:…RRULE:…" joined on one
    assert (form["kind"], form["period"], form["day"], form["until"]) == ("recurring", "quarter", "20", "")
    assert "Hằng quý (tháng 3, 6, 9, 12), ngày 20 của tháng cuối kỳ." in page


def test_saving_what_was_loaded_succeeds_and_changes_no_date(admin: TestClient, world, recurring, db_session) -> None:
    before = _live(db_session, recurring.id)
    form = _form(admin, world.draft.id, recurring.id)
    response = admin.post(f"/milestones/{recurring.id}", data=form)
    assert response.status_code == 303, response.text
    assert _live(db_session, recurring.id) == before and len(before) == 4
    assert db_session.get(Milestone, recurring.id).rrule == LOADED and _audits(db_session) == 0


def test_a_label_change_keeps_the_rule_even_with_windows_line_ends(admin: TestClient, world, recurring,
                                                                   db_session) -> None:
    form = {**_form(admin, world.draft.id, recurring.id), "label": "Báo cáo quý (CCHC)"}
    form["rrule"] = form["rrule"].replace("\n", "\r\n")  # what a browser sends from a textarea
    assert admin.post(f"/milestones/{recurring.id}", data=form).status_code == 303
    db_session.expire_all()
    stored = db_session.get(Milestone, recurring.id)
    assert (stored.label, stored.rrule) == ("Báo cáo quý (CCHC)", LOADED)
    assert stored.manual_override == {"label": "Báo cáo quý (CCHC)"}


def test_the_fields_build_a_new_rule_whose_effective_dates_come_from_the_work_rules(
        admin: TestClient, world, recurring, db_session, config_dir) -> None:
    form = {**_form(admin, world.draft.id, recurring.id), "period": "half", "day": "-1", "until": ""}
    assert admin.post(f"/milestones/{recurring.id}", data=form).status_code == 303
    db_session.expire_all()
    assert db_session.get(Milestone, recurring.id).rrule == \
        f"DTSTART:{YEAR}0101\nRRULE:FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1;WKST=MO"
    rules = current_work_rules(config_dir)
    nominal = [date(YEAR, 6, 30), date(YEAR, 12, 31)]
    assert _live(db_session, recurring.id) == [(d, rules.effective(d, plan_number="9/KH-UBND")) for d in nominal]


def test_the_expert_text_wins_over_the_fields_when_it_changed(admin: TestClient, world, recurring, db_session) -> None:
    form = {**_form(admin, world.draft.id, recurring.id),
            "rrule": f"DTSTART:{YEAR}0101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=5"}
    assert admin.post(f"/milestones/{recurring.id}", data=form).status_code == 303
    assert [d for d, _ in _live(db_session, recurring.id)] == [date(YEAR, m, 5) for m in range(1, 13)]


def test_a_one_line_rule_from_the_old_box_is_read_as_two_lines(admin: TestClient, world, recurring,
                                                               db_session) -> None:
    form = {**_form(admin, world.draft.id, recurring.id),
            "rrule": f"DTSTART:{YEAR}0101RRULE:FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15;WKST=MO"}
    assert admin.post(f"/milestones/{recurring.id}", data=form).status_code == 303
    assert [d for d, _ in _live(db_session, recurring.id)] == [date(YEAR, 6, 15), date(YEAR, 12, 15)]


def test_a_bad_rule_comes_back_beside_its_box_with_the_typed_text_and_nothing_saved(
        admin: TestClient, world, recurring, db_session) -> None:
    before = _live(db_session, recurring.id)
    typed = f"DTSTART:{YEAR}0101\nRRULE:FREQ=SOMETIMES"
    form = {**_form(admin, world.draft.id, recurring.id), "rrule": typed, "label": "Nhãn mới đang gõ"}
    response = admin.post(f"/milestones/{recurring.id}", data=form)
    assert response.status_code == 400
    assert "<h1>Lỗi 400</h1>" not in response.text and "Chưa lưu: Quy tắc lặp (RRULE) không hợp lệ" in response.text
    again = forms_on(response.text)[f"form-milestone-{recurring.id}"]
    assert again["rrule"] == typed and again["label"] == "Nhãn mới đang gõ"
    assert f'id="error-milestone-{recurring.id}-rrule"' in response.text and 'aria-invalid="true"' in response.text
    assert _live(db_session, recurring.id) == before and _audits(db_session) == 0


def test_a_bad_one_off_date_keeps_the_typed_value_beside_the_date_field(admin: TestClient, world, db_session) -> None:
    form = {**_form(admin, world.plan.id, world.once.id), "due": "31/02/2025"}
    response = admin.post(f"/milestones/{world.once.id}", data=form)
    assert response.status_code == 400
    again = forms_on(response.text)[f"form-milestone-{world.once.id}"]
    assert again["due"] == "31/02/2025" and again["csrf_token"]
    assert f'<span class="field-error" id="error-milestone-{world.once.id}-due">Ngày hạn không hợp lệ' in response.text
    db_session.expire_all()
    assert db_session.get(Milestone, world.once.id).due == world.once.due


def test_a_bad_agency_choice_reopens_its_form(admin: TestClient, world, db_session) -> None:
    from models import Assignment

    assignment = db_session.scalar(select(Assignment).where(Assignment.agency_id == world.noi_vu.id))
    response = admin.post(f"/assignments/{assignment.id}", data={"csrf_token": csrf(admin, "/"), "agency_id": "999999"})
    assert response.status_code == 400
    assert f'id="error-assignment-{assignment.id}-agency_id">Cơ quan không tồn tại.' in response.text


def test_save_and_next_goes_to_the_next_task_that_needs_checking(admin: TestClient, world, recurring,
                                                                 db_session) -> None:
    db_session.get(Milestone, world.on_event.id).warnings = ["Chưa rõ văn bản hướng dẫn nào."]
    db_session.commit()
    page = admin.get(f"/plans/{world.draft.id}?can_kiem_tra=1").text
    assert "Chỉ xem mục cần kiểm tra" not in page and "Xem tất cả nhiệm vụ" in page
    assert f'name="next_anchor" value="task-{recurring.task_id}">Lưu và sang mục tiếp' in page
    form = {**forms_on(page)[f"form-event-{world.on_event.id}"], "event_date": TODAY.strftime("%d/%m/%Y"),
            "next_anchor": f"task-{recurring.task_id}"}
    response = admin.post(f"/milestones/{world.on_event.id}/event", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/plans/{world.draft.id}?can_kiem_tra=1#task-{recurring.task_id}"


def test_a_bad_email_keeps_the_new_contact_as_typed_beside_the_email_field(admin: TestClient, world,
                                                                           db_session) -> None:
    from models import Contact

    before = db_session.scalar(select(func.count()).select_from(Contact))
    response = admin.post(f"/agencies/{world.tu_phap.id}/contacts", data={
        "csrf_token": csrf(admin, "/"), "name": "Trần Thị Bình", "email": "binh@", "phone": "0912345678",
        "channels": ["email"], "is_focal_point": "1"})
    assert response.status_code == 400 and "<h1>Lỗi 400</h1>" not in response.text
    again = forms_on(response.text)["form-contact-new"]
    assert (again["name"], again["email"], again["phone"]) == ("Trần Thị Bình", "binh@", "0912345678")
    assert '<span class="field-error" id="error-contact-new-email">Địa chỉ email không hợp lệ.' in response.text
    assert 'name="is_focal_point" value="1" checked' in response.text
    assert db_session.scalar(select(func.count()).select_from(Contact)) == before


def test_a_taken_agency_name_keeps_the_edit_as_typed_beside_the_name(admin: TestClient, world, db_session) -> None:
    from models import Agency

    response = admin.post(f"/agencies/{world.noi_vu.id}", data={
        "csrf_token": csrf(admin, "/"), "name": "Sở Tư pháp", "aliases": "SNV\nNội vụ tỉnh", "reviewed": "1"})
    assert response.status_code == 400
    again = forms_on(response.text)["form-agency-edit"]
    assert (again["name"], again["aliases"]) == ("Sở Tư pháp", "SNV\nNội vụ tỉnh")
    assert '<span class="field-error" id="error-agency-edit-name">Đã có cơ quan tên "Sở Tư pháp"' in \
        unescape(response.text)
    db_session.expire_all()
    assert db_session.get(Agency, world.noi_vu.id).name == "Sở Nội vụ"


def test_the_last_resort_page_leads_back_to_the_form_not_home(admin: TestClient, world) -> None:
    # a control character is refused before any route reads the form (web.deps.checked_form): the one refusal
    # that cannot come back on the form's own page
    data = {"csrf_token": csrf(admin, "/"), "into_id": "1\x00"}
    merge = f"/agencies/{world.noi_vu.id}/merge"
    response = admin.post(merge, data=data, headers={"referer": f"http://testserver/agencies/{world.noi_vu.id}?x=1"})
    assert response.status_code == 400 and "<h1>Chưa lưu</h1>" in response.text
    assert f'href="/agencies/{world.noi_vu.id}?x=1" data-back>Quay lại để sửa' in response.text
    elsewhere = admin.post(merge, data=data, headers={"referer": "https://evil.example/agencies"})
    assert 'href="/" data-back>' in elsewhere.text


def test_a_refused_new_agency_keeps_its_values_on_the_directory_page(admin: TestClient, world, db_session) -> None:
    from models import Agency

    response = admin.post("/agencies", data={"csrf_token": csrf(admin, "/"), "name": "Sở Mới", "level": "khong-co",
                                             "aliases": "SM", "is_group": "1"})
    assert response.status_code == 400
    again = forms_on(response.text)["form-agency-new"]
    assert (again["name"], again["aliases"]) == ("Sở Mới", "SM")
    assert '<span class="field-error" id="error-agency-new-level">Cấp cơ quan không hợp lệ.</span>' in response.text
    assert db_session.scalar(select(func.count()).select_from(Agency).where(Agency.name == "Sở Mới")) == 0


def test_a_bad_plan_year_comes_back_beside_its_field_with_the_typed_year(admin: TestClient, world) -> None:
    response = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/plans/upload"), "plan_year": "20255"},
                          files={"file": ("kh.txt", "Kế hoạch".encode(), "text/plain")})
    assert response.status_code == 400
    assert forms_on(response.text)["form-upload"]["plan_year"] == "20255"
    assert '<span class="field-error" id="error-upload-plan_year">Năm kế hoạch không hợp lệ' in response.text


def test_fix_and_next_keeps_the_kind_filter(admin: TestClient, world, recurring, db_session) -> None:
    page = admin.get(f"/plans/{world.draft.id}?can_kiem_tra=1&loai=lead").text
    form = forms_on(page)[f"form-milestone-{recurring.id}"]
    assert (form["only_flagged"], form["loai"]) == ("1", "lead")
    response = admin.post(f"/milestones/{recurring.id}", data={**form, "due": "bad"} | {"kind": "once"})
    assert response.status_code == 400 and forms_on(response.text)[f"form-milestone-{recurring.id}"]["loai"] == "lead"
    saved = admin.post(f"/milestones/{recurring.id}", data=form)
    assert saved.headers["location"] == f"/plans/{world.draft.id}?can_kiem_tra=1&loai=lead#task-{recurring.task_id}"


def test_the_preview_shows_the_rule_and_its_working_day_dates_without_saving(
        admin: TestClient, world, recurring, db_session, config_dir) -> None:
    before = _live(db_session, recurring.id)
    answer = admin.get(f"/milestones/{recurring.id}/preview", params={"source": "fields", "period": "half",
                                                                      "day": "-1"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["rrule"] == f"DTSTART:{YEAR}0101\nRRULE:FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1;WKST=MO"
    rules = current_work_rules(config_dir)
    assert body["dates"] == [{"due": d.strftime("%d/%m/%Y"),
                              "effective": rules.effective(d, plan_number="9/KH-UBND").strftime("%d/%m/%Y")}
                             for d in (date(YEAR, 6, 30), date(YEAR, 12, 31))]
    bad = admin.get(f"/milestones/{recurring.id}/preview", params={"source": "text", "rrule": "FREQ=SOMETIMES"})
    assert bad.status_code == 422 and bad.json()["field"] == "rrule"
    assert _live(db_session, recurring.id) == before and _audits(db_session) == 0
    assert TestClient(admin.app, follow_redirects=False).get(f"/milestones/{recurring.id}/preview").status_code == 303


def test_the_review_page_carries_the_agency_list_once_and_each_form_its_choice(admin: TestClient, world,
                                                                                db_session) -> None:
    """A plan of a hundred assignments once sent a hundred copies of every agency (a 20,000-element page on a
    phone); the list is now on the page once, and each "Đổi cơ quan" list holds its current agency until used.
    Two agencies of the same name are told apart by their unit."""
    from models import Agency, Assignment, Plan, Unit

    plan_id = db_session.get(Plan, world.plan.id).id
    for commune in ("xã Thiệu Vân", "xã Hoàng Phú"):
        db_session.add(Agency(name="Công an xã", unit=Unit(key=commune, name=commune, kind="xa")))
    db_session.commit()
    page = admin.get(f"/plans/{plan_id}").text
    agencies = db_session.scalars(select(Agency)).all()
    assignments = db_session.scalars(select(Assignment).join(Task).where(Task.plan_id == plan_id)).all()
    assert len(assignments) >= 2
    template = page[page.index('<template id="agency-choices">'):]
    template = template[:template.index("</template>")]
    assert template.count("<option ") == len(agencies)
    assert "Công an xã · xã Thiệu Vân" in template and "Công an xã · xã Hoàng Phú" in template
    for a in assignments:
        form = page[page.index(f'id="form-assignment-{a.id}"'):]
        form = form[:form.index("</form>")]
        assert form.count("<option ") == 1  # its current agency only, until review.js copies the list in
        assert forms_on(page)[f"form-assignment-{a.id}"]["agency_id"] == str(a.agency_id)


def test_without_javascript_the_agency_is_named_in_words_and_a_shared_name_needs_its_unit(admin: TestClient, world,
                                                                                           db_session) -> None:
    """The "Đổi cơ quan" form's no-JavaScript field takes the agency's label of the list (case and spacing aside); a
    name two communes share, or a name nobody has, comes back beside that field with nothing changed."""
    from models import Agency, Assignment, Unit

    for commune in ("xã Thiệu Vân", "xã Hoàng Phú"):
        db_session.add(Agency(name="Công an xã", unit=Unit(key=commune, name=commune, kind="xa")))
    db_session.commit()
    assignment = db_session.scalar(select(Assignment).where(Assignment.agency_id == world.noi_vu.id))
    page = admin.get(f"/plans/{assignment.task.plan_id}").text
    form = page[page.index(f'id="form-assignment-{assignment.id}"'):]
    assert '<noscript><label>Hoặc gõ tên cơ quan đúng' in form[:form.index("</form>")]
    url, token = f"/assignments/{assignment.id}", csrf(admin, "/")
    for typed, words in (("Công an xã", "Có 2 cơ quan tên «Công an xã»: gõ kèm đơn vị"),
                         ("Sở Không Có", "Không có cơ quan tên «Sở Không Có»")):
        refused = admin.post(url, data={"csrf_token": token, "agency_id": str(world.noi_vu.id), "agency_name": typed})
        assert refused.status_code == 400
        assert f'id="error-assignment-{assignment.id}-agency_name">{words}' in unescape(refused.text)
        assert forms_on(refused.text)[f"form-assignment-{assignment.id}"]["agency_name"] == typed
    db_session.expire_all()
    assert db_session.get(Assignment, assignment.id).agency_id == world.noi_vu.id
    done = admin.post(url, data={"csrf_token": token, "agency_id": str(world.noi_vu.id),
                                 "agency_name": "  CÔNG AN XÃ ·  xã hoàng phú "})
    assert done.status_code == 303
    db_session.expire_all()
    chosen = db_session.get(Assignment, assignment.id).agency
    assert (chosen.name, chosen.unit.name) == ("Công an xã", "xã Hoàng Phú")
