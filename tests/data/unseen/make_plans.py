"""Writes the hand-made plans of tests/data/unseen: for each plan its table as text (the dev-set format: TAB between
cells, an empty cell under a merged one), as a Word file made like an office file (bold header rows repeated on
every page, real vertical and horizontal merges, one paragraph per bullet) and its gold answer.

The plans are of kinds the real development set lacks (commune, ward, district and department plans, two-row
headers, column-number rows, tables continued across pages, lettered sub-tasks). Their gold is written by hand
below, row by row, beside the cells; nothing in it comes from the reader. Run from the repository root:
``.venv/bin/python tests/data/unseen/make_plans.py``.

Cell marks: ``^`` is the lower part of a vertically merged cell, ``>`` the right part of a horizontally merged
one, ``\\n`` separates paragraphs of a cell (joined by one space in the text form).
"""

from __future__ import annotations

import calendar
import json
import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

HERE = Path(__file__).resolve().parent


def once(due: str, start: str | None = None, label: str | None = None) -> dict:
    m = {"kind": "once", "due": due}
    if start:
        m["start"] = start
    if label:
        m["label"] = label
    return m


def monthly(year: int, day: int | None = None) -> dict:
    return {"kind": "recurring", "occurrences": [
        f"{year}-{m:02d}-{day or calendar.monthrange(year, m)[1]:02d}" for m in range(1, 13)]}


def quarterly(year: int, day: int | None = None) -> dict:
    return {"kind": "recurring", "occurrences": [
        f"{year}-{m:02d}-{day or calendar.monthrange(year, m)[1]:02d}" for m in (3, 6, 9, 12)]}


def recurring(*dates: str) -> dict:
    return {"kind": "recurring", "occurrences": list(dates)}


def kind(name: str, label: str | None = None) -> dict:
    return {"kind": name, **({"label": label} if label else {})}


def sec(label: str, title: str, style: str = "stt", level: int = 0) -> dict:
    """A section row. style: ``stt`` number in the first cell and the title merged over the rest; ``full`` one
    cell across the table reading "I. TITLE"; ``two`` one cell across the table with the number and the title as
    two paragraphs; ``plain`` number and title cells followed by empty cells (no merge)."""
    return {"sec": label, "title": title, "style": style, "level": level}


def task(cells: list[str], lead: list[str], support: list[str], ms: list[dict], note: str | None = None,
         level: int | None = None, deadline_text: str | None = None) -> dict:
    """A task row; ``level`` closes the nested sections deeper than it (a task that follows sub-groups);
    ``deadline_text`` is the deadline the task's own text gives when its deadline cell is empty."""
    return {"cells": cells, "lead": lead, "support": support, "ms": ms, "note": note, "level": level,
            "deadline_text": deadline_text}


# --- 1. A commune's administrative reform plan for 2026 --------------------------------------------------------
XA_CCHC = {
    "name": "u1-xa-hoang-tien-cchc-2026",
    "title": "Kế hoạch cải cách hành chính năm 2026 của UBND xã Hoằng Tiến (Phụ lục: Nhiệm vụ cụ thể)",
    "issuer": "UBND xã Hoằng Tiến", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026 CỦA UBND XÃ HOẰNG TIẾN",
                "(Kèm theo Kế hoạch số 215/KH-UBND ngày 22/12/2025 của UBND xã Hoằng Tiến)"],
    "tables": [{
        "header": [["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
                    "Sản phẩm"]],
        "rows": [
            sec("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"),
            task(["1", "Xây dựng, ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2026 của UBND xã",
                  "Văn phòng HĐND và UBND xã", "Các ban, ngành, đoàn thể xã", "Trước ngày 31/01/2026",
                  "Kế hoạch"],
                 ["Văn phòng HĐND và UBND xã"], ["Các ban, ngành, đoàn thể xã"], [once("2026-01-30")]),
            task(["2", "Thực hiện chế độ báo cáo định kỳ về công tác cải cách hành chính gửi UBND tỉnh (qua Sở Nội vụ)",
                  "Văn phòng HĐND và UBND xã", "Các bộ phận chuyên môn thuộc UBND xã",
                  "Hằng quý (trước ngày 15 của tháng cuối quý)", "Báo cáo quý, 6 tháng, năm"],
                 ["Văn phòng HĐND và UBND xã"], ["Các bộ phận chuyên môn thuộc UBND xã"], [quarterly(2026, 14)]),
            task(["3", "Kiểm tra công tác cải cách hành chính tại các bộ phận chuyên môn và các thôn",
                  "Chủ tịch UBND xã", "Văn phòng HĐND và UBND xã; Công chức Tư pháp – Hộ tịch", "Quý III/2026",
                  "Thông báo kết quả kiểm tra"],
                 ["Chủ tịch UBND xã"], ["Văn phòng HĐND và UBND xã", "Công chức Tư pháp – Hộ tịch"],
                 [once("2026-09-30")]),
            task(["4", "Tổ chức thực hiện các văn bản chỉ đạo, hướng dẫn của cấp trên về cải cách hành chính",
                  "Văn phòng HĐND và UBND xã", "Các bộ phận có liên quan",
                  "Trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản", "Văn bản triển khai"],
                 ["Văn phòng HĐND và UBND xã"], ["Các bộ phận có liên quan"], [kind("on_event")]),
            sec("II", "CẢI CÁCH THỂ CHẾ"),
            task(["1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND xã ban hành",
                  "Công chức Tư pháp – Hộ tịch", "Các bộ phận chuyên môn thuộc UBND xã",
                  "- Rà soát: Thường xuyên\n- Báo cáo kết quả: trước ngày 15/11/2026", "Báo cáo kết quả rà soát"],
                 ["Công chức Tư pháp – Hộ tịch"], ["Các bộ phận chuyên môn thuộc UBND xã"],
                 [kind("continuous", "Rà soát"), once("2026-11-14", label="Báo cáo kết quả")]),
            task(["2", "Tuyên truyền, phổ biến, giáo dục pháp luật cho cán bộ, công chức và Nhân dân trên địa bàn xã",
                  "Công chức Tư pháp – Hộ tịch",
                  "- Ủy ban MTTQ Việt Nam xã;\n- Các đoàn thể chính trị - xã hội xã;\n- Trưởng các thôn.",
                  "Thường xuyên", "Hội nghị, tài liệu tuyên truyền"],
                 ["Công chức Tư pháp – Hộ tịch"],
                 ["Ủy ban MTTQ Việt Nam xã", "Các đoàn thể chính trị - xã hội xã", "Trưởng các thôn"],
                 [kind("continuous")]),
            sec("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
            task(["1", "Niêm yết, công khai đầy đủ, kịp thời thủ tục hành chính tại Trung tâm Phục vụ hành chính "
                  "công xã và trên Trang thông tin điện tử của xã", "Trung tâm Phục vụ hành chính công xã",
                  "Văn phòng HĐND và UBND xã",
                  "Ngay sau khi có Quyết định công bố thủ tục hành chính của Chủ tịch UBND tỉnh", ""],
                 ["Trung tâm Phục vụ hành chính công xã"], ["Văn phòng HĐND và UBND xã"], [kind("on_event")]),
            task(["2", "Tiếp nhận, giải quyết và trả kết quả thủ tục hành chính đúng hạn; tỷ lệ hồ sơ trực tuyến "
                  "toàn trình đạt từ 60% trở lên", "Trung tâm Phục vụ hành chính công xã",
                  "Công chức Tư pháp – Hộ tịch, Công chức Địa chính - Xây dựng, Công an xã",
                  "Thường xuyên; báo cáo kết quả hằng tháng", "Báo cáo tháng"],
                 ["Trung tâm Phục vụ hành chính công xã"],
                 ["Công chức Tư pháp – Hộ tịch", "Công chức Địa chính - Xây dựng", "Công an xã"],
                 [kind("continuous"), {**monthly(2026), "label": "báo cáo kết quả"}]),
            task(["3", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
                  "Văn phòng HĐND và UBND xã", "Các bộ phận có liên quan",
                  "Chậm nhất 10 ngày làm việc kể từ ngày nhận được phản ánh, kiến nghị", ""],
                 ["Văn phòng HĐND và UBND xã"], ["Các bộ phận có liên quan"], [kind("on_event")]),
            sec("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY VÀ CÔNG VỤ"),
            task(["1", "Rà soát, kiện toàn tổ chức bộ máy các cơ quan chuyên môn thuộc UBND xã",
                  "Văn phòng HĐND và UBND xã", "Phòng Kinh tế; Phòng Văn hóa - Xã hội",
                  "Theo hướng dẫn của UBND tỉnh", "Quyết định kiện toàn"],
                 ["Văn phòng HĐND và UBND xã"], ["Phòng Kinh tế", "Phòng Văn hóa - Xã hội"],
                 [kind("by_reference")]),
            task(["2", "Đánh giá, xếp loại chất lượng cán bộ, công chức năm 2026", "Văn phòng HĐND và UBND xã",
                  "Các cơ quan chuyên môn thuộc UBND xã", "Tháng 12/2026", "Quyết định xếp loại"],
                 ["Văn phòng HĐND và UBND xã"], ["Các cơ quan chuyên môn thuộc UBND xã"], [once("2026-12-31")]),
            sec("V", "XÂY DỰNG CHÍNH QUYỀN SỐ"),
            task(["1", "Triển khai Đề án 06 trên địa bàn xã; làm sạch dữ liệu dân cư", "Công an xã",
                  "Công chức Tư pháp – Hộ tịch; Trưởng các thôn", "Định kỳ hằng tháng, báo cáo trước ngày 20",
                  "Báo cáo tháng"],
                 ["Công an xã"], ["Công chức Tư pháp – Hộ tịch", "Trưởng các thôn"], [monthly(2026, 19)],
                 "Read as one monthly report due before the 20th (the 19th), as `trước ngày 15 của tháng` in the "
                 "contract."),
            task(["2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
                  "Trung tâm Phục vụ hành chính công xã", "Văn phòng HĐND và UBND xã", "Quý II/2026",
                  "Dữ liệu số hóa"],
                 ["Trung tâm Phục vụ hành chính công xã"], ["Văn phòng HĐND và UBND xã"], [once("2026-06-30")]),
        ],
    }],
}

