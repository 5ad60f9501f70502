"""Split an agency cell into lead, support and synthesis agencies.

Cells say it many ways: "- Cơ quan chủ trì: Sở Tư pháp. - Cơ quan phối hợp: …", "Cơ quan thực hiện:",
"Cơ quan tổng hợp:", "Cơ quan chủ trì, chỉ đạo: … - Cơ quan thực hiện: …", "Sở Tư pháp chủ trì, phối
hợp với Công an tỉnh, …", or a plain list. The cell is cut into list items at bullets and semicolons;
each item is read by ``ingest.agency_lists`` (where one body's name ends and the next begins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from config.agencies import AgencyDirectory, display_name, normalise
from ingest.agency_lists import HEAD_WORDS, AgencyList, known_form, read_list

# "Cơ quan chủ trì: …", or a bare role opening a list item ("- Chủ trì: Thanh tra Sở; - Phối hợp: …")
_LABEL = re.compile(r"(?:(?:^|(?<=[\s.;:]))[-+•]?\s*(?P<label>(?:Cơ quan|Đơn vị|Bộ phận)\b[^:\n]{0,70}?)"
                    r"|(?:^|(?<=[\n;.])|(?<=[\n;.]\s))[-+•]?\s*(?P<bare>Chủ trì|Phối hợp|Tổng hợp))\s*:",
                    re.IGNORECASE)
# "Sở Tư pháp chủ trì, phối hợp với Công an tỉnh", "Cục Viễn thông chủ trì thực hiện", "Sở Nội vụ hướng dẫn, kiểm
# tra": a body, then its duties written in lower case (a capital after them is a name: "Tổ công tác triển khai Đề án
# 06"), then perhaps the bodies that help it. Duties that also name a body's work ("Đoàn kiểm tra", "Tổ công tác kiểm
# tra") only follow a first one.
_FIRST_DUTY = r"(?:[Cc]hủ trì|thực hiện|tham mưu|hướng dẫn|triển khai)"
_DUTY = r"(?:[Cc]hủ trì|thực hiện|tham mưu|hướng dẫn|triển khai|kiểm tra|theo dõi|đôn đốc|tổng hợp|báo cáo)"
_SENTENCE = re.compile(r"^(?P<lead>[^:]+?)\s+(?P<duty>" + _FIRST_DUTY + r"(?:(?:\s*,\s*|\s+(?:và\s+)?)" + _DUTY
                       + r")*)(?:\s*,?\s*phối hợp\s*(?:với)?\s*(?P<support>.+))?$")
# "Sở Nội vụ, Công an tỉnh phối hợp": bodies that help
_HELPING = re.compile(r"^(?P<support>.+?)\s+(?:cùng\s+)?phối hợp(?:\s+" + _DUTY + r")?$")
# "Sở Tư pháp (chủ trì) phối hợp Sở Nội vụ": the bracket is the sentence's "chủ trì"
_MARK_THEN_HELPERS = re.compile(r"\s*\(\s*chủ trì\s*\)\s*,?\s*phối hợp", re.IGNORECASE)
# "(chủ trì)", "(phối hợp)" after a name: its role, not a note about it
_ROLE_MARK = re.compile(r"^(?:cơ quan |đơn vị )?(?:chủ trì|phối hợp|thực hiện|tổng hợp|thẩm định)"
                        r"(?:\s*(?:,|và)?\s*(?:chủ trì|phối hợp|thực hiện|tổng hợp|tham mưu|thẩm định))*$",
                        re.IGNORECASE)
# "Cơ quan thực hiện UBND cấp huyện": a label whose colon was left out, followed by a name (a capital)
_BARE_LABEL = re.compile(r"((?:^|(?<=\n))[-+•]?\s*(?:Cơ quan|Đơn vị|Bộ phận)\s+(?:chủ trì|thực hiện|phối hợp|tổng hợp))"
                         r"\s+(?=(\S))", re.IGNORECASE)
# "Sở Nội vụ tổng hợp, báo cáo": one agency, then its duty (not "Sở Nội vụ: theo dõi, …, tổng hợp")
_SYNTHESIS = re.compile(r"^[-+•]?\s*(?P<who>[^:,]+?)\s+tổng hợp(?:\s*,\s*báo cáo)?$", re.IGNORECASE)
# "+ Chỉ số cải cách hành chính cấp xã: UBND cấp huyện": a sub-item names its topic, then who does it
_TOPIC = re.compile(r"(?:^|(?<=\s))\+\s*(?:Chỉ số|Báo cáo|Kế hoạch|Nội dung|Lĩnh vực|Đối với|Về|Việc|Phần)\b"
                    r"[^:;+\n]*[:;]", re.IGNORECASE)
_BARE_HEAD = re.compile(r"[-+•]?\s*" + HEAD_WORDS)  # "Tổ", "Đoàn": the start of a name, not one ("Tổ phối hợp")
_HEAD = re.compile(r"^(?:Công chức|Cán bộ|Phòng|Sở|UBND|Trung tâm|Ban)\b")
# Bullets and semicolons cut a cell into list items. A dash between words is a bullet only before a new body
# ("Phòng Tư pháp - UBND cấp xã"), not inside a name ("Ban Thi đua - Khen thưởng", "tổ chức chính trị - xã hội")
# nor before the branch of the body it follows ("Văn phòng Đăng ký đất đai tỉnh - Chi nhánh khu vực Hạc Thành").
_PIECES = re.compile(r"\n|;|\s[+•]\s|\s-\s(?!Chi nhánh\b)(?=" + HEAD_WORDS + r"\s|[Cc]ác\s|Cơ quan\b|[A-ZĐ]{2,})"
                     r"|(?<=[.,:])\s*[-+•]\s*|^[-+•]\s*")


# A person named by title ("Đ/c Lê Văn Hùng - Phó Chủ tịch UBND xã"): the position after the name is not a body
_PERSON = re.compile(r"^(?:Đ/c|Đ/C|Đồng chí|đồng chí)\s+[A-ZĐ]")
_PEOPLE = re.compile(r"\s*(?:\n|;|,(?=\s*(?:Đ/c|Đ/C|Đồng chí|đồng chí)\s))\s*[-+•]?\s*")


@dataclass
class Roles:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    synthesis: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # agency name → the qualifier the plan adds to it
    marked_lead: bool = False  # a name was marked "(chủ trì)": the unmarked names after it help it

    def add(self, role: str, names: list[str]) -> None:
        target = getattr(self, role)
        for name in names:
            if name and normalise(name) not in {normalise(n) for n in target}:
                target.append(name)


def split_roles(cell: str, default: str, directory: AgencyDirectory, context: str | None = None) -> Roles:
    """Roles named in one cell; text outside any label goes to ``default`` ("lead" or "support")."""
    cell = _BARE_LABEL.sub(lambda m: f"{m.group(1)}: " if m.group(2)[:1].isupper() else m.group(0), cell)
    cell = _MARK_THEN_HELPERS.sub(" chủ trì, phối hợp", cell)
    roles = Roles()
    position, role = 0, default
    for label in _LABEL.finditer(cell):
        roles_of_label = _label_roles(label.group("label") or label.group("bare"))
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
    if _PERSON.match(text.strip(" -+•\n")):  # "Đ/c Nguyễn Thị Lan - Công chức Văn hóa - Xã hội": a person each
        roles.add(role.split(",")[0], [display_name(p) for p in _PEOPLE.split(text) if p.strip(" .;:-\n")])
        return
    text = _TOPIC.sub(" - ", text)
    previous: str | None = None
    for piece in _merge_known(_PIECES.split(text), " - ", directory, context):
        synthesis = _SYNTHESIS.match(piece.strip(" .;"))
        who = synthesis and known_form(synthesis.group("who"), directory, context)
        if who:
            roles.add("synthesis", [who])
            continue
        sentence = _SENTENCE.match(piece.strip(" .;"))
        if sentence and not _bare_head(sentence.group("lead")) \
                and not directory.is_known(piece.strip(" .;"), context=context):
            # "chủ trì" or a helper named after it makes the body the lead; other duties leave the cell's role
            leads = "chủ trì" in sentence.group("duty").lower() or sentence.group("support")
            _add_list(roles, "lead" if leads else role, read_list(sentence.group("lead"), directory, context))
            if sentence.group("support"):
                _add_list(roles, "support", read_list(sentence.group("support"), directory, context))
            continue
        helping = _HELPING.match(piece.strip(" .;"))
        if helping and not _bare_head(helping.group("support")):
            _add_list(roles, "support", read_list(helping.group("support"), directory, context))
            continue
        found = read_list(piece, directory, context)
        if previous and not any(directory.is_known(n, context=context) for n in found.names):
            borrowed = _borrowed_head(piece, previous, directory, context)
            found = AgencyList(borrowed, found.notes, found.helpers) if borrowed else found
        _add_list(roles, role, found)
        previous = found.names[-1] if found.names else previous


def _bare_head(names: str) -> bool:
    """"Tổ" before "phối hợp", "Đoàn" before "kiểm tra": the duty word ends a name ("Tổ phối hợp"), not a list."""
    return bool(_BARE_HEAD.fullmatch(re.split(r"[,;]|\s+và\s+", names)[-1].strip()))


def _add_list(roles: Roles, role: str, found: AgencyList) -> None:
    role = "support" if roles.marked_lead and role == "lead" else role
    for name, name_role in _marked_roles(found, role).items():
        roles.marked_lead = roles.marked_lead or (bool(_ROLE_MARK.match(found.notes.get(name, "")))
                                                  and "lead" in name_role)
        for each in name_role.split(","):
            roles.add(each, [name])
    roles.add("support", found.helpers)
    roles.notes.update({name: note for name, note in found.notes.items() if not _ROLE_MARK.match(note)})


def _marked_roles(found: AgencyList, role: str) -> dict[str, str]:
    """Each name's role: the one its bracket gives ("Sở Tư pháp (chủ trì)"), else ``role``. A bracket after the
    last name marks the names before it too ("Vụ Kế hoạch - Tài chính, Văn phòng Bộ (phối hợp)"); after a name
    marked as the lead, the unmarked ones help it ("Sở Tư pháp (chủ trì), Sở Nội vụ")."""
    marks = {name: ",".join(_label_roles(note)) for name, note in found.notes.items()
             if name in found.names and _ROLE_MARK.match(note)}
    if not marks:
        return dict.fromkeys(found.names, role)
    last = found.names[-1]
    other = marks[last] if last in marks else "support" if any("lead" in m for m in marks.values()) else role
    return {name: marks.get(name, other) for name in found.names}


def _borrowed_head(piece: str, previous: str, directory: AgencyDirectory, context: str | None) -> list[str] | None:
    """"Công chức Tư pháp; Văn hóa, Tài chính": names that leave out the head of the name before them."""
    head = _HEAD.match(previous)
    if not head:
        return None
    names = [display_name(f"{head.group(0)} {part.strip()}") for part in piece.strip(" .;").split(",") if part.strip()]
    return names if names and all(directory.is_known(n, context=context) for n in names) else None


def agency_names(text: str, directory: AgencyDirectory, context: str | None = None) -> list[str]:
    """The agency names in one list item (ingest.agency_lists)."""
    return read_list(text, directory, context).names


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
