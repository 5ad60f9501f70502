"""Obligations written in prose ("TỔ CHỨC THỰC HIỆN"): per agency heading, the dated and periodic duties.

These make each agency's reporting calendar: "tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND tỉnh
(qua Sở Nội vụ) trước ngày 30/11/2025", "định kỳ hằng quý, 6 tháng, 9 tháng, cả năm hoặc đột xuất báo
cáo …". The plan's day rules ("các Báo cáo quý nộp trước ngày mùng 07 của tháng cuối quý") are found here too.
"""

from __future__ import annotations

import re

from config.agencies import AgencyDirectory
from ingest.draft import TaskDraft
from ingest.roles import agency_names

_SECTION = re.compile(r"^(?:[IVX]+\.?\s+)?TỔ CHỨC THỰC HIỆN\b", re.IGNORECASE)
_NEXT_SECTION = re.compile(r"^(?:[IVX]+\.\s|Nơi nhận|Phụ lục|PHỤ LỤC|Trên đây là|KT\. CHỦ TỊCH|CHỦ TỊCH$)")
_HEADING = re.compile(r"^(\d{1,2})\.?\s+(?!\d)(.+)$")
_DUTY_CUE = re.compile(r"trước ngày|chậm nhất|định kỳ|hằng quý|hàng quý|hằng tháng|hàng tháng|hằng năm|hàng năm|"
                       r"ngày \d{1,2}/\d{1,2}/\d{4}", re.IGNORECASE)
_RULE_CUE = re.compile(r"nộp trước ngày|chậm nhất là ngày \d+ của tháng cuối", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.;])\s+(?=[A-ZĐ(a-zđ])|(?<=\))\.\s*")


def section_paragraphs(paragraphs: list[str]) -> list[str]:
    """The paragraphs of the "TỔ CHỨC THỰC HIỆN" section (empty when the plan has none)."""
    start = next((i for i, p in enumerate(paragraphs) if _SECTION.match(p.strip())), None)
    if start is None:
        return []
    section: list[str] = []
    for paragraph in paragraphs[start + 1:]:
        if _NEXT_SECTION.match(paragraph.strip()) or (paragraph.isupper() and len(paragraph) > 20):
            break
        section.append(paragraph.strip())
    return section


def rule_sentences(paragraphs: list[str]) -> list[str]:
    """Sentences that fix the day periodic reports are due (the plan's day rules)."""
    found: list[str] = []
    for paragraph in paragraphs:
        for inner in re.findall(r"\(([^()]*)\)", paragraph):
            if _RULE_CUE.search(inner) and inner not in found:
                found.append(inner.strip())
    return found


def obligations(paragraphs: list[str], directory: AgencyDirectory, context: str | None) -> list[TaskDraft]:
    """One prose obligation per dated or periodic duty sentence, under the agency heading it belongs to."""
    found: list[TaskDraft] = []
    agencies: list[str] = []
    for paragraph in section_paragraphs(paragraphs):
        heading = _HEADING.match(paragraph)
        duties = paragraph
        if heading:
            names, duties = _split_heading(heading.group(2), directory, context)
            agencies = names or agencies
        duties = re.sub(r"^\s*[a-zđ]\)\s*", "", duties)
        duties = re.sub(r"\(([^()]*)\)", lambda m: "" if _RULE_CUE.search(m.group(1)) else m.group(0), duties)
        sub_agency = re.match(r"^Giao\s+([^:]{3,60}):\s*", duties)
        who = agency_names(sub_agency.group(1), directory, context) if sub_agency else agencies
        for sentence in _SENTENCES.split(duties):
            sentence = sentence.strip(" ;")
            if sentence and _DUTY_CUE.search(sentence) and who:
                found.append(_obligation(who, sentence, len(found)))
    return found


def _split_heading(text: str, directory: AgencyDirectory, context: str | None) -> tuple[list[str], str]:
    """("Sở Tư pháp", "Chủ trì …") from "Sở Tư pháp: Chủ trì …" or "Phòng Tư pháp chủ trì tham mưu …"."""
    if ":" in text[:220]:
        head, rest = text.split(":", 1)
        return _names(head, directory, context), rest.strip()
    words = text.split()
    for n in range(min(len(words), 16), 0, -1):
        head = " ".join(words[:n])
        if directory.is_known(head.rstrip(".,"), context=context):
            return _names(head, directory, context), " ".join(words[n:])
    if len(text) <= 150 and not text.rstrip().endswith("."):
        return _names(text, directory, context), ""
    return [], text


def _names(head: str, directory: AgencyDirectory, context: str | None) -> list[str]:
    names: list[str] = []
    for part in re.split(r";\s*", head.strip()):
        for name in agency_names(re.sub(r"^Đề nghị\s+", "", part), directory, context):
            if name not in names:
                names.append(name)
    return names


def _obligation(agencies: list[str], sentence: str, index: int) -> TaskDraft:
    return TaskDraft(key=f"prose-{index + 1}", appendix_number=None, appendix_title="TỔ CHỨC THỰC HIỆN",
                     number=None, content=sentence, product=None, lead=list(agencies), support=[], synthesis=[],
                     deadline_text=sentence, milestones=[], origin="prose")