# --- 2. A ward's digital transformation plan: header over two rows, column numbers, header repeated ------------
PHUONG_CDS = {
    "name": "u2-phuong-hac-thanh-chuyen-doi-so-2026",
    "title": "Kế hoạch chuyển đổi số năm 2026 của UBND phường Hạc Thành (Phụ lục: Danh mục nhiệm vụ)",
    "issuer": "UBND phường Hạc Thành", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026 TRÊN ĐỊA BÀN PHƯỜNG HẠC THÀNH",
                "(Kèm theo Kế hoạch số 18/KH-UBND ngày 15/01/2026 của UBND phường Hạc Thành)"],
    "tables": [{
        "header": [["TT", "Nhiệm vụ", "Cơ quan thực hiện", ">", "Thời gian thực hiện", "Kết quả/sản phẩm"],
                   ["^", "^", "Chủ trì", "Phối hợp", "^", "^"],
                   ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]],
        "rows": [
            sec("I", "PHÁT TRIỂN HẠ TẦNG SỐ", "full"),
            task(["1", "Phát triển hạ tầng mạng di động 5G, phủ sóng đến 100% tổ dân phố",
                  "Phòng Kinh tế, Hạ tầng và Đô thị", "Viettel Thanh Hóa, VNPT Thanh Hóa, MobiFone Thanh Hóa",
                  "Năm 2026", "Trạm BTS 5G"],
                 ["Phòng Kinh tế, Hạ tầng và Đô thị"], ["Viettel Thanh Hóa", "VNPT Thanh Hóa", "MobiFone Thanh Hóa"],
                 [once("2026-12-31")]),
            task(["2", "Nâng cấp mạng nội bộ (LAN), thiết bị đầu cuối của các cơ quan Đảng, chính quyền phường",
                  "Văn phòng HĐND và UBND phường", "Phòng Kinh tế, Hạ tầng và Đô thị",
                  "Quý II/2026; báo cáo trước 15/12/2026", "Hệ thống mạng LAN"],
                 ["Văn phòng HĐND và UBND phường"], ["Phòng Kinh tế, Hạ tầng và Đô thị"],
                 [once("2026-06-30"), once("2026-12-14", label="báo cáo")]),
            task(["3", "Lắp đặt hệ thống camera giám sát an ninh, trật tự tại các tuyến phố chính", "Công an phường",
                  "Phòng Kinh tế, Hạ tầng và Đô thị; các tổ dân phố", "Từ tháng 3/2026 đến tháng 9/2026",
                  "Hệ thống camera"],
                 ["Công an phường"], ["Phòng Kinh tế, Hạ tầng và Đô thị", "các tổ dân phố"],
                 [once("2026-09-30", start="2026-03-01")]),
            sec("II", "PHÁT TRIỂN CHÍNH QUYỀN SỐ", "full"),
            task(["1", "Vận hành Hệ thống quản lý văn bản và điều hành; 100% văn bản đi, đến được xử lý trên môi "
                  "trường mạng (trừ văn bản mật)", "Văn phòng HĐND và UBND phường",
                  "Các phòng, đơn vị thuộc UBND phường", "Thường xuyên", "Văn bản điện tử"],
                 ["Văn phòng HĐND và UBND phường"], ["Các phòng, đơn vị thuộc UBND phường"], [kind("continuous")]),
            task(["2", "Cung cấp dịch vụ công trực tuyến toàn trình; hướng dẫn người dân nộp hồ sơ trực tuyến",
                  "Trung tâm Phục vụ hành chính công phường", "Đoàn Thanh niên phường và các tổ dân phố",
                  "Định kỳ hằng quý", "Báo cáo quý"],
                 ["Trung tâm Phục vụ hành chính công phường"], ["Đoàn Thanh niên phường", "các tổ dân phố"],
                 [quarterly(2026)]),
            {"repeat_header": True},
            task(["3", "Xây dựng, cập nhật cơ sở dữ liệu hộ tịch, đất đai của phường",
                  "- Phòng Văn hóa - Xã hội (hộ tịch);\n- Phòng Kinh tế, Hạ tầng và Đô thị (đất đai).",
                  "Văn phòng Đăng ký đất đai tỉnh - Chi nhánh khu vực Hạc Thành", "6 tháng đầu năm 2026",
                  "Cơ sở dữ liệu"],
                 ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế, Hạ tầng và Đô thị"],
                 ["Văn phòng Đăng ký đất đai tỉnh - Chi nhánh khu vực Hạc Thành"],
                 [once("2026-06-30")],
                 "`6 tháng đầu năm 2026` is one period, due at its end with no start (as `Quý II/2026` is); "
                 "the scopes in brackets after the lead names are dropped."),
            sec("III", "PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ", "full"),
            task(["1", "Hỗ trợ hộ kinh doanh, tiểu thương tại các chợ thực hiện thanh toán không dùng tiền mặt",
                  "Phòng Kinh tế, Hạ tầng và Đô thị", "Ban Quản lý chợ; các ngân hàng thương mại trên địa bàn",
                  "Hằng tháng", "Số hộ kinh doanh được hỗ trợ"],
                 ["Phòng Kinh tế, Hạ tầng và Đô thị"], ["Ban Quản lý chợ", "các ngân hàng thương mại trên địa bàn"],
                 [monthly(2026)]),
            task(["2", "Triển khai mô hình \"Tổ công nghệ số cộng đồng\" tại 100% tổ dân phố",
                  "Phòng Văn hóa - Xã hội", "Đoàn Thanh niên phường, Hội Liên hiệp Phụ nữ phường",
                  "Trong vòng 30 ngày kể từ ngày Kế hoạch được ban hành", "Quyết định thành lập"],
                 ["Phòng Văn hóa - Xã hội"], ["Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ phường"],
                 [kind("on_event")]),
            sec("IV", "BẢO ĐẢM AN TOÀN THÔNG TIN MẠNG", "full"),
            task(["1", "Tổ chức tập huấn, diễn tập bảo đảm an toàn thông tin mạng cho cán bộ, công chức phường",
                  "Văn phòng HĐND và UBND phường", "Công an phường", "Quý III/2026", "Lớp tập huấn"],
                 ["Văn phòng HĐND và UBND phường"], ["Công an phường"], [once("2026-09-30")]),
            task(["2", "Báo cáo tình hình thực hiện Kế hoạch gửi UBND tỉnh (qua Sở Khoa học và Công nghệ)",
                  "Văn phòng HĐND và UBND phường", "Các phòng, đơn vị thuộc UBND phường", "Định kỳ 6 tháng, năm",
                  "Báo cáo"],
                 ["Văn phòng HĐND và UBND phường"], ["Các phòng, đơn vị thuộc UBND phường"],
                 [recurring("2026-06-30", "2026-12-31")]),
        ],
    }],
}

