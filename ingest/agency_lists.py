"""One list item of an agency cell → the bodies it names, as a person reads them.

A list is cut where a new body begins, whether or not the directory knows the names:

- at commas and "và" before a new agency head ("Bộ Tài chính, Bộ Công Thương", "Bộ Xây dựng và các bộ, ngành
  liên quan"), and at a full stop before one; a head written twice without a separator ("Sở Khoa học và Công
  nghệ Sở Công Thương") is two bodies;
- a group governed by one leading "các" stays whole ("Các sở, ban, ngành", "UBND các phường, xã", "Các bộ,
  ngành và địa phương có liên quan"), and so do names holding a comma, a "và" or a dash ("Sở Văn hóa, Thể thao
  và Du lịch", "Ban Thi đua - Khen thưởng Trung ương"); a different kind of actor after a group starts a new
  entry ("các bộ, ngành và cộng đồng người dân");
- "Các Cục: Di sản văn hóa, Bản quyền tác giả" names two Cục;
- footnote marks ("[3]") are dropped; a scope in brackets ("(mạng lưới quốc gia)") and a trailing qualifier
  ("(nếu có)", "với các tiêu chuẩn …") leave the name and become its note; a body named in brackets as helping
  ("(Văn phòng Quốc hội phối hợp chuẩn bị)") is a support agency.

The directory is consulted first (a name it knows is never cut), then these rules decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from config.agencies import PERSON_TITLE, AgencyDirectory, display_name

# Words that open the name of a body; written with a capital and followed by a name, they start a new entry.
HEADS = ("Bộ", "Sở", "Cục", "Chi cục", "Tổng cục", "Vụ", "Ban", "Ủy ban", "Uỷ ban", "UBND", "HĐND", "Hội đồng",
         "Trung tâm", "Phòng", "Công an", "Văn phòng", "Thanh tra", "Tổng Thanh tra", "Đài", "Hội", "Báo", "Viện",
         "Học viện", "Trường", "Tòa án", "Toà án", "Ngân hàng", "Kho bạc", "Bảo hiểm", "Mặt trận", "Thông tấn xã",
         "Công chức", "Bộ phận", "Tổ", "Liên đoàn", "Đoàn", "Tổng Thư ký", "Chi nhánh", "Thành phố", "Tỉnh",
         "Tập đoàn", "Tổng công ty", "Công ty", "Thuế", "Quân khu", "Bộ Chỉ huy", "Ủy ban nhân dân",
         "Trạm", "Bệnh viện", "Bưu điện", "Hợp tác xã", "Quỹ", "Chi bộ", "Đảng ủy", "Đảng uỷ", "Điện lực")
HEAD_WORDS = "(?:" + "|".join(sorted(map(re.escape, HEADS), key=len, reverse=True)) + ")"
_HEAD = re.compile(r"^" + HEAD_WORDS + r"\s+\S")
# Heads that also name a field inside a longer name ("Cục Tiền lương và Bảo hiểm xã hội"): after "và" they go on
_WEAK_HEADS = re.compile(r"^(?:Bảo hiểm|Thuế|Tổ|Tỉnh|Thành phố|Công ty|Liên đoàn|Quỹ|Điện lực|Bưu điện)\s")
# "Văn phòng HĐND và UBND xã …": one office of both councils
_COUNCIL = re.compile(r"(?:HĐND|Hội đồng nhân dân)$", re.IGNORECASE)
_COMMITTEE = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-ZĐ]{2,}(?:\b|$)")
_BRAND = re.compile(r"^[A-Z][a-z]+[A-Z]\w*\b")  # "MobiFone", "VinaPhone": a company's own spelling
# Kinds of actor that are not state bodies: after a group of bodies they start an entry of their own
_ACTORS = re.compile(r"^(?:các\s+)?(?:doanh nghiệp|nhà đầu tư|nhà cung cấp|nhà khoa học|cộng đồng|người dân|"
                     r"hộ gia đình|chuyên gia|hiệp hội|cá nhân)\b", re.IGNORECASE)
# "… tỉnh", "… huyện Nông Cống", "… Trung ương": where the name of a body ends
_ENDS_IN_PLACE = re.compile(r"\s(?:tỉnh|huyện|xã|phường|thị trấn|thị xã|thành phố|quận|Trung ương)"
                            r"(?:\s[A-ZĐ]\w*){0,3}$")
_GROUP = re.compile(r"^(?:\S+\s+){0,3}?các\s", re.IGNORECASE)  # "Các sở", "UBND các phường", "Ủy ban nhân dân các"
_FOOTNOTE = re.compile(r"\s*\[\d{1,3}\]")
_BRACKET = re.compile(r"\s*\(([^()]*)\)")
# "(Văn phòng Quốc hội phối hợp chuẩn bị)", "(phối hợp với Sở Tư pháp)", "(chủ trì, phối hợp với Sở Tư pháp)"
_HELPER = re.compile(r"^(?P<leads>chủ trì\s*,?\s*)?phối hợp(?:\s+với)?\s*:?\s*(?P<after>.+)$"
                     r"|^(?P<who>.+?)\s+(?:cùng\s+)?phối hợp\b.*$", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s+(?P<note>nếu có|(?<!phối hợp )với\s+(?:các|những|mọi)\s.+"
                        r"|theo (?:chức năng|thẩm quyền|lĩnh vực)(?:,? nhiệm vụ)?(?: được giao| quản lý)?)$",
                        re.IGNORECASE)
_DISTRIBUTED = re.compile(r"^[Cc]ác\s+(?P<head>[A-ZĐ]\S*(?:\s[a-zđ]\S*)?)\s*:\s*(?P<names>.+)$")
_COLON_GROUP = re.compile(r"^[Cc]ác\s+\S+(?:\s\S+)?\s*$")
_REQUEST = re.compile(r"^Đề nghị\s+(?=" + PERSON_TITLE.pattern.lstrip("^") + "|" + HEAD_WORDS + r"\s)", re.IGNORECASE)
_TRAILING_DUTY = re.compile(r"\s+(?:phối hợp|tổng hợp|chủ trì|thẩm định|theo dõi|báo cáo)\b.*$", re.IGNORECASE)
_BARE_LEVEL = re.compile(r"^cấp (?:tỉnh|huyện|xã)$", re.IGNORECASE)
_PARTS = re.compile(r"\s*(,)\s*|\s+(và)\s+|(?<=[^\s.]{2})\.\s+(?=[A-ZĐ])")
_TWICE = re.compile(r"(?<=\S)(?<!\svà)\s+(?=(?:Bộ|Sở)\s+[A-ZĐ])")  # not after "và": "Sở A và Sở B" is cut at "và"
_MARK = "\u0001"  # stands for a bracket taken out of the text while it is cut


@dataclass
class AgencyList:
    names: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # name → what the plan adds about it ("nếu có")
    helpers: list[str] = field(default_factory=list)  # bodies named in brackets as helping: support agencies


def read_list(text: str, directory: AgencyDirectory, context: str | None = None) -> AgencyList:
    """The bodies one list item names (see the module docstring)."""
    found = AgencyList()
    brackets: list[str] = []

    def keep(match: re.Match) -> str:
        inner = " ".join(match.group(1).split())
        helper = _HELPER.match(inner)
        if helper:
            who = helper.group("who") or helper.group("after")
            found.helpers += read_list(who, directory, context).names
            if helper.group("leads"):  # the name before the bracket leads: its role mark stays
                brackets.append("chủ trì")
                return f" {_MARK}{len(brackets) - 1}{_MARK}"
            return ""
        brackets.append(inner)
        return f" {_MARK}{len(brackets) - 1}{_MARK}"

    item = display_name(_BRACKET.sub(keep, _FOOTNOTE.sub("", text)))
    for raw in _names(item, directory, context):
        name, notes = _take_marks(raw, brackets)
        qualifier = _QUALIFIER.search(name)
        if qualifier and not directory.is_known(name, context=context):
            notes.append(qualifier.group("note"))
            name = name[:qualifier.start()]
        name = display_name(name)
        if not name:
            continue
        if name not in found.names:
            found.names.append(name)
        if notes:
            found.notes[name] = "; ".join(n for n in [found.notes.get(name), *notes] if n)
    return found


def _take_marks(name: str, brackets: list[str]) -> tuple[str, list[str]]:
    notes = [brackets[int(i)] for i in re.findall(_MARK + r"(\d+)" + _MARK, name)]
    return re.sub(r"\s*" + _MARK + r"\d+" + _MARK, "", name), notes


def _names(item: str, directory: AgencyDirectory, context: str | None) -> list[str]:
    if not item.strip(" .;:-" + _MARK):
        return []
    if directory.is_known(item, context=context):  # "Giám đốc các sở, …": a known wording keeps its title
        return [item]
    known = known_form(item, directory, context)
    if known:
        return [known]
    if ":" in item:
        item = _after_colon(item, directory, context)
        if isinstance(item, list):
            return item
    if not directory.is_known(item, context=context):
        stripped = _TRAILING_DUTY.sub("", item)
        if stripped and directory.is_known(stripped, context=context):
            return [display_name(stripped)]
    names = [known_form(part, directory, context) or display_name(_REQUEST.sub("", part))
             for part in _cut(item, directory, context)]
    names = [n for n in names if n]
    # "UBND cấp huyện, cấp xã": the second name borrows the first one's head
    return [f"UBND {n}" if _BARE_LEVEL.match(n) and i and names[i - 1].startswith("UBND") else n
            for i, n in enumerate(names)]


def _after_colon(item: str, directory: AgencyDirectory, context: str | None) -> str | list[str]:
    """"Các Cục: A, B" names Cục A and Cục B; "Các trường: Đại học, Cao đẳng" is one group; "Sở Nội vụ: theo dõi,
    kiểm tra" names the agency first; "Tổ chức thực hiện: Các sở, …" and "UBND cấp huyện: Sở Nội vụ, Sở Tư pháp
    phối hợp thẩm định" (a topic, then who does it) name it after."""
    distributed = _DISTRIBUTED.match(item)
    if distributed and _HEAD.match(distributed.group("head") + " x"):
        head = distributed.group("head")
        head = head[:1].upper() + head[1:]
        return [display_name(f"{head} {part}") for part in re.split(r"\s*[,;]\s*|\s+và\s+", distributed.group("names"))
                if display_name(part)]
    left, right = (part.strip() for part in item.split(":", 1))
    if _COLON_GROUP.match(left) and not any(known_form(p, directory, context) for p in right.split(",")):
        return item
    names_right = any(known_form(part, directory, context) for part in right.split(","))
    return left if not right or (directory.is_known(left, context=context) and not names_right) else right


