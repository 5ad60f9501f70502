"""Admin edits of the directory: agencies (hierarchy, groups, aliases, merging duplicates), contacts, feed tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from models import (
    Agency,
    AgencyGroupMember,
    AgencyLevel,
    Assignment,
    Contact,
    FeedRole,
    FeedScope,
    FeedToken,
    Task,
    Unit,
    UnitKind,
)
from models.plans import shown_text_changed
from scheduler.contacts import ContactError, create_contact
from web.audit import record, snapshot
from web.deps import DB, Form, FormError, int_field, now, require_admin, text_field
from web.form_state import FailedForm
from web.pages import agencies_view, agency_view

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
LONGEST_INPUT = 2_000  # past this a value is no contact field at all
AGENCY_FIELDS = ("name", "unit_id", "aliases", "level", "parent_id", "is_group", "needs_review")


def _agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise HTTPException(404)
    return agency


def _aliases(form: FormData) -> list[str]:
    raw = form.get("aliases")
    names = [line.strip() for line in (raw if isinstance(raw, str) else "").splitlines() if line.strip()]
    if any(len(n) > 255 for n in names) or len(names) > 50:
        raise FormError("Danh sách tên khác quá dài.", field="aliases")
    return list(dict.fromkeys(names))


def _name_free(session: Session, name: str, unit: Unit | None, agency_id: int | None) -> None:
    """Names are unique within a unit: each commune has its own "Công an xã"."""
    same_unit = Agency.unit_id.is_(None) if unit is None else Agency.unit_id == unit.id
    other = session.scalar(select(Agency).where(Agency.name == name, same_unit))
    if other is not None and other.id != agency_id:
        where = f" trong {unit.name}" if unit else ""
        raise FormError(f"Đã có cơ quan tên \"{name}\"{where}.", field="name")


def _unit(session: Session, form: FormData, current: int | None = None) -> Unit | None:
    """The unit chosen in the form; the province when the form has none (an agency made by hand)."""
    unit_id = int_field(form, "unit_id", "đơn vị")
    if unit_id is None:
        return session.get(Unit, current) if current else session.scalar(
            select(Unit).where(Unit.kind == UnitKind.PROVINCE).order_by(Unit.id))
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise FormError("Đơn vị không hợp lệ.", field="unit_id")
    return unit


@router.post("/agencies")
def create_agency(request: Request, form: Form, session: DB) -> Response:
    try:
        name = text_field(form, "name", "tên cơ quan", required=True)
        level = str(form.get("level", "other"))
        if level not in {lv.value for lv in AgencyLevel}:
            raise FormError("Cấp cơ quan không hợp lệ.", field="level")
        unit = _unit(session, form)
        _name_free(session, name, unit, None)
        aliases = _aliases(form)
    except FormError as e:
        session.rollback()
        return agencies_view(request, session, failed=FailedForm.of("agency-new", e, form))
    agency = Agency(name=name, unit=unit, aliases=aliases, level=level, is_group=form.get("is_group") == "1")
    session.add(agency)
    session.flush()
    record(session, "admin", "agency.create", "agencies", agency.id, None, snapshot(agency, AGENCY_FIELDS))
    return RedirectResponse(f"/agencies/{agency.id}", status_code=303)


@router.post("/agencies/{agency_id}")
def edit_agency(request: Request, agency_id: int, form: Form, session: DB) -> Response:
    agency = _agency(session, agency_id)
    before = snapshot(agency, AGENCY_FIELDS)
    try:
        name = text_field(form, "name", "tên cơ quan", required=True)
        unit = _unit(session, form, agency.unit_id)
        _name_free(session, name, unit, agency.id)
        parent_id = int_field(form, "parent_id", "cơ quan cấp trên")
        if parent_id is not None and (parent_id == agency.id or session.get(Agency, parent_id) is None):
            raise FormError("Cơ quan cấp trên không hợp lệ.", field="parent_id")
        if name != agency.name:  # the events of its tasks show the name
            shown_text_changed(_tasks_of(session, agency.id))
        agency.name, agency.aliases, agency.parent_id = name, _aliases(form), parent_id
        agency.unit_id = unit.id if unit else None
        agency.is_group = form.get("is_group") == "1"
        agency.needs_review = form.get("reviewed") != "1"
        if agency.is_group and "members" in form:
            _set_members(session, agency, form.getlist("members"))
    except FormError as e:
        session.rollback()
        return agency_view(request, session, agency_id, FailedForm.of("agency-edit", e, form))
    record(session, "admin", "agency.update", "agencies", agency.id, before, snapshot(agency, AGENCY_FIELDS))
    return RedirectResponse(f"/agencies/{agency.id}", status_code=303)


def _set_members(session: Session, group: Agency, raw: list) -> None:
    ids = {int(v) for v in raw if isinstance(v, str) and v.isdigit()}
    if len(ids) != len(raw) or (ids and len(session.scalars(select(Agency.id).where(Agency.id.in_(ids))).all())
                                 != len(ids)) or group.id in ids:
        raise FormError("Danh sách thành viên không hợp lệ.", field="members")
    session.execute(delete(AgencyGroupMember).where(AgencyGroupMember.group_id == group.id))
    session.add_all(AgencyGroupMember(group_id=group.id, member_id=i) for i in sorted(ids))


@router.post("/agencies/{agency_id}/merge")
def merge_agency(request: Request, agency_id: int, form: Form, session: DB) -> Response:
    """Move assignments, contacts, feed tokens and group memberships to the survivor, then delete the duplicate."""
    duplicate = _agency(session, agency_id)
    try:
        into_id = int_field(form, "into_id", "cơ quan giữ lại", required=True)
        survivor = session.get(Agency, into_id)
        if survivor is None or survivor.id == duplicate.id:
            raise FormError("Cơ quan giữ lại không hợp lệ.", field="into_id")
    except FormError as e:
        session.rollback()
        return agency_view(request, session, agency_id, FailedForm.of("agency-merge", e, form))
    before = {"duplicate": snapshot(duplicate, AGENCY_FIELDS), "survivor": snapshot(survivor, AGENCY_FIELDS)}
    shown_text_changed(_tasks_of(session, duplicate.id))  # their events now show the survivor's name
    for assignment in session.scalars(select(Assignment).where(Assignment.agency_id == duplicate.id)).all():
        clash = session.scalar(select(Assignment).where(Assignment.task_id == assignment.task_id,
                                                        Assignment.agency_id == survivor.id,
                                                        Assignment.role == assignment.role))
        if clash is None:
            assignment.agency_id = survivor.id
        else:
            session.delete(assignment)
    session.execute(update(Contact).where(Contact.agency_id == duplicate.id).values(agency_id=survivor.id))
    session.execute(update(FeedToken).where(FeedToken.agency_id == duplicate.id).values(agency_id=survivor.id))
    session.execute(update(Agency).where(Agency.parent_id == duplicate.id).values(parent_id=survivor.id))
    _move_memberships(session, duplicate.id, survivor.id)
    survivor.aliases = list(dict.fromkeys([*(survivor.aliases or []), duplicate.name, *(duplicate.aliases or [])]))
    session.flush()
    session.delete(duplicate)
    record(session, "admin", "agency.merge", "agencies", survivor.id, before, snapshot(survivor, AGENCY_FIELDS))
    return RedirectResponse(f"/agencies/{survivor.id}", status_code=303)


def _tasks_of(session: Session, agency_id: int) -> list[Task]:
    return list(session.scalars(select(Task).join(Assignment).where(Assignment.agency_id == agency_id)))


def _move_memberships(session: Session, old: int, new: int) -> None:
    for column in (AgencyGroupMember.member_id, AgencyGroupMember.group_id):
        for row in session.scalars(select(AgencyGroupMember).where(column == old)).all():
            pair = {"group_id": row.group_id, "member_id": row.member_id}
            pair["member_id" if column is AgencyGroupMember.member_id else "group_id"] = new
            session.delete(row)
            session.flush()
            if pair["group_id"] != pair["member_id"] and session.get(
                    AgencyGroupMember, (pair["group_id"], pair["member_id"])) is None:
                session.add(AgencyGroupMember(**pair))


@router.post("/agencies/{agency_id}/contacts")
def add_contact(request: Request, agency_id: int, form: Form, session: DB) -> Response:
    agency = _agency(session, agency_id)
    try:
        # column sizes are checked by the contacts service, in the same words as on the command line
        name = text_field(form, "name", "họ tên", required=True, max_length=LONGEST_INPUT)
        try:
            contact = create_contact(
                session, agency, name=name, email=text_field(form, "email", "email", max_length=LONGEST_INPUT),
                zalo_user_id=text_field(form, "zalo_user_id", "Zalo user id", max_length=LONGEST_INPUT),
                phone=text_field(form, "phone", "số điện thoại", max_length=LONGEST_INPUT),
                channels=form.getlist("channels") or None, is_focal_point=form.get("is_focal_point") == "1",
                is_head=form.get("is_head") == "1", digest=form.get("digest") == "1")
        except ContactError as e:  # the one validation of contacts, shared with the command line
            raise FormError(str(e), field=e.field) from None
    except FormError as e:
        session.rollback()
        return agency_view(request, session, agency.id, FailedForm.of("contact-new", e, form))
    record(session, "admin", "contact.create", "contacts", contact.id, None, snapshot(contact))
    return RedirectResponse(f"/agencies/{agency.id}", status_code=303)


@router.post("/contacts/{contact_id}/deactivate")
def deactivate_contact(request: Request, contact_id: int, form: Form,
                       session: DB) -> RedirectResponse:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise HTTPException(404)
    contact.active = False
    record(session, "admin", "contact.deactivate", "contacts", contact.id, {"active": True}, {"active": False})
    return RedirectResponse(f"/agencies/{contact.agency_id}" if contact.agency_id else "/agencies", status_code=303)


@router.post("/agencies/{agency_id}/feed-tokens")
def create_feed_token(request: Request, agency_id: int, form: Form, session: DB) -> Response:
    from calendars.tokens import new_token

    agency = _agency(session, agency_id)
    try:
        role = str(form.get("role", "all"))
        if role not in {r.value for r in FeedRole}:
            raise FormError("Vai trò không hợp lệ.", field="role")
        name = text_field(form, "name", "tên") or agency.name
        token, token_hash = new_token()
        row = FeedToken(token_hash=token_hash, name=name, scope=FeedScope.AGENCY, agency_id=agency.id, role=role)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # a 256-bit collision: practically impossible, but never store half
            raise FormError("Không tạo được đường dẫn, vui lòng thử lại.") from None
    except FormError as e:
        session.rollback()
        return agency_view(request, session, agency_id, FailedForm.of("feed-token-new", e, form))
    record(session, "admin", "feed_token.create", "feed_tokens", row.id, None,
           {"agency_id": agency.id, "role": role, "name": row.name})
    return RedirectResponse(f"/subscribe/{token}", status_code=303)


@router.post("/feed-tokens/{token_id}/revoke")
def revoke_feed_token(request: Request, token_id: int, form: Form,
                      session: DB) -> RedirectResponse:
    row = session.get(FeedToken, token_id)
    if row is None:
        raise HTTPException(404)
    if row.revoked_at is None:
        row.revoked_at = now(request)
        record(session, "admin", "feed_token.revoke", "feed_tokens", row.id, None,
               {"revoked_at": row.revoked_at.isoformat()})
    return RedirectResponse(f"/agencies/{row.agency_id}" if row.agency_id else "/agencies", status_code=303)