# --- 3. A department's work plan: 7 columns, a Ghi chú column with dates, table continued on a new page --------
SO_NOI_VU = {
    "name": "u3-so-noi-vu-thanh-hoa-2026",
    "title": "Kế hoạch công tác năm 2026 của Sở Nội vụ tỉnh Thanh Hóa (Phụ lục: Nhiệm vụ trọng tâm)",
    "issuer": "Sở Nội vụ tỉnh Thanh Hóa", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "NHIỆM VỤ TRỌNG TÂM NĂM 2026 CỦA SỞ NỘI VỤ",
                "(Kèm theo Kế hoạch số 12/KH-SNV ngày 08/01/2026 của Sở Nội vụ tỉnh Thanh Hóa)"],
    "tables": [{
        "header": [["STT", "Nội dung", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
                    "Ghi chú"]],
        "rows": [
            sec("I", "CÔNG TÁC CẢI CÁCH HÀNH CHÍNH", "two"),
            task(["1", "Tham mưu UBND tỉnh ban hành Kế hoạch cải cách hành chính tỉnh năm 2027",
                  "Kế hoạch của UBND tỉnh", "Phòng Cải cách hành chính", "Các phòng, đơn vị thuộc Sở",
                  "Trước ngày 20/12/2026", ""],
                 ["Phòng Cải cách hành chính"], ["Các phòng, đơn vị thuộc Sở"], [once("2026-12-19")]),
            task(["2", "Tổ chức xác định Chỉ số cải cách hành chính năm 2025 của các sở, ban, ngành, UBND các xã, "
                  "phường", "Quyết định công bố Chỉ số", "Phòng Cải cách hành chính",
                  "- Văn phòng Sở;\n- Thanh tra Sở;\n- Các sở, ban, ngành cấp tỉnh.", "Quý II/2026",
                  "Theo Quyết định số 1520/QĐ-UBND ngày 15/4/2025 của UBND tỉnh"],
                 ["Phòng Cải cách hành chính"], ["Văn phòng Sở", "Thanh tra Sở", "Các sở, ban, ngành cấp tỉnh"],
                 [once("2026-06-30")], "The date in the Ghi chú column is a document date, not a deadline."),
            task(["3", "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị, địa phương",
                  "- Kế hoạch kiểm tra;\n- Báo cáo kết quả kiểm tra.", "Phòng Cải cách hành chính",
                  "Văn phòng UBND tỉnh, Sở Tư pháp, Sở Khoa học và Công nghệ",
                  "- Kế hoạch kiểm tra: Quý I/2026\n- Báo cáo kết quả: chậm nhất 15 ngày sau khi kết thúc đợt kiểm tra",
                  ""],
                 ["Phòng Cải cách hành chính"], ["Văn phòng UBND tỉnh", "Sở Tư pháp", "Sở Khoa học và Công nghệ"],
                 [once("2026-03-31", label="Kế hoạch kiểm tra"), kind("on_event", "Báo cáo kết quả")]),
            task(["4", "Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính của Sở", "Báo cáo",
                  "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở",
                  "6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12)", ""],
                 ["Văn phòng Sở"], ["Các phòng, đơn vị thuộc Sở"], [recurring("2026-06-14", "2026-12-14")]),
            sec("II", "CÔNG TÁC TỔ CHỨC BỘ MÁY, BIÊN CHẾ", "two"),
            task(["1", "Thẩm định đề án vị trí việc làm của các cơ quan, đơn vị", "Văn bản thẩm định",
                  "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Các sở, ban, ngành; UBND các xã, phường",
                  "Trong thời hạn 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", ""],
                 ["Phòng Tổ chức, biên chế và tổ chức phi chính phủ"], ["Các sở, ban, ngành", "UBND các xã, phường"],
                 [kind("on_event")]),
            task(["2", "Tham mưu giao biên chế công chức, số lượng người làm việc năm 2027",
                  "Quyết định của UBND tỉnh", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Sở Tài chính",
                  "Tháng 11/2026", ""],
                 ["Phòng Tổ chức, biên chế và tổ chức phi chính phủ"], ["Sở Tài chính"], [once("2026-11-30")]),
        ],
    }, {
        "before": [],
        "header": [["STT", "Nội dung", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
                    "Ghi chú"]],
        "continued": True,
        "rows": [
            task(["3", "Thống kê, báo cáo số lượng, chất lượng cán bộ, công chức, viên chức", "Báo cáo thống kê",
                  "Phòng Công chức, viên chức", "Các cơ quan, đơn vị, địa phương", "Trước ngày 31/3/2026",
                  "Số liệu tính đến ngày 31/12/2025"],
                 ["Phòng Công chức, viên chức"], ["Các cơ quan, đơn vị, địa phương"], [once("2026-03-30")],
                 "The second Word table continues the first after a page break (header repeated); its rows stay "
                 "under section II. The Ghi chú date is not a deadline."),
            sec("III", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG", "two"),
            task(["1", "Tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm 2026", "Hội nghị",
                  "Ban Thi đua - Khen thưởng", "Văn phòng Sở", "Tháng 01/2027", ""],
                 ["Ban Thi đua - Khen thưởng"], ["Văn phòng Sở"], [once("2027-01-31")]),
            task(["2", "Thẩm định hồ sơ đề nghị khen thưởng của các cơ quan, đơn vị, địa phương", "Tờ trình",
                  "Ban Thi đua - Khen thưởng", "Các phòng chuyên môn thuộc Sở", "Thường xuyên", ""],
                 ["Ban Thi đua - Khen thưởng"], ["Các phòng chuyên môn thuộc Sở"], [kind("continuous")]),
            sec("IV", "CÔNG TÁC VĂN THƯ, LƯU TRỮ", "two"),
            task(["1", "Hướng dẫn, kiểm tra nghiệp vụ văn thư, lưu trữ tại các cơ quan, đơn vị",
                  "Báo cáo kết quả kiểm tra", "Trung tâm Lưu trữ lịch sử tỉnh", "Phòng Văn thư - Lưu trữ",
                  "Từ ngày 01/6/2026 đến hết ngày 30/9/2026", ""],
                 ["Trung tâm Lưu trữ lịch sử tỉnh"], ["Phòng Văn thư - Lưu trữ"],
                 [once("2026-09-30", start="2026-06-01")]),
            task(["2", "Thu thập tài liệu lưu trữ của các cơ quan, tổ chức thuộc nguồn nộp lưu",
                  "Biên bản giao nhận", "Trung tâm Lưu trữ lịch sử tỉnh",
                  "Các cơ quan, tổ chức thuộc nguồn nộp lưu", "Theo kế hoạch thu thập được phê duyệt", ""],
                 ["Trung tâm Lưu trữ lịch sử tỉnh"], ["Các cơ quan, tổ chức thuộc nguồn nộp lưu"],
                 [kind("by_reference")]),
            task(["3", "Báo cáo công tác văn thư, lưu trữ năm 2026", "Báo cáo", "Văn phòng Sở",
                  "Trung tâm Lưu trữ lịch sử tỉnh",
                  "Trước ngày 15/11/2026 (số liệu từ ngày 01/10/2025 đến ngày 30/9/2026)", ""],
                 ["Văn phòng Sở"], ["Trung tâm Lưu trữ lịch sử tỉnh"], [once("2026-11-14")],
                 "The bracket gives the period the figures cover, not a deadline."),
        ],
    }],
}

