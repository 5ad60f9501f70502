"""The contact directory: the one place a contact is added (``hanchot contacts add`` and the admin's agency page).

``create_contact`` validates and adds; ``add_contact`` (the command line) first finds the agency by name or alias.

Communes have offices of the same name ("Công an xã"): such a name is refused as ambiguous unless its unit is
written after it, "Công an xã (xã Hoàng Phú)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import idna
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from config.agencies import normalise
from config.errors import UserError
from models import Agency, Contact

CHANNELS = ("email", "zalo", "zns")
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")  # no quotes or brackets: nothing to inject
PHONE = re.compile(r"^\+?[0-9][0-9 .-]{7,19}$")


class ContactError(UserError):
    """A contact refused: the Vietnamese line, and ``field``, the input it is about (a form shows it there)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def find_agency(session: Session, name: str) -> Agency:
    """The agency whose name, short name or alias matches ``name`` (accents, case and spacing folded).

    Raises UserError in Vietnamese for an unknown or ambiguous name.
    """
    key = normalise(name)
    agencies = session.scalars(select(Agency).options(selectinload(Agency.unit)).order_by(Agency.name)).all()
    found = [a for a in agencies if key in _names(a)]
    if not found:
        raise UserError(f"Không tìm thấy cơ quan “{name}”. Kiểm tra tên (hoặc tên viết tắt) trong danh mục cơ quan.")
    if len(found) > 1:
        names = "; ".join(f"{a.name} ({a.unit.name})" if a.unit else a.name for a in found)
        raise UserError(f"Tên “{name}” khớp nhiều cơ quan ({names}); hãy ghi tên đầy đủ, kèm đơn vị nếu cần "
                        f"(ví dụ “{found[0].name} ({found[0].unit.name if found[0].unit else 'tỉnh'})”).")
    return found[0]


def _names(agency: Agency) -> set[str]:
    """The keys an agency answers to: its names, and each with its unit ("Công an xã (xã Hoàng Phú)")."""
    names = {normalise(n) for n in [agency.name, agency.short_name or "", *(agency.aliases or [])] if n}
    if agency.unit is not None:
        names |= {f"{n} {normalise(agency.unit.name)}" for n in names}
    return names


@dataclass(frozen=True)
class ContactFields:
    """A contact's fields as stored: checked against the column sizes and the mail rules, email IDNA-encoded."""

    name: str
    email: str | None
    zalo_user_id: str | None
    phone: str | None


_LABELS = {"name": "Họ tên", "email": "Địa chỉ email", "zalo_user_id": "Mã người dùng Zalo",
           "phone": "Số điện thoại"}


def check_contact(name: str | None, email: str | None = None, zalo_user_id: str | None = None,
                  phone: str | None = None, *, smtputf8: bool | None = None) -> ContactFields:
    """The one validation of a contact's fields, for the command line and the web alike.

    Lengths are the columns' (PostgreSQL refuses a longer value, SQLite would keep it): the same Vietnamese message
    on both. ``smtputf8``: whether the configured mail server accepts a non-ASCII mailbox name (RFC 6531); None
    reads the ``HANCHOT_SMTP_UTF8`` setting. Raises ContactError in Vietnamese, naming the field.
    """
    name = _check_name(name or "")
    email, zalo_user_id, phone = (" ".join(v.split()) or None if v else None for v in (email, zalo_user_id, phone))
    if email:
        email = deliverable_email(email, _smtputf8() if smtputf8 is None else smtputf8)
    if phone and not PHONE.match(phone):
        raise ContactError(f"Số điện thoại không hợp lệ. Đã nhập: “{phone}”.", "phone")
    if zalo_user_id and not zalo_user_id.isdigit():
        raise ContactError(f"Mã người dùng Zalo phải là một dãy số. Đã nhập: “{zalo_user_id}”.", "zalo_user_id")
    fields = ContactFields(name, email, zalo_user_id, phone)
    columns = Contact.__table__.c
    for field_name, label in _LABELS.items():
        value, limit = getattr(fields, field_name), columns[field_name].type.length
        if value is not None and len(value) > limit:
            raise ContactError(f"{label} dài {len(value)} ký tự, quá giới hạn {limit} ký tự.", field_name)
    return fields


