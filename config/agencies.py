"""The province's agency directory (``config/agencies.toml``): names, aliases, hierarchy and groups.

Pure lookups only. ``resolve`` maps a name as a plan writes it ("Sở Tư pháp.", "- Sở Tư pháp",
"Trung tâm PVHCC") to one agency; ``expand`` maps a group ("Các sở, ban, ngành cấp tỉnh",
"UBND cấp xã") to its member agencies. A plan's local context (the commune or district that issued
it) makes "Văn phòng HĐND&UBND" mean that government's own office.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from config.files import load_toml

DEFAULT_PATH = Path(__file__).with_name("agencies.toml")
LEVELS = ("tinh", "huyen", "xa")


class Agency(BaseModel):
    id: str
    name: str
    level: str = "tinh"  # tinh | huyen | xa
    kind: str = "so"  # so, ban, nganh, ubnd, van-phong, phong, trung-tam, su-nghiep, bao-dai, cong-an, khac
    parent: str | None = None  # the government (ubnd id) a local office belongs to
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
        return self


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


def display_name(name: str) -> str:
    """A name as the plan wrote it, without bullet, trailing punctuation or doubled spaces; a dash spaced on
    one side only ("Văn hóa –Xã hội", a line wrapped in a PDF) is spaced on both."""
    text = _BULLET.sub("", unicodedata.normalize("NFC", name).strip())
    text = _LOOSE_DASH.sub(lambda m: f" {m.group(1) or m.group(2)} ", text)
    return " ".join(text.strip(" .,;:").split())


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

    def resolve(self, name: str, *, context: str | None = None) -> Agency | None:
        """The agency ``name`` stands for, looked up first among the offices of ``context`` (a ubnd id)."""
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

    def group(self, name: str) -> Group | None:
        return self._groups.get(normalise(name))

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
