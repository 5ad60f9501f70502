"""The words and composable patterns of the deadline language, on folded text (see normalize.py).

Every pattern here matches lower-case text without diacritics ("chậm nhất" is "cham nhat") and is
written without nested unbounded repetition, so a scan stays linear in the input size.
"""

from __future__ import annotations

import re

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}

# A year after a number: "/2025", "-2025", ".2025", "năm 2025", ", năm sau". Garbled years ("/202")
# are captured too, so that they can be refused with a warning instead of being read as something else.
_YEAR_NUM = r"(?P<{p}y>\d{{1,5}})"
_YEAR_WORD = r"(?P<{p}yw>\d{{3,5}}|sau|nay|toi)\b"


def _year_tail(p: str, seps: str = "/.-") -> str:
    return (rf"(?:\s*[{re.escape(seps)}]\s*{_YEAR_NUM.format(p=p)}(?![\d/])"
            rf"|\s*,?\s*(?:cua\s+)?nam(?:\s+|(?=\d)){_YEAR_WORD.format(p=p)})?")


_DAY_WORD = r"(?:ngay\s+(?:mung\s+)?)"
_NOT_NUM_BEFORE = r"(?<![\d/.])"

# Time atoms, most specific first: the scanner takes, at each position, the first alternative that matches.
# The look-aheads let the scanner skip, cheaply, positions where no atom can start: first a character
# class (one test per position), then the words an alternative can start with (extend both for a new one).
# An atom starts with a digit or one of these words (or is the "i" after a quarter).
ATOM_WORDS = ("ngay", "thang", "quy", "nam", "dau", "giua", "cuoi", "thuong tuan", "trung tuan", "ha tuan", "tuan",
              "sau", "chin", "nua", "trong nam")
_ATOM_START = (r"(?=[\dndgcthqsi])(?=\d|" + "|".join(ATOM_WORDS) +
               r"|(?:(?<=,)|(?<=, )|(?<=- )|(?<=-)|(?<=va ))i)")