def deliverable_email(email: str, smtputf8: bool) -> str:
    """``email`` as it can be delivered: the domain IDNA-encoded ("a@sởtưpháp.vn" → "a@xn--….vn"), the mailbox name
    ASCII unless the mail server offers SMTPUTF8. Raises ContactError naming what is wrong."""
    if not EMAIL.match(email):
        raise ContactError(f"Địa chỉ email không hợp lệ. Đã nhập: “{email}”.", "email")
    local, _, domain = email.rpartition("@")
    if not local.isascii() and not smtputf8:
        raise ContactError(f"Địa chỉ email “{email}”: phần trước @ có chữ có dấu hoặc ký tự ngoài ASCII, máy chủ thư "
                           f"đang dùng không nhận được (không hỗ trợ SMTPUTF8); hãy dùng địa chỉ không dấu.", "email")
    try:
        ascii_domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ContactError(f"Địa chỉ email “{email}”: tên miền “{domain}” không hợp lệ.", "email") from None
    return f"{local}@{ascii_domain}"


def _smtputf8() -> bool:
    from config.settings import get_settings

    return get_settings().smtp_utf8


def add_contact(session: Session, *, agency: str, name: str, email: str | None = None,
                zalo_user_id: str | None = None, phone: str | None = None, is_head: bool = False,
                digest: bool = False, smtputf8: bool | None = None) -> Contact:
    """Add a contact to the agency named ``agency`` (name, short name or alias). Raises UserError on bad input."""
    _check_name(name)
    return create_contact(session, find_agency(session, agency), name=name, email=email, zalo_user_id=zalo_user_id,
                          phone=phone, is_head=is_head, digest=digest, smtputf8=smtputf8)


def create_contact(session: Session, agency: Agency, *, name: str, email: str | None = None,
                   zalo_user_id: str | None = None, phone: str | None = None, channels: list[str] | None = None,
                   is_head: bool = False, is_focal_point: bool = False, digest: bool = False,
                   smtputf8: bool | None = None) -> Contact:
    """Validate and add a contact (flushed, so it has its id); the agency's first head becomes its head.

    ``channels`` None: they follow the addresses given (email first; Zalo OA falls back to ZNS by phone on its
    own, so a separate ZNS channel only when there is no Zalo id). Given: each must have its address.
    Raises ContactError in Vietnamese naming what is wrong; nothing is added then.
    """
    fields = check_contact(name, email, zalo_user_id, phone, smtputf8=smtputf8)
    name, email, zalo_user_id, phone = fields.name, fields.email, fields.zalo_user_id, fields.phone
    if not (email or zalo_user_id or phone):
        raise ContactError("Cần ít nhất một cách liên lạc: email, mã người dùng Zalo hoặc số điện thoại.", "email")
    if channels is None:
        channels = [c for c, v in (("email", email), ("zalo", zalo_user_id), ("zns", phone and not zalo_user_id)) if v]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or len(set(channels)) != len(channels):
        raise ContactError(f"Kênh nhận không hợp lệ: {', '.join(channels)} "
                           f"(chỉ gồm {', '.join(CHANNELS)}, mỗi kênh một lần).", "channels")
    if ("email" in channels and not email) or ({"zalo", "zns"} & set(channels) and not (zalo_user_id or phone)):
        raise ContactError("Kênh đã chọn cần email (cho Email) hoặc mã người dùng Zalo / số điện thoại (cho Zalo).",
                           "channels")
    contact = Contact(name=name, agency_id=agency.id, email=email, zalo_user_id=zalo_user_id, phone=phone,
                      channels=channels, is_head=is_head, is_focal_point=is_focal_point, digest=digest)
    session.add(contact)
    session.flush()
    if is_head and agency.head_contact_id is None:
        agency.head_contact_id = contact.id
    contact.agency = agency
    return contact


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ContactError("Thiếu họ tên người nhận.", "name")
    return name


def list_contacts(session: Session, agency: str | None = None) -> list[dict[str, Any]]:
    query = select(Contact).order_by(Contact.agency_id, Contact.name)
    if agency:
        query = query.where(Contact.agency_id == find_agency(session, agency).id)
    return [{"id": c.id, "name": c.name, "agency": c.agency.name if c.agency else None, "email": c.email,
             "zalo_user_id": c.zalo_user_id, "phone": c.phone, "channels": list(c.channels or []),
             "is_head": c.is_head, "digest": c.digest, "active": c.active}
            for c in session.scalars(query)]
