"""Split an agency cell into lead, support and synthesis agencies.

Cells say it many ways: "- Cơ quan chủ trì: Sở Tư pháp. - Cơ quan phối hợp: …", "Cơ quan thực hiện:",
"Cơ quan tổng hợp:", "Cơ quan chủ trì, chỉ đạo: … - Cơ quan thực hiện: …", "Sở Tư pháp chủ trì, phối
hợp với Công an tỉnh, …", or a plain list. Names are split on bullets, semicolons and commas, and put
back together whenever the directory knows the longer name ("Các sở, ban, ngành cấp tỉnh",
"Phòng Văn hóa - Xã hội").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from config.agencies import AgencyDirectory, display_name, normalise

_LABEL = re.compile(r"(?:^|(?<=[\s.;:]))[-+•]?\s*(?P<label>(?:Cơ quan|Đơn vị|Bộ phận)\b[^:\n]{0,70}?)\s*:",
                    re.IGNORECASE)
_SENTENCE = re.compile(r"^(?P<lead>.+?)\s+chủ trì(?:\s*,\s*|\s+)(?:phối hợp\s*(?:với)?\s*(?P<support>.+))?$",
                       re.IGNORECASE)
# "Cơ quan thực hiện UBND cấp huyện": a label whose colon was left out, followed by a name (a capital)
_BARE_LABEL = re.compile(r"((?:^|(?<=\n))[-+•]?\s*(?:Cơ quan|Đơn vị|Bộ phận)\s+(?:chủ trì|thực hiện|phối hợp|tổng hợp))"
                         r"\s+(?=(\S))", re.IGNORECASE)
# "Sở Nội vụ tổng hợp, báo cáo": one agency, then its duty (not "Sở Nội vụ: theo dõi, …, tổng hợp")
_SYNTHESIS = re.compile(r"^[-+•]?\s*(?P<who>[^:,]+?)\s+tổng hợp(?:\s*,\s*báo cáo)?$", re.IGNORECASE)
# "+ Chỉ số cải cách hành chính cấp xã: UBND cấp huyện": a sub-item names its topic, then who does it
_TOPIC = re.compile(r"(?:^|(?<=\s))\+\s*(?:Chỉ số|Báo cáo|Kế hoạch|Nội dung|Lĩnh vực|Đối với|Về|Việc|Phần)\b"
                    r"[^:;+\n]*[:;]", re.IGNORECASE)
_HEAD = re.compile(r"^(?:Công chức|Cán bộ|Phòng|Sở|UBND|Trung tâm|Ban)\b")
_TRAILING_DUTY = re.compile(r"\s+(?:phối hợp|tổng hợp|chủ trì|thẩm định|theo dõi|báo cáo)\b.*$", re.IGNORECASE)
_TITLE = re.compile(r"^(?:Đề nghị\s+)?(?:Giám đốc|Thủ trưởng|Trưởng|Chủ tịch|Chánh Văn phòng)\s+(?=\S)", re.IGNORECASE)
_BARE_LEVEL = re.compile(r"^cấp (?:tỉnh|huyện|xã)$", re.IGNORECASE)
_PIECES = re.compile(r"\n|;|\s[-+•]\s|(?<=[.,])\s*[-+•]\s*|^[-+•]\s*")


@dataclass
class Roles:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    synthesis: list[str] = field(default_factory=list)

    def add(self, role: str, names: list[str]) -> None:
        target = getattr(self, role)
        for name in names:
            if name and normalise(name) not in {normalise(n) for n in target}:
                target.append(name)


def split_roles(cell: str, default: str, directory: AgencyDirectory, context: str | None = None) -> Roles:
    """Roles named in one cell; text outside any label goes to ``default`` ("lead" or "support")."""
    cell = _BARE_LABEL.sub(lambda m: f"{m.group(1)}: " if m.group(2)[:1].isupper() else m.group(0), cell)
    roles = Roles()
    position, role = 0, default
    for label in _LABEL.finditer(cell):
        roles_of_label = _label_roles(label.group("label"))
        if not roles_of_label:
            continue
        _add_segment(roles, role, cell[position:label.start()], directory, context)
        position, role = label.end(), ",".join(roles_of_label)
    _add_segment(roles, role, cell[position:], directory, context)
    return roles


def _label_roles(label: str) -> list[str]:
    text = label.lower()
    found = []
    if "chủ trì" in text or "thực hiện" in text:
        found.append("lead")
    if "phối hợp" in text or "thẩm định" in text:
        found.append("support")
    if "tổng hợp" in text:
        found.append("synthesis")
    return found


def _add_segment(roles: Roles, role: str, text: str, directory: AgencyDirectory, context: str | None) -> None:
    if not text.strip(" .;:-\n"):
        return
    text = _TOPIC.sub(" - ", text)
    previous: str | None = None
    for piece in _merge_known(_PIECES.split(text), " - ", directory, context):
        synthesis = _SYNTHESIS.match(piece.strip(" .;"))
        who = synthesis and _known_form(synthesis.group("who"), directory, context)
        if who:
            roles.add("synthesis", [who])
            continue
        sentence = _SENTENCE.match(piece.strip(" .;"))
        if sentence:
            roles.add("lead", agency_names(sentence.group("lead"), directory, context))
            if sentence.group("support"):
                roles.add("support", agency_names(sentence.group("support"), directory, context))
            continue
        names = agency_names(piece, directory, context)
        if previous and not any(directory.is_known(n, context=context) for n in names):
            names = _borrowed_head(piece, previous, directory, context) or names
        for each in role.split(","):
            roles.add(each, names)
        previous = names[-1] if names else previous


def _borrowed_head(piece: str, previous: str, directory: AgencyDirectory, context: str | None) -> list[str] | None:
    """"Công chức Tư pháp; Văn hóa, Tài chính": names that leave out the head of the name before them."""
    head = _HEAD.match(previous)
    if not head:
        return None
    names = [display_name(f"{head.group(0)} {part.strip()}") for part in piece.strip(" .;").split(",") if part.strip()]
    return names if names and all(directory.is_known(n, context=context) for n in names) else None


def agency_names(text: str, directory: AgencyDirectory, context: str | None = None) -> list[str]:
    """The agency names in one list item, split on commas only where the directory agrees."""
    item = display_name(text)
    if not item:
        return []
    if ":" in item:
        left, right = (part.strip() for part in item.split(":", 1))
        # "Sở Nội vụ: theo dõi, kiểm tra" names the agency first; "Tổ chức thực hiện: Các sở, …" names it after,
        # and so does "UBND cấp huyện: Sở Nội vụ, Sở Tư pháp phối hợp thẩm định" (a topic, then who does it)
        names_right = any(_known_form(part, directory, context) for part in right.split(","))
        item = left if not right or (directory.is_known(left, context=context) and not names_right) else right
    if not directory.is_known(item, context=context):
        item = _TITLE.sub("", display_name(item))
    if not directory.is_known(item, context=context):
        stripped = _TRAILING_DUTY.sub("", item)
        if stripped and directory.is_known(stripped, context=context):
            item = stripped
    if directory.is_known(item, context=context):
        return [display_name(item)]
    parts = _merge_known(item.split(","), ", ", directory, context)
    if not any(directory.is_known(p, context=context) for p in parts):
        return [display_name(item)]
    names = [_known_form(p, directory, context) or display_name(_TITLE.sub("", p.strip())) for p in parts
             if display_name(p)]
    # "UBND cấp huyện, cấp xã": the second name borrows the first one's head
    return [f"UBND {n}" if _BARE_LEVEL.match(n) and i and names[i - 1].startswith("UBND") else n
            for i, n in enumerate(names)]


def _known_form(text: str, directory: AgencyDirectory, context: str | None) -> str | None:
    """The name in ``text`` the directory knows, once a title before it or a duty after it is taken off."""
    name = _TITLE.sub("", display_name(text))
    for candidate in (name, _TRAILING_DUTY.sub("", name)):
        if candidate and directory.is_known(candidate, context=context):
            return display_name(candidate)
    return None


def _merge_known(parts: list[str | None], joiner: str, directory: AgencyDirectory, context: str | None) -> list[str]:
    """Greedy left-to-right: take the longest run of parts whose join the directory knows; unknown runs stay
    together so that a name the directory lacks is not cut into pieces."""
    parts = [p.strip() for p in parts if p and p.strip(" .;:-\n")]
    out: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = joiner.join(parts[i:j])
            if directory.is_known(display_name(candidate), context=context):
                if pending:
                    out.append(joiner.join(pending))
                    pending = []
                out.append(candidate)
                i = j
                break
        else:
            if joiner == ", ":
                pending.append(parts[i])
            else:
                out.append(parts[i])
            i += 1
    if pending:
        out.append(joiner.join(pending))
    return out