ATOMS = re.compile(_ATOM_START + "(?:" + "|".join([
    # "ngày 30 tháng 12 năm 2025"
    rf"(?P<dw>{_DAY_WORD}?(?P<dwd>\d{{1,2}})\s+thang\s+(?P<dwm>\d{{1,2}})\b{_year_tail('dw', '/-')})",
    # a day range with one month: "26 - 27/6/2025", "ngày 7 đến 21-3-2018"
    rf"(?P<dr>{_NOT_NUM_BEFORE}{_DAY_WORD}?(?P<dra>\d{{1,2}})\s*(?:-|den het|den|toi)\s*{_DAY_WORD}?"
    rf"(?P<drd>\d{{1,2}})\s*(?P<drs>[/.-])\s*(?P<drm>\d{{1,2}})(?:\s*(?P=drs)\s*(?P<dry>\d{{1,5}}))?(?![\d/])"
    rf"(?:\s*,?\s*nam\s+(?P<dryw>\d{{3,5}}|sau|nay|toi)\b)?)",
    # "30/12/2025", "30-12-2025", "30.12.2025", "ngày 30/12", "15/3 năm sau"
    rf"(?P<dt>{_NOT_NUM_BEFORE}(?P<dtw>{_DAY_WORD})?(?P<dtd>\d{{1,2}})\s*(?P<dts>[/.-])\s*(?P<dtm>\d{{1,2}})"
    rf"(?:\s*(?P=dts)\s*(?P<dty>\d{{1,5}})(?![\d/])|(?![\d/.-]\d)(?:\s*,?\s*(?:cua\s+)?nam\s+(?P<dtyw>\d{{3,5}}|sau|nay|toi)\b)?))",
    # "06/2019" (month/year with a four-digit year only)
    rf"(?P<my>{_NOT_NUM_BEFORE}(?<!quy )(?P<mym>\d{{1,2}})\s*[/-]\s*(?P<myy>\d{{4}})(?![\d/]))",
    # "tháng 11/2025", "cuối tháng 5/2010", "trung tuần tháng 4/2018", "tháng 12 năm 2025"
    rf"(?P<mo>(?:(?P<mop>dau|giua|cuoi|thuong tuan|trung tuan|ha tuan|tuan dau|tuan cuoi"
    rf"|tuan thu (?:[1-4]|nhat|hai|ba|tu)\b)(?:\s+(?:tien|cung))?"
    rf"(?:\s+cua)?\s+)?thang\s+(?P<mom>\d{{1,2}})\b"
    rf"{_year_tail('mo')})",
    # "Quý I/2025", "quý 4", "Quý II năm 2025", "cuối quý III"
    r"(?P<q>(?:(?P<qp>dau|giua|cuoi)\s+)?quy\s+(?P<qn>iv|iii|ii|i|[1-4])(?![a-z0-9])"
    r"(?:\s*[/.-]\s*(?P<qy>\d{1,5})(?![\d/])|\s*,?\s*nam(?:\s+|(?=\d))(?P<qyw>\d{3,5}|sau|nay|toi)\b"
    r"|\s+(?P<qy2>\d{4})\b)?)",
    # the second quarter of "Quý III, IV/2025" (kept only right after a quarter)
    r"(?P<qx>(?:(?<=, )|(?<=,)|(?<=- )|(?<=-)|(?<=va ))(?P<qxn>iv|iii|ii|i)(?![a-z0-9])"
    r"(?:\s*[/.-]\s*(?P<qxy>\d{1,5})(?![\d/]))?)",
    # "6 tháng đầu năm 2025", "9 tháng", "sáu tháng cuối năm", "nửa đầu năm 2026", "3 tháng đầu năm"
    r"(?P<h>(?:(?:(?P<hn>0?6|0?9)\s+thang|(?P<hw>sau|chin)\s+thang(?=\s+(?:dau|cuoi)\s+nam)"
    r"|(?P<h3>0?3)\s+thang(?=\s+dau\s+nam))"
    r"(?:\s+(?P<hp>dau|cuoi)\s+nam)?|nua\s+(?P<hh>dau|cuoi)\s+nam)(?:\s*,?\s*(?:nam\s+)?(?P<hy>\d{4})\b)?)",
    # "năm 2026", "cuối năm 2025", "năm sau", "giữa năm"
    r"(?P<yr>(?:(?P<yrp>dau|giua|cuoi)\s+)?nam(?:\s+|(?=\d))(?P<yry>\d{3,5}|sau|nay|toi)\b)",
    # "Trong năm" with no year: the plan year ("trong năm học", "trong năm tài chính" are other periods)
    r"(?P<yt>trong\s+nam\b(?!\s*(?:\d|hoc|sau|nay|toi|tai chinh|ke hoach|qua|truoc)))",
    r"(?P<yp>(?P<ypp>dau|giua|cuoi)\s+nam\b)",
    # a bare year: kept only as a whole cell ("2025"), after "giai đoạn", or ending a range of years
    r"(?P<yb>(?<![\d/.])(?:19|20|21)\d\d(?![\d/]))",
    # a day without its month: "ngày 7" (a range start), "ngày 25" (of each month)
    rf"(?P<d>{_DAY_WORD}(?P<dd>\d{{1,2}})\b(?![/.-]\d))",
    # a further month of "Tháng 3, 6, 9, 12 hằng năm" (kept only right after a month, as "qx" after a quarter)
    rf"(?P<mx>(?:(?<=, )|(?<=,)|(?<=va ))(?P<mxm>\d{{1,2}})(?![\d/.-]){_year_tail('mx')}"
    r"(?!\s*(?:ngay|thang|tuan|nam|lan|ky|dot|%|gio|h\b)))",
]) + ")")

# Words just before an atom that make it a deadline and tell how to read it.
PREFIX = re.compile(
    r"(?=[tdcmhvxnbs])"  # the class skips, cheaply, positions where none of the words can start
    r"(?:(?P<strict>truoc)|(?P<from>tu|(?<!thu )sau(?=\s))|(?P<to>den het|den|toi|cho den)"
    r"|(?P<incl>cham nhat|muon nhat|han chot|han|het|trong|vao|hoan thanh|xong|nop|bat dau))"
    r"(?:\s+(?:la|vao|trong|ngay|khoang|thoi gian|giai doan))*[\s,:]*$")
