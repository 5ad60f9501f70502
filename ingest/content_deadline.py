"""A deadline written in a task's own text when its deadline cell is empty.

Plans without a deadline for a row sometimes end the task with it: "…, hoàn thành trước ngày 30/6/2026",
"(thời gian: Quý III/2026)", "Thời hạn: tháng 10/2026". Only a labelled phrase or a completion cue followed by a
date is taken: a date alone in the text ("Nghị định số 45/2026/NĐ-CP ngày 20/02/2026") names a document, not a
deadline. The builder reads it only for a row with no deadline of its own and flags it for review.
"""

from __future__ import annotations

import re

FROM_CONTENT = "Ô thời hạn để trống: thời hạn «{}» đọc từ nội dung nhiệm vụ, cần kiểm tra lại."

# "Thời hạn: …", "thời gian hoàn thành: …", "Tiến độ: …": the text after the label, to a bracket, ";" or sentence end
_LABELLED = re.compile(r"(?:thời hạn|thời gian|tiến độ)(?:\s+(?:thực hiện|hoàn thành))?\s*:\s*"
                       r"(?P<text>[^;()\n]+?)\s*(?=[);\n]|\.\s|\.?$)", re.IGNORECASE)
_WHEN = (r"(?:(?:ngày\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?|ngày\s+\d{1,2}\s+(?:của\s+)?(?:hằng|hàng|mỗi)\s+(?:tháng|quý)"
         r"|tháng\s+\d{1,2}(?:/\d{4})?|quý\s+[IV]{1,3}(?:/\d{4})?|năm\s+\d{4})")
# "hoàn thành trước ngày 30/6/2026", "xong trong quý III/2026", "chậm nhất ngày 15/12/2026", "dự kiến tháng 8/2026",
# "trước ngày 20 hằng tháng"
_CUED = re.compile(r"(?P<text>(?:(?:hoàn thành|xong)(?:\s+(?:trước|chậm nhất(?:\s+là)?|trong|vào))?"
                   r"|trước|chậm nhất(?:\s+là)?|dự kiến)\s+" + _WHEN + r")", re.IGNORECASE)


def deadline_in_content(content: str) -> str | None:
    """The deadline phrases the task's text gives, as written (joined by "; " when there are several), or None."""
    text = " ".join(content.split())
    found: list[tuple[int, int, str]] = []
    for pattern in (_LABELLED, _CUED):
        for match in pattern.finditer(text):
            start, end = match.span("text")
            # "Thời hạn: trước ngày …" is one phrase: a cue inside a labelled phrase is not taken again
            if not any(start < other_end and other_start < end for other_start, other_end, _ in found):
                found.append((start, end, match.group("text").strip(" ,.")))
    return "; ".join(phrase for _, _, phrase in sorted(found)) or None
