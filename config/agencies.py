"""The province's agency directory (``config/agencies.toml``): names, aliases, hierarchy, groups and units.

Pure lookups only. ``resolve`` maps a name as a plan writes it ("Sở Tư pháp.", "- Sở Tư pháp",
"Trung tâm PVHCC") to one agency; ``expand`` maps a group ("Các sở, ban, ngành cấp tỉnh",
"UBND cấp xã") to its member agencies. A plan's local context (the commune or district that issued
it) makes "Văn phòng HĐND&UBND" mean that government's own office.

Every agency belongs to a unit: the province, one of its communes or districts (the offices of that
government), the national level (ministries and other central bodies), or, for a plan of another
province, that province. ``scope`` tells from a plan's issuer whose plan it is, and ``place`` maps a
name of that plan to the agency and unit it stands for: the province's directory is used only for the
province's own plans (and those addressed to it); a plan of a ministry or of another province keeps its
names as written, flagged for review, except the parts it gives the province itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from config.files import load_toml

DEFAULT_PATH = Path(__file__).with_name("agencies.toml")
NATIONAL = "trung-uong"
LEVELS = ("tinh", "huyen", "xa", NATIONAL)
UNIT_KINDS = ("tinh", "huyen", "xa", NATIONAL, "ngoai")  # ngoai: another province or issuer outside the deployment


class Agency(BaseModel):
    id: str
    name: str
    level: str = "tinh"  # tinh | huyen | xa | trung-uong
    # so, ban, nganh, ubnd, van-phong, phong, trung-tam, su-nghiep, bao-dai, cong-an, khac; national bodies:
    # chinh-phu, bo, co-quan-ngang-bo, co-quan-thuoc-cp, quoc-hoi, tu-phap, dang, doan-the
    kind: str = "so"
    parent: str | None = None  # the government (ubnd id) a local office belongs to: it makes the office's unit
    aliases: list[str] = Field(default_factory=list)
    formerly: list[str] = Field(default_factory=list)  # agencies merged into this one (2025 mergers)
    until: date | None = None  # last day of existence (the huyện level ended on 30/6/2025)
    review: bool = False  # created from an unknown name: a person must confirm it


class MemberRule(BaseModel):
    level: str | None = None
    kinds: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)
    local: bool = False  # members are the offices of the plan's own government (its context)


class Group(BaseModel):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    members: MemberRule = Field(default_factory=MemberRule)
    level: str | None = None  # "trung-uong": a group of national bodies ("Các bộ, ngành"), the same in every plan
    addressed: bool = False  # in a national plan, the part given to the province ("UBND các tỉnh, thành phố …")


class DirectoryFile(BaseModel):
    province: str
    agency: list[Agency] = Field(default_factory=list)
    group: list[Group] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self) -> DirectoryFile:
        ids = [a.id for a in self.agency]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate agency id: {', '.join(duplicates)}")
        for agency in self.agency:
            if agency.level not in LEVELS:
                raise ValueError(f"agency {agency.id}: level must be one of {', '.join(LEVELS)}")
            if agency.parent and agency.parent not in ids:
                raise ValueError(f"agency {agency.id}: unknown parent {agency.parent}")
        for group in self.group:
            unknown = [i for i in group.members.ids if i not in ids]
            if unknown:
                raise ValueError(f"group {group.id}: unknown member {', '.join(unknown)}")
            if group.level is not None and group.level != NATIONAL:
                raise ValueError(f"group {group.id}: level must be {NATIONAL} or left out")
        if not any(a.kind == "ubnd" and a.level == "tinh" for a in self.agency):
            raise ValueError("the directory needs the province's UBND (kind = \"ubnd\", level = \"tinh\")")
        return self


@dataclass(frozen=True)
class UnitRef:
    """A unit agencies belong to; ``key`` is stable (the database finds the unit by it)."""

    key: str  # "tinh-thanh-hoa", "xa-hoang-phu", "huyen-tho-xuan", "trung-uong", "ngoai-tinh-dong-nai"
    name: str  # "tỉnh Thanh Hóa", "xã Hoàng Phú", "Trung ương", "tỉnh Đồng Nai"
    kind: str  # one of UNIT_KINDS
    parent: str | None = None  # the key of the unit above (a commune's province)


@dataclass(frozen=True)
class PlanScope:
    """Whose plan it is: "local" (the province, one of its communes or districts), "national" or "external"."""

    kind: str
    unit: UnitRef  # the unit of the issuer: the plan's own names that the directory does not know go there
    context: str | None = None  # the directory id of the issuing commune's or district's UBND
    guessed: bool = False  # no issuer could be read: taken as the province's own plan

    @property
    def local(self) -> bool:
        return self.kind == "local"


@dataclass(frozen=True)
class Placed:
    """What a name of a plan stands for: an agency or a group (with its members) in a unit."""

    name: str
    unit: UnitRef
    level: str = "other"  # the database level: tinh | huyen | xa | trung-uong | other
    is_group: bool = False
    review: bool = False  # a name the directory does not know here: a person must confirm it
    members: tuple[Placed, ...] = ()


_TONE_MOVES = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oé": "óe", "oè": "òe",
               "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_PHRASES = [("ủy ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"), ("&", " và "), ("ubnd-", "ubnd và "),
            ("hđnd-", "hđnd và ")]
_PUNCTUATION = re.compile(r"[.,;:()\[\]\"“”'’/]+")
_DASHES = re.compile(r"\s*[-–—]\s*")
_LOOSE_DASH = re.compile(r"(?<=\S)(?:\s+([-–—])\s*|([-–—])\s+)(?=\S)")
_BULLET = re.compile(r"^\s*(?:[-+•*–]+|\d+[.)]|[a-zđ]\))\s*")


def normalise(name: str) -> str:
    """The lookup key of a name: NFC, lower case, one tone-mark placement, no bullets or punctuation.

    "Sở Tư pháp." , "- Sở Tư pháp" and "SỞ TƯ PHÁP" give the same key; "Văn hoá" = "Văn hóa".
    """
    text = unicodedata.normalize("NFC", name).strip().lower()
    text = _BULLET.sub("", text)
    for old, new in _TONE_MOVES.items():
        text = text.replace(old, new)
    for old, new in _PHRASES:
        text = text.replace(old, new)
    text = _DASHES.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


# A person's title before the body they head ("Chủ tịch UBND xã", "Trưởng các thôn"): plans name the person, the
# directory the body; the name is kept as written and looked up without the title.
PERSON_TITLE = re.compile(r"^(?:Phó Giám đốc|Giám đốc|Thủ trưởng|Tổ trưởng|Trưởng|Phó Chủ tịch|Chủ tịch|Chánh Văn phòng"
                          r"|Bí thư)\s+(?=\S)", re.IGNORECASE)


def display_name(name: str) -> str:
    """A name as the plan wrote it, without bullet, trailing punctuation or doubled spaces; a dash spaced on
    one side only ("Văn hóa –Xã hội", a line wrapped in a PDF) is spaced on both."""
    text = _BULLET.sub("", unicodedata.normalize("NFC", name).strip())
    text = _LOOSE_DASH.sub(lambda m: f" {m.group(1) or m.group(2)} ", text)
    return " ".join(text.strip(" .,;:").split())


def parse_directory(text: str, name: str = DEFAULT_PATH.name) -> DirectoryFile:
    """A directory file's text, validated (the errors name the file and the line)."""
    from config.files import parse_toml

    return parse_toml(text, DirectoryFile, name=name)