def _cut(item: str, directory: AgencyDirectory, context: str | None) -> list[str]:
    """Parts joined where the directory knows the longer name; the rest joined or cut by the reading rules."""
    pieces = _twice(item) if _HEAD.match(item) else [item]
    out: list[str] = []
    for piece in pieces:
        parts = _split_parts(piece)
        out += _join(parts, directory, context)
    return out


def _twice(item: str) -> list[str]:
    """"Sở Khoa học và Công nghệ Sở Công Thương": a second Bộ/Sở named without a separator (not "Sở Sở …")."""
    pieces, start = [], 0
    for found in _TWICE.finditer(item):
        if len(item[start:found.start()].split()) >= 2:
            pieces.append(item[start:found.start()])
            start = found.end()
    return [*pieces, item[start:]]


def _split_parts(text: str) -> list[tuple[str, str]]:
    """(joiner before, part): joiner is "," "và" "." or "" for the first."""
    parts: list[tuple[str, str]] = []
    position, joiner = 0, ""
    for found in _PARTS.finditer(text):
        parts.append((joiner, text[position:found.start()]))
        joiner = found.group(1) or found.group(2) or "."
        position = found.end()
    parts.append((joiner, text[position:]))
    return [(j, p.strip()) for j, p in parts if p.strip(" .;:-")]


