"""Text as offices still send it: UTF-8 (with or without BOM), UTF-16, Windows-1258, and the legacy Vietnamese font
encodings TCVN3 (ABC, the .VnTime fonts) and VNI, all turned into Unicode NFC.

Which encoding a text is in is decided by what reads as Vietnamese: each candidate decoding is scored by how many
common Vietnamese words with diacritics it yields, and the best one wins. Text that no candidate turns into
Vietnamese is refused with a message naming what was seen. The same scoring finds TCVN3 or VNI text inside Word,
OpenDocument and Excel files, whose runs typed in a legacy font hold the font's bytes as Windows-1252 characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from ingest.errors import NOT_A_DOCUMENT, ImportRefused

# TCVN 5712:1993 VN3 ("ABC"): ASCII plus 7 capitals without tone, 67 lowercase letters and a no-break space.
# Capitals with a tone are written with an all-capitals font (.VnTimeH) over the lowercase codes.
_TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"  # 0xA1–0xA7
_TCVN3_LOWER_PLAIN = "ăâêôơưđ"  # 0xA8–0xAE
# Each vowel's five toned forms in the order huyền, hỏi, ngã, sắc, nặng, at these codes:
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6), "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1), "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9), "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4), "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # huyền, hỏi, ngã, sắc, nặng


def _tcvn3_table() -> dict[int, str]:
    table = {0xA0: "\u00a0"}
    table.update({0xA1 + i: c for i, c in enumerate(_TCVN3_CAPITALS)})
    table.update({0xA8 + i: c for i, c in enumerate(_TCVN3_LOWER_PLAIN)})
    for vowel, codes in _TCVN3_TONED.items():
        for code, tone in zip(codes, _TONES, strict=True):
            table[code] = unicodedata.normalize("NFC", vowel + tone)
    return table


TCVN3 = _tcvn3_table()

# VNI-Windows: a letter followed by a mark character (the font draws them as one). The marks are Windows-1252
# characters; each series names its marks in the order: no tone, huyền, hỏi, ngã, sắc, nặng.
_VNI_PLAIN = ("", "ø", "û", "õ", "ù", "ï")  # a e o u y ơ ư with a tone only
_VNI_CIRCUMFLEX = ("â", "à", "å", "ã", "á", "ä")  # â ê ô
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # ă
# Letters that are one character on their own: ơ ư đ and the toned i, and ỵ.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, series, accent in [*((b, _VNI_PLAIN, "") for b in "aeouy"), ("ô", _VNI_PLAIN, "\u031b"),
                                 ("ö", _VNI_PLAIN, "\u031b"), *((b, _VNI_CIRCUMFLEX, "\u0302") for b in "aeo"),
                                 ("a", _VNI_BREVE, "\u0306")]:
        letter = {"ô": "o", "ö": "u"}.get(base, base)
        for mark, tone in zip(series, ("", *_TONES), strict=True):
            if not mark:
                continue
            text = unicodedata.normalize("NFC", letter + accent + tone)
            table[base + mark] = text
            table[base.upper() + mark.upper()] = text.upper()
            table[base.upper() + mark] = text.upper()  # a capital letter typed with the lowercase mark
    for code, letter in _VNI_SINGLE.items():
        table[code] = letter
        table[code.upper()] = letter.upper()
    return table


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))

# Common words of plans; only those with a diacritic count: ASCII words score the same in every decoding.
_COMMON = """
và của các năm thực hiện kế hoạch trong được người cơ chủ trì phối hợp thời hạn tỉnh huyện xã ủy nhân dân việc
công tác hành chính cải cách báo cáo tháng quý ngày đơn vị sở nội vụ tư pháp những với đến có là không một này
để tổ chức nhiệm triển quy định văn bản số đồng thường xuyên phòng trung tâm kết quả hoàn thành nghị quyết quốc
việt phát đầu tài nguyên môi trường giáo dục đào tạo y tế thông tin truyền hội đoàn thể mặt trận lãnh đạo
chỉ đạo kiểm tra giám sát đánh giá xây dựng ban hành thủ tục điện tử chuyển đổi nâng cao chất lượng cấp
"""
_WORDS = frozenset(w for w in _COMMON.split() if not w.isascii())
_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_score(text: str) -> int:
    """How many common Vietnamese words with diacritics ``text`` holds (NFC, any case)."""
    return sum(1 for w in _WORD.findall(unicodedata.normalize("NFC", text).lower()) if w in _WORDS)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # what the bytes were: "UTF-8", "UTF-16 LE", "Windows-1258", "TCVN3 (ABC)", "VNI"…


def decode_text(data: bytes) -> Decoded:
    """The text of a plain-text plan, in NFC; raises ImportRefused naming the encoding it cannot read."""
    for bom, codec, name in ((codecs.BOM_UTF32_LE, None, "UTF-32"), (codecs.BOM_UTF32_BE, None, "UTF-32"),
                             (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"),
                             (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE")):
        if data.startswith(bom):
            if codec is None:
                raise ImportRefused(unreadable(name))
            try:
                return Decoded(unicodedata.normalize("NFC", data.decode(codec)), name)
            except UnicodeDecodeError:
                raise ImportRefused(f"Tệp văn bản ghi dấu BOM {name} nhưng nội dung không đúng bảng mã {name}.") \
                    from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(unicodedata.normalize("NFC", utf16[0]), utf16[1])
    if b"\x00" in data:  # a binary file, not text in any encoding
        raise ImportRefused(NOT_A_DOCUMENT)
    try:
        return Decoded(unicodedata.normalize("NFC", data.decode("utf-8")), "UTF-8")
    except UnicodeDecodeError:
        pass
    candidates = [Decoded(unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "Windows-1258"),
                  Decoded(_from_tcvn3_bytes(data), "TCVN3 (ABC)"),
                  Decoded(from_vni(data.decode("cp1252", errors="replace")), "VNI")]
    best = max(candidates, key=lambda c: vietnamese_score(c.text))
    if vietnamese_score(best.text) < _enough(best.text):
        seen = "Windows-1252 (Tây Âu)" if _mostly_latin(data) else "không xác định"
        raise ImportRefused(unreadable(f"{seen}, không phải tiếng Việt"))
    return best


def unreadable(seen: str) -> str:
    return (f"Không đọc được bảng mã của tệp văn bản ({seen}): hãy lưu lại bằng UTF-8, UTF-16 hoặc Windows-1258 "
            "rồi tải lên lại.")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: one zero byte in every other place, on the same side."""
    sample = data[:4000]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, codec, name in ((odd, "utf-16-le", "UTF-16 LE"), (even, "utf-16-be", "UTF-16 BE")):
        if zeros > half * 0.3 and zeros > 5 * max(1, min(even, odd)):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                return None
    return None