# "ngày làm việc cuối cùng của tháng", "ngày làm việc đầu tiên của quý": the period's last (strict: a day off moves
# it back, never into the next period) or first working day; the nominal day is the period's last or first
WORKING_DAY_OF = (r"(?<!\d )ngay lam viec\s+(?:(?P<last>cuoi(?:\s+cung)?)|dau(?:\s+tien)?)\s+"
                  r"(?:(?:cua|trong)\s+)?")
RANGE_GAP = re.compile(r"\s*(?:-|den het|den|toi|cho den)\s*(?:ngay\s+)?$")
# "15/6 (báo cáo 6 tháng) và 15/12": a gloss in brackets after an item does not end the list
LIST_GAP = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)?(?:,|va|hoac|;|/)?\s*$")

# Not deadlines: cited documents ("Kế hoạch số 76/KH-UBND ngày 05/4/2018 của UBND tỉnh") and glosses.
DOC_TYPES = (r"ke hoach|quyet dinh|cong van|van ban|thong bao|chi thi|nghi quyet|nghi dinh|thong tu lien tich|"
             r"thong tu|ket luan|cong dien|to trinh|huong dan|luat|chuong trinh|de an|bao cao|phap lenh")
CITED = re.compile(
    rf"(?P<type>{DOC_TYPES})\s+(?:so\s*)?(?P<num>\d{{1,6}}(?:\s*/\s*[a-z0-9][a-z0-9.-]*)+)?"
    r"(?:\s*,?\s*(?:ngay|ban hanh ngay)\s+(?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
    r"(?:\s+cua\s+(?P<issuer>[^.;,()\n]{1,80}?)(?=\s*(?:[.;,()\n]|$|\s+ve\s|\s+va\s)))?")
# "\b\d{1,6}" written as a digit first (the look-behind is the word boundary): a pattern that starts with a
# character set lets the regex engine skip in C to where it can match.
BARE_NUMBER = re.compile(r"\d(?<!\w\d)\d{0,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9.-]*")
# What a counted citation holds: a number ("220/KH-UBND") or a date after "ngày"; without either, CITED
# need not run.
CITED_NUMBER = re.compile(r"\d\s*/\s*[a-z0-9]")
# The period a report covers, in brackets: "(số liệu tính từ ngày 15/12/2024 đến ngày 14/11/2025)".
DATA_PERIOD = re.compile(r"\((?=[^()\n]{0,30}?\b(?:so lieu|ky bao cao)\b)[^()\n]{1,160}\)")
GLOSS = re.compile(r"\((?P<g>[^()\n]{1,40})\)")
GLOSS_BODY = re.compile(r"\s*(?:chu nhat|thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|[^()]*\b(?:am lich|al|thang chap|"
                        r"thang gieng|tet|mong|mung)\b[^()]*)\s*")

# Kinds that carry no date, by the words that announce them.
DONE = re.compile(r"\bda\s+(?:thuc hien|hoan thanh|ban hanh|trien khai|xong|to chuc)\b")
CONTINUOUS = re.compile(r"\b(?:thuong xuyen|lien tuc|hang ngay|moi ngay|hang ngay|thuong nien lien tuc|quanh nam)\b")
ON_EVENT = re.compile(
    r"\b(?:(?P<lead>ngay sau khi|ngay sau|sau khi|ngay khi|khi|ke tu khi|ke tu ngay|ke tu"
    r"|sau(?=\s+(?:thi diem|so ket|tong ket|nghiem thu|danh gia)\b))\s+)"
    r"(?=\S)|\b(?:khong qua|trong vong|trong)\s+\d{1,3}\s+ngay\b"
    r"|\b\d{1,3}\s+ngay(?:\s+lam\s+viec)?\s+truoc\s+(?=(?:ngay|khi|thoi diem)\b)")  # "05 ngày trước ngày họp"
BY_REFERENCE = re.compile(r"\b(?:thuc hien\s+)?theo\s+(?!dinh ky\b)(?=\S)")  # "theo định kỳ" names no period
AD_HOC = re.compile(r"\b(?:hoac|va|,|hay)\s*(?:bao cao\s+)?dot xuat\b")