def _glue(joiner: str, part: str) -> str:
    return {",": ", ", "và": " và ", ".": ". "}.get(joiner, " ") + part


def _join(parts: list[tuple[str, str]], directory: AgencyDirectory, context: str | None) -> list[str]:
    """Left to right: a name the directory knows is an entry when what follows starts another (the longest such
    run of parts); the rest is joined or cut by the reading rules."""
    out: list[str] = []
    current: str | None = None
    i = 0
    while i < len(parts):
        joiner, part = parts[i]
        known, end = _known_run(parts, i, directory, context)
        if known is not None and current is not None and _one_office(current, joiner, part):
            known = None  # "Văn phòng HĐND và UBND huyện": "UBND huyện" is known, but here it ends one name
        if known is not None and (end == len(parts) or _starts_entry(known, *parts[end]) or _named_after(*parts[end])):
            if current is not None:
                out.append(current)
            out.append(known)
            current, i = None, end
            continue
        if current is None:
            current = part
        elif _starts_entry(current, joiner, part):
            out.append(current)
            current = part
        else:
            current += _glue(joiner, part)
        i += 1
    if current is not None:
        out.append(current)
    return out


def _known_run(parts: list[tuple[str, str]], i: int, directory: AgencyDirectory, context: str | None
               ) -> tuple[str | None, int]:
    """The longest run of parts from ``i`` that the directory knows as one name, and where it ends."""
    for j in range(len(parts), i + 1, -1):
        candidate = parts[i][1] + "".join(_glue(*p) for p in parts[i + 1:j])
        if directory.is_known(display_name(candidate), context=context):
            return candidate, j
    return known_form(parts[i][1], directory, context), i + 1