def _enough(text: str) -> int:
    """A Vietnamese plan has diacritics in a good share of its words; a short text needs a few."""
    return max(2, len(_WORD.findall(text)) // 50)


def _mostly_latin(data: bytes) -> bool:
    high = [b for b in data if b >= 0x80]
    return bool(high) and sum(1 for b in high if b >= 0xC0) > len(high) * 0.6


def _from_tcvn3_bytes(data: bytes) -> str:
    """Bytes the standard leaves free (0x80–0x9F: quotes, dashes) keep their Windows-1252 meaning."""
    return _capital_words("".join(TCVN3.get(b) or bytes([b]).decode("cp1252", errors="replace") for b in data))


def from_tcvn3(text: str) -> str:
    """Text typed in a .VnTime font, as Word or Excel hold it (the font's bytes as Windows-1252 characters)."""
    return _capital_words("".join(TCVN3.get(_byte(c), c) for c in text))


def from_vni(text: str) -> str:
    """Text typed in a VNI font, as Windows-1252 characters, in Unicode NFC."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text))


def _byte(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(char) if ord(char) < 0x100 else -1


def _capital_words(text: str) -> str:
    """Headings typed with an all-capitals font (.VnTimeH) store toned vowels in lowercase: "KÕ HO¹CH" gives
    "Kễ HOạCH". A line whose every ASCII letter is a capital is such a heading."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        letters = [c for c in line if c.isascii() and c.isalpha()]
        if len(letters) >= 3 and all(c.isupper() for c in letters):
            lines[i] = line.upper()
    return "\n".join(lines)


_CP1252_ONLY = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def legacy_font(texts: list[str]):  # type: ignore[no-untyped-def]
    """("TCVN3 (ABC)", converter) or ("VNI", converter) when ``texts`` read as Vietnamese only through one of the
    legacy font encodings; None when they read as Unicode Vietnamese already (or as no Vietnamese at all)."""
    legacy = [t for t in texts if _may_be_legacy(t)]
    if not legacy:
        return None
    text = "\n".join(legacy)
    plain = vietnamese_score(text)
    name, convert, score = max(((name, convert, vietnamese_score(convert(text))) for name, convert in
                                (("TCVN3 (ABC)", from_tcvn3), ("VNI", from_vni))), key=lambda c: c[2])
    if score > max(plain * 2, _enough(text) - 1, 1):
        return name, convert
    return None


def convert_block(text: str, convert) -> str:  # type: ignore[no-untyped-def]
    """One paragraph or cell through a legacy converter, unless it is Unicode Vietnamese already (a document may
    mix runs typed in a legacy font with runs typed in Unicode)."""
    if not _may_be_legacy(text):
        return text
    converted = convert(text)
    return converted if vietnamese_score(converted) >= vietnamese_score(text) else text


def _may_be_legacy(text: str) -> bool:
    """Characters a legacy font's bytes become (Windows-1252), and none that only Unicode has."""
    high = [c for c in text if ord(c) >= 0x80]
    return bool(high) and all(ord(c) < 0x100 or c in _CP1252_ONLY for c in high)