# --- 4. A district plan (2025): numbered groups with lettered sub-tasks, merged lead and deadline cells ---------
HUYEN_CCHC = {
    "name": "u4-huyen-nong-cong-cchc-2025",
    "title": "Kế hoạch cải cách hành chính năm 2025 của UBND huyện Nông Cống (Phụ lục)",
    "issuer": "UBND huyện Nông Cống", "plan_year": 2025,
    "heading": ["PHỤ LỤC", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025 CỦA UBND HUYỆN NÔNG CỐNG",
                "(Ban hành kèm theo Kế hoạch số 09/KH-UBND ngày 10/01/2025 của UBND huyện Nông Cống)"],
    "tables": [{
        "header": [["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]],
        "rows": [
            sec("I", "NHIỆM VỤ TRỌNG TÂM", "stt"),
            sec("1", "Cải cách thủ tục hành chính", "plain", level=1),
            task(["a", "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của UBND huyện",
                  "Văn phòng HĐND và UBND huyện", "Các phòng chuyên môn thuộc UBND huyện", "Trước ngày 30/6/2025"],
                 ["Văn phòng HĐND và UBND huyện"], ["Các phòng chuyên môn thuộc UBND huyện"], [once("2025-06-29")],
                 "Row 1 holds only a title over the lettered rows a–c: it is a section, not a task."),
            task(["b", "Công khai kết quả giải quyết hồ sơ thủ tục hành chính trên Cổng Dịch vụ công", "^",
                  "Bộ phận Một cửa huyện; UBND các xã, thị trấn", "Hằng tháng"],
                 ["Văn phòng HĐND và UBND huyện"], ["Bộ phận Một cửa huyện", "UBND các xã, thị trấn"],
                 [monthly(2025)]),
            task(["c", "Khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính",
                  "Phòng Nội vụ", "Văn phòng HĐND và UBND huyện", "Quý IV/2025"],
                 ["Phòng Nội vụ"], ["Văn phòng HĐND và UBND huyện"], [once("2025-12-31")]),
            sec("2", "Cải cách tổ chức bộ máy", "plain", level=1),
            task(["a", "Rà soát chức năng, nhiệm vụ của các phòng chuyên môn thuộc UBND huyện", "Phòng Nội vụ",
                  "Các phòng chuyên môn thuộc UBND huyện", "Quý I/2025"],
                 ["Phòng Nội vụ"], ["Các phòng chuyên môn thuộc UBND huyện"], [once("2025-03-31")]),
            task(["b", "Kiện toàn tổ chức các đơn vị sự nghiệp công lập thuộc UBND huyện", "^",
                  "Các đơn vị sự nghiệp công lập", "^"],
                 ["Phòng Nội vụ"], ["Các đơn vị sự nghiệp công lập"], [once("2025-03-31")]),
            task(["3", "Thực hiện chế độ báo cáo công tác cải cách hành chính định kỳ", "Phòng Nội vụ",
                  "Các phòng, ban, UBND các xã, thị trấn",
                  "Định kỳ quý, 6 tháng, 9 tháng, năm (trước ngày 10 của tháng cuối quý)"],
                 ["Phòng Nội vụ"], ["Các phòng, ban", "UBND các xã, thị trấn"], [quarterly(2025, 9)],
                 "Row 3 has a lead of its own: a task under I, after the groups 1 and 2. Support read as the group "
                 "`Các phòng, ban` and the named body `UBND các xã, thị trấn`.", level=1),
            sec("II", "NHIỆM VỤ THƯỜNG XUYÊN", "stt"),
            task(["1", "Tuyên truyền về cải cách hành chính trên Trang thông tin điện tử huyện và hệ thống truyền "
                  "thanh cơ sở", "Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện",
                  "Phòng Văn hóa và Thông tin", "Thường xuyên, hằng quý"],
                 ["Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện"], ["Phòng Văn hóa và Thông tin"],
                 [kind("continuous"), quarterly(2025)]),
            task(["2", "Kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính", "Phòng Nội vụ", "Thanh tra huyện",
                  "Theo Kế hoạch kiểm tra số 15/KH-UBND ngày 20/01/2025 của UBND huyện"],
                 ["Phòng Nội vụ"], ["Thanh tra huyện"], [kind("by_reference")]),
            task(["3", "Đánh giá, chấm điểm Chỉ số cải cách hành chính đối với UBND các xã, thị trấn",
                  "Phòng Nội vụ", "UBND các xã, thị trấn", "Tháng 12 hằng năm"],
                 ["Phòng Nội vụ"], ["UBND các xã, thị trấn"], [recurring("2025-12-31")]),
        ],
    }],
}

# --- 5. A commune's legal-education plan: deadline column before the agencies, bullet paragraphs, Ghi chú -------
XA_PBGDPL = {
    "name": "u5-xa-tan-ninh-pho-bien-phap-luat-2026",
    "title": "Kế hoạch phổ biến, giáo dục pháp luật năm 2026 của UBND xã Tân Ninh",
    "issuer": "UBND xã Tân Ninh", "plan_year": 2026,
    "heading": ["KẾ HOẠCH", "Phổ biến, giáo dục pháp luật; hòa giải ở cơ sở năm 2026",
                "(Kèm theo Kế hoạch số 07/KH-UBND ngày 12/01/2026 của UBND xã Tân Ninh)"],
    "tables": [{
        "header": [["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị chủ trì", "Đơn vị phối hợp",
                    "Ghi chú"]],
        "rows": [
            task(["1", "Xây dựng, ban hành Kế hoạch phổ biến, giáo dục pháp luật; hòa giải ở cơ sở năm 2026",
                  "Tháng 01/2026", "Công chức Tư pháp - Hộ tịch", "Văn phòng HĐND và UBND xã", ""],
                 ["Công chức Tư pháp - Hộ tịch"], ["Văn phòng HĐND và UBND xã"], [once("2026-01-31")]),
            task(["2", "Tổ chức Hội nghị phổ biến các luật mới được Quốc hội thông qua cho cán bộ, công chức xã "
                  "và Trưởng thôn", "Quý I và Quý III/2026", "Công chức Tư pháp - Hộ tịch",
                  "Ủy ban MTTQ Việt Nam xã và các đoàn thể chính trị - xã hội", ""],
                 ["Công chức Tư pháp - Hộ tịch"], ["Ủy ban MTTQ Việt Nam xã", "các đoàn thể chính trị - xã hội"],
                 [once("2026-03-31"), once("2026-09-30")],
                 "Two conferences: the year written once, after the second quarter, applies to both."),
            task(["3", "Hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam", "Ngày 09/11/2026",
                  "Công chức Tư pháp - Hộ tịch",
                  "Các ban, ngành, đoàn thể xã; các trường học trên địa bàn xã", ""],
                 ["Công chức Tư pháp - Hộ tịch"],
                 ["Các ban, ngành, đoàn thể xã", "các trường học trên địa bàn xã"], [once("2026-11-09")]),
            task(["4", "Phát thanh chuyên mục pháp luật trên hệ thống loa truyền thanh của xã", "02 kỳ/tháng",
                  "Công chức Văn hóa - Xã hội", "Công chức Tư pháp - Hộ tịch", ""],
                 ["Công chức Văn hóa - Xã hội"], ["Công chức Tư pháp - Hộ tịch"], [kind("recurring")],
                 "Twice a month; the days are not given, so the gold fixes only the kind."),
            task(["5", "Hòa giải ở cơ sở:\n- Kiện toàn các tổ hòa giải ở thôn;\n- Bồi dưỡng kỹ năng, nghiệp vụ cho "
                  "hòa giải viên.", "- Kiện toàn: Quý II/2026\n- Bồi dưỡng: Quý III/2026",
                  "Công chức Tư pháp - Hộ tịch", "Ủy ban MTTQ Việt Nam xã; Trưởng các thôn", ""],
                 ["Công chức Tư pháp - Hộ tịch"], ["Ủy ban MTTQ Việt Nam xã", "Trưởng các thôn"],
                 [once("2026-06-30", label="Kiện toàn"), once("2026-09-30", label="Bồi dưỡng")]),
            task(["6", "Xây dựng xã đạt chuẩn tiếp cận pháp luật năm 2026",
                  "Tự đánh giá: trước ngày 15/10/2026; đề nghị công nhận: tháng 11/2026",
                  "Công chức Tư pháp - Hộ tịch", "Các ban, ngành, đoàn thể xã", ""],
                 ["Công chức Tư pháp - Hộ tịch"], ["Các ban, ngành, đoàn thể xã"],
                 [once("2026-10-14", label="Tự đánh giá"), once("2026-11-30", label="đề nghị công nhận")]),
            task(["7", "Cung cấp thông tin, tài liệu pháp luật cho Nhân dân khi có yêu cầu",
                  "Trong thời hạn 03 ngày làm việc kể từ ngày nhận được yêu cầu", "Công chức Văn hóa - Xã hội",
                  "Công chức Tư pháp - Hộ tịch", ""],
                 ["Công chức Văn hóa - Xã hội"], ["Công chức Tư pháp - Hộ tịch"], [kind("on_event")]),
            task(["8", "Báo cáo kết quả công tác phổ biến, giáo dục pháp luật",
                  "6 tháng: trước ngày 15/6/2026; năm: trước ngày 15/11/2026", "Công chức Tư pháp - Hộ tịch",
                  "Các ban, ngành, đoàn thể xã", "Gửi Sở Tư pháp"],
                 ["Công chức Tư pháp - Hộ tịch"], ["Các ban, ngành, đoàn thể xã"],
                 [once("2026-06-14", label="6 tháng"), once("2026-11-14", label="năm")],
                 "Each report has its own dated day: two once milestones. `Gửi Sở Tư pháp` (Ghi chú) is not an "
                 "agency of the task."),
            task(["9", "Kiểm tra việc thực hiện công tác phổ biến, giáo dục pháp luật tại các thôn", "Hằng quý",
                  "Chủ tịch UBND xã", "Công chức Tư pháp - Hộ tịch", ""],
                 ["Chủ tịch UBND xã"], ["Công chức Tư pháp - Hộ tịch"], [quarterly(2026)]),
        ],
    }],
}

# --- 6. A whole commune plan as issued: motto table, prose, the task table, then the signature table -----------
XA_CDS = {
    "name": "u6-xa-dinh-tan-chuyen-doi-so-2026",
    "title": "Kế hoạch chuyển đổi số và thực hiện Đề án 06 năm 2026 của UBND xã Định Tân",
    "issuer": "UBND xã Định Tân", "plan_year": 2026,
    "motto": ["ỦY BAN NHÂN DÂN\nXÃ ĐỊNH TÂN\n\nSố: 32/KH-UBND",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nĐịnh Tân, ngày 20 tháng 01 năm 2026"],
    "heading": ["KẾ HOẠCH", "Chuyển đổi số và thực hiện Đề án 06 trên địa bàn xã Định Tân năm 2026"],
    "prose": ["Căn cứ Kế hoạch số 05/KH-UBND ngày 08/01/2026 của UBND tỉnh Thanh Hóa về chuyển đổi số năm 2026;",
              "UBND xã Định Tân ban hành Kế hoạch chuyển đổi số và thực hiện Đề án 06 năm 2026 như sau:",
              "I. MỤC ĐÍCH, YÊU CẦU",
              "1. Xác định rõ nhiệm vụ, thời gian hoàn thành và trách nhiệm của từng bộ phận, cá nhân.",
              "2. Gắn trách nhiệm người đứng đầu với kết quả chuyển đổi số của xã.",
              "II. NHIỆM VỤ CỤ THỂ",
              "(Có phụ lục chi tiết kèm theo)"],
    "after": ["III. TỔ CHỨC THỰC HIỆN",
              "Các bộ phận, đơn vị căn cứ nhiệm vụ được giao tổ chức thực hiện; định kỳ hằng quý báo cáo kết quả về "
              "UBND xã (qua Văn phòng HĐND và UBND xã) trước ngày 10 của tháng cuối quý để tổng hợp."],
    "signature": ["Nơi nhận:\n- UBND tỉnh (b/c);\n- Sở Khoa học và Công nghệ;\n- Như mục III;\n- Lưu: VT.",
                  "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\nLê Văn Hùng"],
    "tables": [{
        "header": [["TT", "Nội dung công việc", "Lãnh đạo phụ trách", "Bộ phận chủ trì tham mưu",
                    "Bộ phận phối hợp", "Thời gian hoàn thành"]],
        "rows": [
            sec("I", "NHIỆM VỤ CHUNG", "full"),
            task(["1", "Kiện toàn Ban Chỉ đạo chuyển đổi số, Tổ công tác triển khai Đề án 06 của xã",
                  "Chủ tịch UBND xã", "Văn phòng HĐND và UBND xã", "Công an xã", "Tháng 02/2026"],
                 ["Văn phòng HĐND và UBND xã"], ["Công an xã"], [once("2026-02-28")],
                 "`Lãnh đạo phụ trách` names the leader who oversees the task; the lead is the body that "
                 "prepares it (`Bộ phận chủ trì tham mưu`)."),
            task(["2", "Ban hành Kế hoạch tuyên truyền về chuyển đổi số năm 2026",
                  "Phó Chủ tịch UBND xã phụ trách văn hóa - xã hội", "Phòng Văn hóa - Xã hội",
                  "Văn phòng HĐND và UBND xã", "Chậm nhất ngày 15/3/2026"],
                 ["Phòng Văn hóa - Xã hội"], ["Văn phòng HĐND và UBND xã"], [once("2026-03-15")]),
            sec("II", "PHÁT TRIỂN CHÍNH QUYỀN SỐ", "full"),
            task(["1", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực đang lưu trữ tại xã",
                  "Phó Chủ tịch UBND xã", "Trung tâm Phục vụ hành chính công xã", "Các bộ phận chuyên môn",
                  "Hoàn thành trước 30/9/2026"],
                 ["Trung tâm Phục vụ hành chính công xã"], ["Các bộ phận chuyên môn"], [once("2026-09-29")]),
            task(["2", "Ký số 100% văn bản đi của UBND xã (trừ văn bản mật) trên Hệ thống quản lý văn bản và điều hành",
                  "Chủ tịch UBND xã", "Văn phòng HĐND và UBND xã", "Các phòng chuyên môn",
                  "Từ nay đến hết năm 2026"],
                 ["Văn phòng HĐND và UBND xã"], ["Các phòng chuyên môn"], [once("2026-12-31")],
                 "`Từ nay` names no day: due at the end of 2026, no start."),
            task(["3", "Cập nhật, làm sạch dữ liệu dân cư; đồng bộ dữ liệu hộ tịch lên Cơ sở dữ liệu quốc gia về "
                  "dân cư",
                  "Phó Chủ tịch UBND xã", "Công an xã", "Trưởng các thôn, Tổ công nghệ số cộng đồng",
                  "Trước ngày 25 hằng tháng"],
                 ["Công an xã"], ["Trưởng các thôn", "Tổ công nghệ số cộng đồng"], [monthly(2026, 24)]),
            sec("III", "PHÁT TRIỂN KINH TẾ SỐ, XÃ HỘI SỐ", "full"),
            task(["1", "Phát triển thanh toán không dùng tiền mặt tại chợ, trường học, trạm y tế",
                  "Phó Chủ tịch UBND xã phụ trách kinh tế", "Phòng Kinh tế",
                  "Bưu điện văn hóa xã; Hợp tác xã dịch vụ nông nghiệp", "Tháng 6 và tháng 12/2026"],
                 ["Phòng Kinh tế"], ["Bưu điện văn hóa xã", "Hợp tác xã dịch vụ nông nghiệp"],
                 [once("2026-06-30"), once("2026-12-31")],
                 "Two reviews; the year is written once, after the second month."),
            task(["2", "Hướng dẫn người dân kích hoạt, sử dụng tài khoản định danh điện tử VNeID mức độ 2",
                  "Phó Chủ tịch UBND xã", "Công an xã",
                  "Đoàn Thanh niên xã; Hội Liên hiệp Phụ nữ xã; Hội Cựu chiến binh xã", "Thường xuyên, liên tục"],
                 ["Công an xã"], ["Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã", "Hội Cựu chiến binh xã"],
                 [kind("continuous")]),
            sec("IV", "CHẾ ĐỘ BÁO CÁO", "full"),
            task(["1", "Báo cáo kết quả thực hiện chuyển đổi số gửi UBND tỉnh (qua Sở Khoa học và Công nghệ)",
                  "Chủ tịch UBND xã", "Văn phòng HĐND và UBND xã", "Các bộ phận có liên quan",
                  "Định kỳ 6 tháng (trước ngày 15/6), năm (trước ngày 15/12)"],
                 ["Văn phòng HĐND và UBND xã"], ["Các bộ phận có liên quan"],
                 [recurring("2026-06-14", "2026-12-14")]),
            task(["2", "Sơ kết, đánh giá việc thực hiện Đề án 06", "Chủ tịch UBND xã", "Công an xã",
                  "Các ban, ngành, đoàn thể xã", "Khi có yêu cầu của cấp trên"],
                 ["Công an xã"], ["Các ban, ngành, đoàn thể xã"], [kind("on_event")]),
        ],
    }],
}

# --- 7. A department plan: one "Đơn vị thực hiện" column with role labels, A./I./1. nesting, a money column ------
SO_KHCN = {
    "name": "u7-so-khcn-thanh-hoa-2026",
    "title": "Kế hoạch triển khai nhiệm vụ khoa học, công nghệ, đổi mới sáng tạo năm 2026 của Sở Khoa học và "
             "Công nghệ tỉnh Thanh Hóa (Phụ lục)",
    "issuer": "Sở Khoa học và Công nghệ tỉnh Thanh Hóa", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "DANH MỤC NHIỆM VỤ NĂM 2026",
                "(Kèm theo Kế hoạch số 25/KH-SKHCN ngày 16/01/2026 của Sở Khoa học và Công nghệ tỉnh Thanh Hóa)"],
    "tables": [{
        "header": [["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Tiến độ", "Kinh phí (triệu đồng)"]],
        "rows": [
            sec("A.", "NHIỆM VỤ CHUNG"),
            task(["1.", "Xây dựng Kế hoạch kiểm tra hoạt động khoa học và công nghệ năm 2026",
                  "- Chủ trì: Thanh tra Sở;\n- Phối hợp: các phòng, đơn vị thuộc Sở.", "Quý I/2026", ""],
                 ["Thanh tra Sở"], ["các phòng, đơn vị thuộc Sở"], [once("2026-03-31")]),
            task(["2.", "Rà soát, đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2027",
                  "Phòng Quản lý khoa học chủ trì, phối hợp với Hội đồng khoa học và công nghệ tỉnh",
                  "Trước 30/6/2026", "150"],
                 ["Phòng Quản lý khoa học"], ["Hội đồng khoa học và công nghệ tỉnh"], [once("2026-06-29")]),
            sec("B.", "NHIỆM VỤ CỤ THỂ"),
            sec("I", "Phát triển hạ tầng và dữ liệu số", level=1),
            sec("1.", "Hạ tầng số", "plain", level=2),
            task(["1.1", "Nâng cấp Trung tâm dữ liệu tỉnh, bảo đảm dự phòng và an toàn thông tin",
                  "Chủ trì: Trung tâm Chuyển đổi số và Công nghệ thông tin; Phối hợp: Công an tỉnh, Viettel "
                  "Thanh Hóa", "Năm 2026", "Năm 2026: 3.500"],
                 ["Trung tâm Chuyển đổi số và Công nghệ thông tin"], ["Công an tỉnh", "Viettel Thanh Hóa"],
                 [once("2026-12-31")], "The year in the money column is not a deadline."),
            task(["1.2", "Phủ sóng di động 4G/5G đến 100% thôn, bản vùng sâu, vùng xa",
                  "Chủ trì: Các doanh nghiệp viễn thông; Phối hợp: UBND các xã, phường",
                  "Quý II - Quý IV/2026", ""],
                 ["Các doanh nghiệp viễn thông"], ["UBND các xã, phường"],
                 [once("2026-12-31", start="2026-04-01")]),
            sec("2.", "Dữ liệu số", "plain", level=2),
            task(["2.1", "Xây dựng cơ sở dữ liệu khoa học và công nghệ của tỉnh",
                  "Chủ trì: Trung tâm Thông tin và Thống kê khoa học và công nghệ", "Tháng 10 - 11/2026", "800"],
                 ["Trung tâm Thông tin và Thống kê khoa học và công nghệ"], [],
                 [once("2026-11-30", start="2026-10-01")]),
            task(["2.2", "Cập nhật dữ liệu chỉ số đổi mới sáng tạo cấp tỉnh (PII)",
                  "Chủ trì: Phòng Quản lý công nghệ và Đổi mới sáng tạo; Phối hợp: Cục Thống kê tỉnh",
                  "Hằng năm, trước ngày 15/11", ""],
                 ["Phòng Quản lý công nghệ và Đổi mới sáng tạo"], ["Cục Thống kê tỉnh"],
                 [recurring("2026-11-14")]),
            sec("II", "Tổ chức thực hiện", level=1),
            task(["1.", "Tổng hợp, báo cáo kết quả thực hiện Kế hoạch",
                  "Chủ trì: Văn phòng Sở; Phối hợp: các phòng, đơn vị thuộc Sở",
                  "Báo cáo 6 tháng: trước ngày 10/6/2026; báo cáo năm: trước ngày 10/11/2026", ""],
                 ["Văn phòng Sở"], ["các phòng, đơn vị thuộc Sở"],
                 [once("2026-06-09", label="Báo cáo 6 tháng"), once("2026-11-09", label="báo cáo năm")]),
            task(["2.", "Báo cáo thống kê cơ sở về khoa học và công nghệ", "Chủ trì: Văn phòng Sở",
                  "Định kỳ 6 tháng, năm (trước ngày 10/6 và 10/12)", ""],
                 ["Văn phòng Sở"], [], [recurring("2026-06-09", "2026-12-09")]),
        ],
    }],
}

# --- 8. A ward's work plan naming people: leader and officer columns, start and end columns, numbers 01, 02 -----
PHUONG_VTLT = {
    "name": "u8-phuong-sam-son-van-thu-luu-tru-2026",
    "title": "Kế hoạch công tác văn thư, lưu trữ năm 2026 của UBND phường Sầm Sơn",
    "issuer": "UBND phường Sầm Sơn", "plan_year": 2026,
    "heading": ["KẾ HOẠCH", "Công tác văn thư, lưu trữ năm 2026",
                "(Kèm theo Kế hoạch số 11/KH-UBND ngày 14/01/2026 của UBND phường Sầm Sơn)"],
    "tables": [{
        "header": [["TT", "Nội dung công việc", "Lãnh đạo phụ trách", "Công chức tham mưu", "Đơn vị/cá nhân phối hợp",
                    "Thời gian bắt đầu", "Thời gian kết thúc"]],
        "deadline": 6,
        "rows": [
            task(["01", "Ban hành Danh mục hồ sơ năm 2026 của UBND phường", "Chủ tịch UBND phường",
                  "Đ/c Lê Thị Hà - Công chức Văn phòng - Thống kê", "Các phòng chuyên môn thuộc UBND phường",
                  "02/01/2026", "31/01/2026"],
                 ["Đ/c Lê Thị Hà - Công chức Văn phòng - Thống kê"], ["Các phòng chuyên môn thuộc UBND phường"],
                 [once("2026-01-31")],
                 "The lead is the officer who prepares the task (`Công chức tham mưu`), kept whole with her "
                 "position; the leader column is not the lead."),
            task(["02", "Lập hồ sơ điện tử và nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan", "Phó Chủ tịch UBND phường",
                  "Đ/c Lê Thị Hà - Công chức Văn phòng - Thống kê",
                  "- Đ/c Phạm Văn Tùng, Công chức Tư pháp - Hộ tịch;\n- Đ/c Hoàng Thị Mai, Công chức Văn hóa - Xã hội",
                  "01/3/2026", "Trước ngày 30/6/2026"],
                 ["Đ/c Lê Thị Hà - Công chức Văn phòng - Thống kê"],
                 ["Đ/c Phạm Văn Tùng, Công chức Tư pháp - Hộ tịch", "Đ/c Hoàng Thị Mai, Công chức Văn hóa - Xã hội"],
                 [once("2026-06-29")], "The start column is not the deadline."),
            task(["03", "Chỉnh lý tài liệu tồn đọng giai đoạn 2015 - 2025", "Phó Chủ tịch UBND phường",
                  "Công chức Văn phòng - Thống kê", "Trung tâm Lưu trữ lịch sử tỉnh", "Quý II/2026", "Quý IV/2026"],
                 ["Công chức Văn phòng - Thống kê"], ["Trung tâm Lưu trữ lịch sử tỉnh"], [once("2026-12-31")],
                 "`giai đoạn 2015 - 2025` in the content names the papers, not a deadline."),
            task(["04", "Kiểm tra việc lập hồ sơ công việc tại các bộ phận", "Chủ tịch UBND phường",
                  "Công chức Văn phòng - Thống kê", "Các bộ phận chuyên môn", "", "Hằng quý"],
                 ["Công chức Văn phòng - Thống kê"], ["Các bộ phận chuyên môn"], [quarterly(2026)]),
            task(["05", "Báo cáo thống kê cơ sở công tác văn thư, lưu trữ năm 2026 gửi Sở Nội vụ",
                  "Chủ tịch UBND phường", "Công chức Văn phòng - Thống kê", "", "", "Trước ngày 15/12/2026"],
                 ["Công chức Văn phòng - Thống kê"], [], [once("2026-12-14")]),
            task(["06", "Báo cáo kết quả công tác văn thư, lưu trữ", "Chủ tịch UBND phường",
                  "Công chức Văn phòng - Thống kê", "Các bộ phận chuyên môn", "",
                  "6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12)"],
                 ["Công chức Văn phòng - Thống kê"], ["Các bộ phận chuyên môn"],
                 [recurring("2026-06-14", "2026-12-14")]),
            task(["07", "Tiêu hủy tài liệu hết giá trị theo quy định", "Chủ tịch UBND phường",
                  "Công chức Văn phòng - Thống kê", "Hội đồng xác định giá trị tài liệu phường", "",
                  "Sau khi có ý kiến thẩm định của Sở Nội vụ"],
                 ["Công chức Văn phòng - Thống kê"], ["Hội đồng xác định giá trị tài liệu phường"],
                 [kind("on_event")]),
        ],
    }],
}

# --- 9. A ward's inspection plan: "Thời gian thực hiện" over "Bắt đầu | Hoàn thành", merged across two rows -------
PHUONG_KIEM_TRA = {
    "name": "u9-phuong-ham-rong-kiem-tra-cong-vu-2026",
    "title": "Kế hoạch kiểm tra công vụ, kỷ luật, kỷ cương hành chính năm 2026 của UBND phường Hàm Rồng",
    "issuer": "UBND phường Hàm Rồng", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "LỊCH KIỂM TRA CÔNG VỤ NĂM 2026",
                "(Kèm theo Kế hoạch số 20/KH-UBND ngày 19/01/2026 của UBND phường Hàm Rồng)"],
    "tables": [{
        "header": [["TT", "Nội dung kiểm tra", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", ">"],
                   ["^", "^", "^", "^", "Bắt đầu", "Hoàn thành"]],
        "deadline": 5,
        "rows": [
            task(["1", "Kiểm tra việc chấp hành giờ giấc làm việc, văn hóa công sở", "Văn phòng HĐND và UBND phường",
                  "Công an phường", "Tháng 01/2026", "Tháng 12/2026"],
                 ["Văn phòng HĐND và UBND phường"], ["Công an phường"], [once("2026-12-31")],
                 "`Bắt đầu` is the start column under the merged `Thời gian thực hiện`; the deadline is "
                 "`Hoàn thành`."),
            task(["2", "Kiểm tra việc giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công phường",
                  "Văn phòng HĐND và UBND phường", "Trung tâm Phục vụ hành chính công phường", "Quý II/2026",
                  "Quý III/2026"],
                 ["Văn phòng HĐND và UBND phường"], ["Trung tâm Phục vụ hành chính công phường"],
                 [once("2026-09-30")]),
            task(["3", "Kiểm tra đột xuất theo phản ánh, kiến nghị của người dân", "Chủ tịch UBND phường",
                  "Các phòng chuyên môn", "", "Trong vòng 03 ngày làm việc kể từ ngày nhận được phản ánh"],
                 ["Chủ tịch UBND phường"], ["Các phòng chuyên môn"], [kind("on_event")]),
            task(["4", "Tổng hợp, báo cáo kết quả kiểm tra công vụ gửi Sở Nội vụ", "Văn phòng HĐND và UBND phường",
                  "", "", "Trước ngày 10/12/2026"],
                 ["Văn phòng HĐND và UBND phường"], [], [once("2026-12-09")]),
        ],
    }],
}

# --- 10. A province's plan: companies among the agencies, deadlines written in the task, duty words in a cell ---
TINH_HA_TANG_SO = {
    "name": "u10-tinh-thanh-hoa-ha-tang-so-2026",
    "title": "Kế hoạch phát triển hạ tầng số và chính quyền số năm 2026 của UBND tỉnh Thanh Hóa (Phụ lục)",
    "issuer": "UBND tỉnh Thanh Hóa", "plan_year": 2026,
    "heading": ["PHỤ LỤC", "NHIỆM VỤ PHÁT TRIỂN HẠ TẦNG SỐ VÀ CHÍNH QUYỀN SỐ NĂM 2026",
                "(Kèm theo Kế hoạch số 48/KH-UBND ngày 05/02/2026 của UBND tỉnh Thanh Hóa)"],
    "tables": [{
        "header": [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"]],
        "rows": [
            sec("I", "PHÁT TRIỂN HẠ TẦNG SỐ"),
            task(["1", "Phủ sóng di động 4G, 5G tại các thôn, bản còn vùng lõm sóng", "Sở Khoa học và Công nghệ",
                  "VNPT Thanh Hóa, Bưu điện tỉnh, Viettel Thanh Hóa", "Tháng 12/2026", "Báo cáo kết quả"],
                 ["Sở Khoa học và Công nghệ"], ["VNPT Thanh Hóa", "Bưu điện tỉnh", "Viettel Thanh Hóa"],
                 [once("2026-12-31")], "Three companies and a state-owned post office, one name each."),
            task(["2", "Ngầm hóa, chỉnh trang mạng cáp viễn thông trên các tuyến phố chính, hoàn thành trước ngày "
                  "30/6/2026", "Sở Xây dựng", "Các doanh nghiệp viễn thông, Bưu điện", "", "Tuyến cáp ngầm hóa"],
                 ["Sở Xây dựng"], ["Các doanh nghiệp viễn thông", "Bưu điện"], [once("2026-06-29")],
                 "No deadline cell: the deadline is the one written at the end of the task.",
                 deadline_text="hoàn thành trước ngày 30/6/2026"),
            task(["3", "Triển khai điểm phục vụ bưu chính công cộng kết hợp hỗ trợ dịch vụ công trực tuyến tại các "
                  "xã (thời gian: Quý III/2026)", "Bưu điện tỉnh", "UBND các xã, phường", "", ""],
                 ["Bưu điện tỉnh"], ["UBND các xã, phường"], [once("2026-09-30")],
                 deadline_text="Quý III/2026"),
            sec("II", "PHÁT TRIỂN CHÍNH QUYỀN SỐ"),
            task(["1", "Tham mưu ban hành Quy chế vận hành Hệ thống thông tin giải quyết thủ tục hành chính tỉnh. "
                  "Thời hạn: tháng 10/2026", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ, Sở Tư pháp", "",
                  "Quyết định của UBND tỉnh"],
                 ["Văn phòng UBND tỉnh"], ["Sở Khoa học và Công nghệ", "Sở Tư pháp"], [once("2026-10-31")],
                 deadline_text="tháng 10/2026"),
            task(["2", "Triển khai Nghị định số 45/2026/NĐ-CP ngày 20/02/2026 của Chính phủ về định danh điện tử, "
                  "báo cáo trước ngày 15/4/2026", "Công an tỉnh", "Viettel Thanh Hóa, MobiFone Thanh Hóa",
                  "Tháng 5/2026", "Báo cáo"],
                 ["Công an tỉnh"], ["Viettel Thanh Hóa", "MobiFone Thanh Hóa"], [once("2026-05-31")],
                 "The row has its deadline cell: the dates in the task are not read."),
            task(["3", "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực", "Văn phòng UBND tỉnh",
                  "Các sở, ban, ngành cấp tỉnh", "Quý IV/2026", "Dữ liệu số hóa"],
                 ["Văn phòng UBND tỉnh"], ["Các sở, ban, ngành cấp tỉnh"], [once("2026-12-31")]),
            task(["4", "Làm sạch dữ liệu hộ tịch trên Cơ sở dữ liệu quốc gia về dân cư", "Sở Tư pháp",
                  "Công an tỉnh", "^", "Dữ liệu hộ tịch"],
                 ["Sở Tư pháp"], ["Công an tỉnh"], [once("2026-12-31")],
                 "The deadline cell is merged with the row above (in the text: left empty under it)."),
            task(["5", "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính",
                  "Sở Nội vụ chủ trì, phối hợp Sở Tư pháp", "", "Tháng 8/2026", "Quy trình nội bộ"],
                 ["Sở Nội vụ"], ["Sở Tư pháp"], [once("2026-08-31")]),
            task(["6", "Cập nhật thủ tục hành chính trên Cổng Dịch vụ công tỉnh", "Sở Tư pháp (chủ trì)",
                  "Sở Nội vụ, Văn phòng UBND tỉnh", "Thường xuyên", ""],
                 ["Sở Tư pháp"], ["Sở Nội vụ", "Văn phòng UBND tỉnh"], [kind("continuous")]),
            sec("III", "PHÁT TRIỂN KINH TẾ SỐ, XÃ HỘI SỐ"),
            task(["1", "Tổ chức hội nghị trực tuyến đến các xã, phường theo Quyết định số 1250/QĐ-UBND ngày "
                  "10/4/2026 của UBND tỉnh", "Văn phòng UBND tỉnh", "Các doanh nghiệp viễn thông", "", ""],
                 ["Văn phòng UBND tỉnh"], ["Các doanh nghiệp viễn thông"], [],
                 "No deadline anywhere (the first row of its section: nothing merged above); the date of a "
                 "decision is not a deadline."),
            task(["2", "Tuyên truyền, phổ biến thanh toán không dùng tiền mặt", "Sở Công Thương",
                  "Báo và Phát thanh, Truyền hình Thanh Hóa, các ngân hàng thương mại", "Hằng quý", ""],
                 ["Sở Công Thương"], ["Báo và Phát thanh, Truyền hình Thanh Hóa", "các ngân hàng thương mại"],
                 [quarterly(2026)], "A name holding a comma stays whole."),
            task(["3", "Hỗ trợ doanh nghiệp nhỏ và vừa, hợp tác xã chuyển đổi số", "Sở Khoa học và Công nghệ",
                  "Hiệp hội Doanh nghiệp tỉnh, Liên minh Hợp tác xã tỉnh", "Quý II/2026", ""],
                 ["Sở Khoa học và Công nghệ"], ["Hiệp hội Doanh nghiệp tỉnh", "Liên minh Hợp tác xã tỉnh"],
                 [once("2026-06-30")]),
        ],
    }],
}

# --- 11. A ministry's plan: one "Đơn vị thực hiện" column of duty sentences, deadlines in the task, "1." -------
BO_KHCN = {
    "name": "u11-bo-khcn-buu-chinh-2026",
    "title": "Kế hoạch triển khai nhiệm vụ bưu chính, viễn thông năm 2026 của Bộ Khoa học và Công nghệ (Phụ lục)",
    "issuer": "Bộ Khoa học và Công nghệ", "plan_year": 2026, "scope": "national",
    "heading": ["PHỤ LỤC", "DANH MỤC NHIỆM VỤ BƯU CHÍNH, VIỄN THÔNG NĂM 2026",
                "(Kèm theo Quyết định số 215/QĐ-BKHCN ngày 20/01/2026 của Bộ trưởng Bộ Khoa học và Công nghệ)"],
    "tables": [{
        "header": [["STT", "Nội dung nhiệm vụ", "Đơn vị thực hiện", "Thời gian hoàn thành", "Sản phẩm"]],
        "rows": [
            task(["1.", "Xây dựng Thông tư quy định chất lượng dịch vụ bưu chính công ích",
                  "Vụ Pháp chế chủ trì, phối hợp Cục Bưu điện Trung ương", "Quý II/2026", "Thông tư"],
                 ["Vụ Pháp chế"], ["Cục Bưu điện Trung ương"], [once("2026-06-30")]),
            task(["2.", "Quy hoạch kho số viễn thông giai đoạn 2026 - 2030",
                  "Cục Viễn thông (chủ trì); Vụ Kế hoạch - Tài chính, Văn phòng Bộ (phối hợp)", "Tháng 9/2026",
                  "Quyết định của Bộ trưởng"],
                 ["Cục Viễn thông"], ["Vụ Kế hoạch - Tài chính", "Văn phòng Bộ"], [once("2026-09-30")]),
            task(["3.", "Vận hành nền tảng giám sát chất lượng mạng di động", "Cục Chuyển đổi số quốc gia thực hiện",
                  "Thường xuyên", "Nền tảng vận hành"],
                 ["Cục Chuyển đổi số quốc gia"], [], [kind("continuous")]),
            task(["4.", "Kiểm tra an toàn thông tin mạng của các doanh nghiệp viễn thông",
                  "Cục An toàn thông tin chủ trì; các doanh nghiệp viễn thông, Tổng công ty Bưu điện Việt Nam "
                  "phối hợp", "Quý III/2026", "Báo cáo kiểm tra"],
                 ["Cục An toàn thông tin"], ["các doanh nghiệp viễn thông", "Tổng công ty Bưu điện Việt Nam"],
                 [once("2026-09-30")]),
            task(["5.", "Hướng dẫn các địa phương rà soát mạng bưu chính công cộng; báo cáo Bộ trưởng kết quả, "
                  "hoàn thành trước ngày 15/12/2026", "Cục Bưu điện Trung ương hướng dẫn, kiểm tra", "", ""],
                 ["Cục Bưu điện Trung ương"], [], [once("2026-12-14")],
                 deadline_text="hoàn thành trước ngày 15/12/2026"),
            task(["6.", "Tổng kết 5 năm thực hiện Chiến lược phát triển bưu chính",
                  "Văn phòng Bộ tham mưu; các cơ quan, đơn vị liên quan phối hợp", "Tháng 11/2026",
                  "Báo cáo tổng kết"],
                 ["Văn phòng Bộ"], ["các cơ quan, đơn vị liên quan"], [once("2026-11-30")]),
            task(["7.", "Tổ chức Diễn đàn hợp tác quốc tế về viễn thông (Thời hạn: Quý IV/2026)",
                  "Vụ Hợp tác quốc tế chủ trì, phối hợp VNPT, Viettel, MobiFone", "", "Diễn đàn"],
                 ["Vụ Hợp tác quốc tế"], ["VNPT", "Viettel", "MobiFone"], [once("2026-12-31")],
                 deadline_text="Quý IV/2026"),
            task(["8.", "Đánh giá chất lượng dịch vụ viễn thông công ích", "Viện Chiến lược Chuyển đổi số (chủ trì), "
                  "Trung tâm Thông tin (phối hợp)", "Tháng 10/2026", "Báo cáo đánh giá"],
                 ["Viện Chiến lược Chuyển đổi số"], ["Trung tâm Thông tin"], [once("2026-10-31")]),
            task(["9.", "Công bố danh sách doanh nghiệp viễn thông vi phạm chất lượng dịch vụ", "^", "^", "Danh sách"],
                 ["Viện Chiến lược Chuyển đổi số"], ["Trung tâm Thông tin"], [once("2026-10-31")],
                 "Agency and deadline cells merged with the row above."),
        ],
    }],
}

PLANS = [XA_CCHC, PHUONG_CDS, SO_NOI_VU, HUYEN_CCHC, XA_PBGDPL, XA_CDS, SO_KHCN, PHUONG_VTLT, PHUONG_KIEM_TRA,
         TINH_HA_TANG_SO, BO_KHCN]


def flat(text: str) -> str:
    return " ".join(p.strip() for p in text.split("\n"))


def text_row(cells: list[str]) -> str:
    return "\t".join("" if c in ("^", ">") else flat(c) for c in cells)


def section_cells(row: dict, width: int) -> list[str]:
    if row["style"] == "full":
        return [f"{row['sec']}. {row['title']}"]
    return [row["sec"], row["title"]] + [""] * (width - 2)


def write_text(plan: dict) -> None:
    lines = [*plan["heading"], ""]
    if plan.get("prose"):
        lines += [*plan["prose"], ""]
    for n, table in enumerate(plan["tables"]):
        if n:
            lines += ["", *table.get("before", []), *([""] if table.get("before") else [])]
        width = len(table["header"][0])
        header = [text_row(r) for r in table["header"]]
        lines += header
        for row in table["rows"]:
            if row.get("repeat_header"):
                lines += header
            elif "sec" in row:
                lines.append("\t".join(section_cells(row, width)))
            else:
                lines.append(text_row(row["cells"]))
    if plan.get("after"):
        lines += ["", *plan["after"]]
    (HERE / f"{plan['name']}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def repeat_on_every_page(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def fill(cell, text: str, bold: bool = False) -> None:
    parts = text.split("\n")
    cell.text = ""
    first = cell.paragraphs[0]
    for i, part in enumerate(parts):
        para = first if i == 0 else cell.add_paragraph()
        run = para.add_run(part)
        run.bold = bold


def merge_marks(table, grid: list[list[str]]) -> None:
    """Merge every ``>`` cell into the one on its left and every ``^`` cell into the one above it."""
    for r, cells in enumerate(grid):
        for c, mark in enumerate(cells):
            if mark == ">":
                left = c - 1
                while grid[r][left] == ">":
                    left -= 1
                table.cell(r, left).merge(table.cell(r, c))
    for c in range(len(grid[0])):
        for r in range(len(grid)):
            if grid[r][c] == "^":
                top = r - 1
                while grid[top][c] == "^":
                    top -= 1
                table.cell(top, c).merge(table.cell(r, c))


def add_table(document, table: dict) -> None:
    width = len(table["header"][0])
    grid: list[list[str]] = []
    kinds: list[str] = []
    for head in table["header"]:
        grid.append(head)
        kinds.append("header")
    for row in table["rows"]:
        if row.get("repeat_header"):
            for head in table["header"]:
                grid.append(head)
                kinds.append("again")
        elif "sec" in row:
            grid.append(row)
            kinds.append("sec")
        else:
            grid.append(row["cells"])
            kinds.append("task")
    word = document.add_table(rows=len(grid), cols=width)
    word.style = "Table Grid"
    flat_grid = []
    for r, (row, what) in enumerate(zip(grid, kinds, strict=True)):
        cells = word.rows[r].cells
        if what == "sec":
            flat_grid.append([""] * width)
            continue
        flat_grid.append(list(row))
        if what == "header":
            repeat_on_every_page(word.rows[r])
        for c, value in enumerate(row):
            if value not in ("^", ">"):
                fill(cells[c], value, bold=what in ("header", "again"))
    merge_marks(word, flat_grid)
    for r, (row, what) in enumerate(zip(grid, kinds, strict=True)):
        if what != "sec":
            continue
        cells = word.rows[r].cells
        if row["style"] == "plain":
            fill(cells[0], row["sec"], bold=True)
            fill(cells[1], row["title"], bold=True)
        elif row["style"] == "stt":
            fill(cells[0], row["sec"], bold=True)
            fill(cells[1].merge(cells[width - 1]), row["title"], bold=True)
        elif row["style"] == "two":
            fill(cells[0].merge(cells[width - 1]), f"{row['sec']}\n{row['title']}", bold=True)
        else:
            fill(cells[0].merge(cells[width - 1]), f"{row['sec']}. {row['title']}", bold=True)


def borderless(document, cells: list[str]) -> None:
    """A one-row table without borders, as plans set the motto above and the signature below."""
    table = document.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells, strict=True):
        fill(cell, text, bold=True)


def write_docx(plan: dict) -> None:
    document = docx.Document()
    if max(len(t["header"][0]) for t in plan["tables"]) >= 6:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    if plan.get("motto"):
        borderless(document, plan["motto"])
    for line in plan["heading"]:
        document.add_paragraph().add_run(line).bold = not line.startswith("(")
    for line in plan.get("prose", []):
        document.add_paragraph(line)
    for n, table in enumerate(plan["tables"]):
        if n:
            document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        add_table(document, table)
    for line in plan.get("after", []):
        document.add_paragraph(line)
    if plan.get("signature"):
        borderless(document, plan["signature"])
    document.save(HERE / f"{plan['name']}.docx")


def write_gold(plan: dict) -> None:
    sample = []
    path: list[str] = []
    for table in plan["tables"]:
        header_width = len(table["header"][0])
        deadline_col = table.get("deadline") or next(
            i for i, h in enumerate(table["header"][0]) if h.startswith(("Thời gian", "Tiến độ")))
        above: dict[int, str] = {}
        number = None
        for row in table["rows"]:
            if row.get("repeat_header"):
                continue
            if "sec" in row:
                path = [*path[: row["level"]], row["sec"]]
                continue
            if row["level"] is not None:
                path = path[: row["level"]]
            cells = row["cells"]
            assert len(cells) == header_width, cells
            for c, value in enumerate(cells):
                if value != "^":
                    above[c] = value
            number = cells[0] if cells[0] != "^" else number
            entry = {"section": " > ".join(path) or None, "number": number, "lead": row["lead"],
                     "support": row["support"],
                     "deadline_text": row["deadline_text"] or flat(above[deadline_col]),
                     "milestones": row["ms"]}
            if row["note"]:
                entry["note"] = row["note"]
            sample.append(entry)
    gold = {"source": "hand-made for hanchot (not a published document)", "title": plan["title"],
            "issuer": plan["issuer"], "plan_year": plan["plan_year"], **({"scope": plan["scope"]} if "scope" in plan
                                                                        else {}),
            "tasks": len(sample), "sample": sample}
    (HERE / f"{plan['name']}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")


def main(names: list[str]) -> None:
    """Every plan, or those named on the command line (their Word files are not rewritten needlessly)."""
    for plan in PLANS:
        if names and plan["name"] not in names:
            continue
        write_text(plan)
        write_docx(plan)
        write_gold(plan)


if __name__ == "__main__":
    main(sys.argv[1:])