def _starts_entry(current: str, joiner: str, part: str) -> bool:
    """Whether ``part``, after ``joiner``, names another body than the entry ``current`` it follows."""
    if joiner == ".":
        return bool(_HEAD.match(part))
    if _one_office(current, joiner, part):
        return False
    if re.match(r"^các\s", part, re.IGNORECASE) or _ACRONYM.match(part) or _BRAND.match(part):
        return True
    if joiner != "và" and PERSON_TITLE.match(part) and part[:1].isupper():  # "Bí thư Chi bộ, Trưởng thôn các thôn"
        return True
    if joiner == "," and (_same_place(current, part) or (part[:1].isupper() and _whole_before_comma(current))):
        return True
    if _HEAD.match(part):
        return joiner != "và" or not _WEAK_HEADS.match(part)
    if _ACTORS.match(part):
        group_of_actors = _GROUP.match(current) and _ACTORS.match(re.sub(r"^.*?\bcác\s+", "", current,
                                                                         flags=re.IGNORECASE))
        return not group_of_actors if joiner == "và" else not _GROUP.match(current)
    return bool(_BARE_LEVEL.match(part) and current.startswith("UBND"))


def _whole_before_comma(current: str) -> bool:
    """A name that cannot go on after a comma, so a capital after it opens another body: one word of its own
    ("VNPT", "Viettel"; not a head such as "Sở" in "Sở, Ban, Ngành"), a name ending in its level or place
    ("Bưu điện tỉnh", "Hiệp hội Doanh nghiệp tỉnh Thanh Hóa"; "Sở Văn hóa, Thể thao…" does not), or a group of
    actors that are not state bodies ("Các doanh nghiệp viễn thông, Bưu điện")."""
    if _GROUP.match(current):
        return bool(_ACTORS.match(current))
    if " " not in current:
        return not re.fullmatch(HEAD_WORDS, current) and current[:1].isupper()
    return bool(_ENDS_IN_PLACE.search(current))


def _named_after(joiner: str, part: str) -> bool:
    """After a whole name the directory knows, a comma and a capital open another body ("Công an tỉnh, Viettel
    Thanh Hóa"); a name that goes on after its comma ("Sở Văn hóa, Thể thao và Du lịch") is known whole."""
    return joiner == "," and part[:1].isupper()


def _one_office(current: str, joiner: str, part: str) -> bool:
    """"Văn phòng HĐND và UBND …": one office serving both councils."""
    return joiner == "và" and bool(_COUNCIL.search(current)) and bool(_COMMITTEE.match(part))


def _same_place(current: str, part: str) -> bool:
    """"Viettel Thanh Hóa, MobiFone Thanh Hóa": two names ending in the same place name are two bodies (a name
    holding a comma, "Sở Văn hóa, Thể thao và Du lịch", does not repeat its ending)."""
    tail = re.search(r"(?:\s[A-ZĐ]\w*){1,3}$", part)
    last = re.split(r",\s*", current)[-1]
    return bool(tail) and len(part.split()) > len(tail.group(0).split()) and last.endswith(tail.group(0)) \
        and len(last.split()) > len(tail.group(0).split())


def known_form(text: str, directory: AgencyDirectory, context: str | None) -> str | None:
    """The name in ``text`` the directory knows (a person's title before it kept), once a duty after it is taken
    off."""
    name = _REQUEST.sub("", display_name(text))
    for candidate in (name, _TRAILING_DUTY.sub("", name)):
        if candidate and directory.is_known(candidate, context=context):
            return display_name(candidate)
    return None