def load_directory(config_dir: Path | None = None) -> AgencyDirectory:
    """The deployment's directory: ``agencies.toml`` of ``config_dir`` (HANCHOT_CONFIG_DIR by default)."""
    if config_dir is None:
        from config.settings import get_settings

        config_dir = get_settings().config_dir
    return AgencyDirectory.load(Path(config_dir) / DEFAULT_PATH.name)


class AgencyDirectory:
    """Lookups over one province's directory. Never raises for an unknown name: it returns None."""

    def __init__(self, data: DirectoryFile):
        self.data = data
        self.province = data.province

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> AgencyDirectory:
        return cls(load_toml(path, DirectoryFile))

    @cached_property
    def _by_id(self) -> dict[str, Agency]:
        return {a.id: a for a in self.data.agency}

    @cached_property
    def _keys(self) -> dict[tuple[str | None, str], Agency]:
        """(context, key) → agency; context is the parent government for local offices, else None."""
        keys: dict[tuple[str | None, str], Agency] = {}
        for agency in self.data.agency:
            for name in [agency.name, *agency.aliases, *agency.formerly]:
                keys.setdefault((agency.parent, normalise(name)), agency)
        return keys

    @cached_property
    def _groups(self) -> dict[str, Group]:
        return {normalise(n): g for g in self.data.group for n in [g.name, *g.aliases]}

    def normalise(self, name: str) -> str:
        return normalise(name)

    def get(self, agency_id: str) -> Agency | None:
        return self._by_id.get(agency_id)

    def resolve(self, name: str, *, context: str | None = None, titled: bool = True) -> Agency | None:
        """The agency ``name`` stands for, looked up first among the offices of ``context`` (a ubnd id); a
        person's title before it is looked up as written, then without the title (the body they head)."""
        if titled and PERSON_TITLE.match(name.strip()):
            return (self.resolve(name, context=context, titled=False)
                    or self.resolve(PERSON_TITLE.sub("", name.strip()), context=context))
        key = normalise(name)
        if context:
            for candidate in self._local_keys(key, context):
                found = self._keys.get((context, candidate))
                if found:
                    return found
                if candidate == "ubnd":  # "UBND xã" in a commune's own plan is that commune
                    return self._by_id.get(context)
        return self._keys.get((None, key))

    def _local_keys(self, key: str, context: str) -> list[str]:
        """"văn phòng hđnd và ubnd xã hoàng phú" → also without the trailing "xã hoàng phú" / "xã"."""
        government = self._by_id.get(context)
        keys = [key]
        if government:
            place = normalise(government.name.removeprefix("UBND "))  # "xã hoàng phú"
            level_word = place.split(" ")[0]
            for suffix in (f" {place}", f" {level_word}", f" cấp {level_word}"):
                if key.endswith(suffix):
                    keys.append(key.removesuffix(suffix))
        return keys

    def local_offices(self, name: str) -> list[Agency]:
        """The offices of communes and districts that ``name`` stands for in their own plans ("Công an xã")."""
        governments = [a.id for a in self.data.agency if a.kind == "ubnd" and a.level in ("huyen", "xa")]
        found = (self.resolve(name, context=government) for government in governments)
        return [a for a in found if a is not None and a.parent is not None]

    def group(self, name: str) -> Group | None:
        found = self._groups.get(normalise(name))
        if found is None and PERSON_TITLE.match(name):
            return self.group(PERSON_TITLE.sub("", name))
        return found

    def is_known(self, name: str, *, context: str | None = None) -> bool:
        return self.group(name) is not None or self.resolve(name, context=context) is not None

    def expand(self, group: str | Group, *, context: str | None = None, on: date | None = None) -> list[Agency]:
        """Member agencies of a group (empty for an unknown name or an open group like "có liên quan").

        ``context`` restricts local groups ("UBND cấp xã" in a district plan) to that government's
        area; ``on`` drops agencies that no longer existed then (the huyện level after 30/6/2025).
        """
        found = group if isinstance(group, Group) else self.group(group)
        if found is None:
            return []
        rule = found.members
        members = [self._by_id[i] for i in rule.ids]
        if rule.level or rule.kinds or rule.local:
            for agency in self.data.agency:
                if rule.level and agency.level != rule.level:
                    continue
                if rule.kinds and agency.kind not in rule.kinds:
                    continue
                if rule.local and (not context or agency.parent != context):
                    continue
                if not rule.local and context and agency.level == "xa" and agency.kind == "ubnd" \
                        and self._in_area(context, agency) is False:
                    continue
                if agency not in members:
                    members.append(agency)
        return [a for a in members if on is None or a.until is None or a.until >= on]

    def _in_area(self, context: str, agency: Agency) -> bool | None:
        """Whether ``agency`` lies inside the government ``context`` (None when context is the province)."""
        government = self._by_id.get(context)
        if government is None or government.level == "tinh":
            return None
        return agency.parent == context or agency.id == context

    def members(self, name: str, *, context: str | None = None) -> list[Agency]:
        """The agencies a name from a plan stands for: a group's members, one agency, or a review entry."""
        if self.group(name):
            return self.expand(name, context=context)
        agency = self.resolve(name, context=context)
        return [agency] if agency else [self.new_agency(name)]

    def new_agency(self, name: str) -> Agency:
        """An agency the directory does not know: kept under the plan's own wording, flagged for review."""
        key = normalise(name)
        return Agency(id="moi-" + re.sub(r"\W+", "-", key).strip("-"), name=display_name(name), kind="khac",
                      review=True)

    # Units and plan scopes ------------------------------------------------------------------------------------

    @cached_property
    def province_unit(self) -> UnitRef:
        return UnitRef(key=f"tinh-{slug(self.province)}", name=f"tỉnh {self.province}", kind="tinh")

    @cached_property
    def national_unit(self) -> UnitRef:
        return UnitRef(key=NATIONAL, name="Trung ương", kind=NATIONAL)

    def unit_of(self, agency: Agency) -> UnitRef:
        """The province, the commune or district whose government ``agency`` is or belongs to, or the nation."""
        if agency.level == NATIONAL:
            return self.national_unit
        government = agency if agency.kind == "ubnd" else self._by_id.get(agency.parent or "")
        if government is None or government.level not in ("huyen", "xa"):
            return self.province_unit
        return self._local_unit(government.name, government.level)

    def _local_unit(self, government_name: str, level: str) -> UnitRef:
        place = re.sub(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", "", display_name(government_name),
                       flags=re.IGNORECASE)
        return UnitRef(key=slug(place), name=place[:1].lower() + place[1:], kind=level,
                       parent=self.province_unit.key)

    def scope(self, issuer: str | None, recipients: tuple[str, ...] | list[str] = ()) -> PlanScope:
        """Whose plan a plan of ``issuer`` is; a plan of another issuer addressed to the province is the province's."""
        found = self._issuer_scope(issuer)
        if not found.local and any(self._names_province(r) for r in recipients):
            return PlanScope("local", self.province_unit)
        return found

    def _issuer_scope(self, issuer: str | None) -> PlanScope:
        if not issuer or not issuer.strip():
            return PlanScope("local", self.province_unit, guessed=True)
        agency = self.resolve(issuer)
        if agency is not None:
            if agency.level == NATIONAL:
                return PlanScope("national", self.national_unit)
            if agency.kind == "ubnd" and agency.level in ("huyen", "xa"):
                return PlanScope("local", self.unit_of(agency), context=agency.id)
            return PlanScope("local", self.province_unit)
        government = _GOVERNMENT.match(display_name(issuer))
        if government:
            level, place = government.group("level").lower(), government.group("place")
            if level in _LOCAL_LEVELS:  # a commune or district the directory does not list yet
                return PlanScope("local", self._local_unit(issuer, _LOCAL_LEVELS[level]))
            if normalise(place) == normalise(self.province):
                return PlanScope("local", self.province_unit)
        if _NATIONAL_ISSUER.match(display_name(issuer)):
            return PlanScope("national", self.national_unit)
        if self._names_province(issuer):  # "Sở Nội vụ tỉnh Thanh Hóa": a body of the province plans for it
            return PlanScope("local", self.province_unit)
        name = re.sub(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", "", display_name(issuer), flags=re.IGNORECASE)
        return PlanScope("external", UnitRef(key=f"ngoai-{slug(name)}", name=name, kind="ngoai"))

    def _names_province(self, text: str) -> bool:
        """"UBND tỉnh Thanh Hóa", "Công an tỉnh Thanh Hóa": a name that says which province it means."""
        return f" {normalise(self.province)}" in f" {normalise(text)}"

    def place(self, name: str, scope: PlanScope) -> Placed:
        """The agency or group ``name`` stands for in a plan of ``scope``, with its unit (see the module docstring)."""
        group = self.group(name)
        if group is not None:
            return self._place_group(name, group, scope)
        agency = self.resolve(name, context=scope.context)
        if agency is not None and (agency.level == NATIONAL or scope.local or self._names_province(name)):
            return self._placed(agency)
        if scope.unit.kind == "xa" and scope.context is None \
                and normalise(PERSON_TITLE.sub("", name.strip())) in ("ubnd xã", "ubnd phường"):
            return Placed(f"UBND {scope.unit.name}", scope.unit, level="xa", review=True)  # the commune itself
        return Placed(display_name(name)[:255], scope.unit, review=True)

    def _placed(self, agency: Agency) -> Placed:
        return Placed(agency.name, self.unit_of(agency), level=agency.level, review=agency.review)

    def _place_group(self, name: str, group: Group, scope: PlanScope) -> Placed:
        national = group.level == NATIONAL
        if group.addressed and (scope.kind == "national" or scope.local):  # the province's part: its UBND
            members = self.expand(group)
            if len(members) == 1:
                return self._placed(members[0])
        if not (scope.local or national):  # another issuer's group of its own bodies: kept as written
            return Placed(display_name(name)[:255], scope.unit, review=True)
        found = self.expand(group, context=scope.context)
        if scope.unit.kind in ("xa", "huyen"):  # a commune's group holds that commune's offices only
            found = [a for a in found if self.unit_of(a) == scope.unit
                     or (scope.context and self._in_area(scope.context, a))]
        members = tuple(self._placed(a) for a in found)
        unit = self.national_unit if national else scope.unit
        return Placed(group.name, unit, is_group=True, members=members)


_GOVERNMENT = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(?P<level>tỉnh|thành phố|xã|phường|thị trấn|"
                         r"huyện|thị xã|quận|đặc khu)\s+(?P<place>.+)$", re.IGNORECASE)
_LOCAL_LEVELS = {"xã": "xa", "phường": "xa", "thị trấn": "xa", "đặc khu": "xa", "huyện": "huyen", "thị xã": "huyen",
                 "quận": "huyen"}
# Issuers above the province: the Government, its Prime Minister and Office, ministries, the National Assembly
_NATIONAL_ISSUER = re.compile(r"^(?:Chính phủ|Thủ tướng|Văn phòng Chính phủ|Bộ\s|Bộ trưởng|Quốc hội|Ủy ban Thường vụ|"
                              r"Uỷ ban Thường vụ|Văn phòng Quốc hội|Tòa án nhân dân tối cao|Toà án nhân dân tối cao|"
                              r"Viện kiểm sát nhân dân tối cao|Kiểm toán Nhà nước|Ban Chỉ đạo Trung ương|"
                              r"Ngân hàng Nhà nước|Thanh tra Chính phủ)", re.IGNORECASE)


def slug(text: str) -> str:
    """"xã Hoàng Phú" → "xa-hoang-phu": ASCII, lower case, words joined by dashes (unit keys)."""
    text = unicodedata.normalize("NFD", normalise(text).replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
