"""Write Vietnamese text the way old offices stored it, for the tests of ``ingest.text_encodings``.

Each encoder is written from the encoding's description, independently of the product's decoders (whose
tables are checked against known strings from real documents in the tests), so a round trip through both is a
real check:

- TCVN3 (ABC, .VnTime): one byte per lowercase letter; capitals with a tone have no code and are typed in
  lowercase (an all-capitals font draws them).
- VNI: a base letter followed by a mark character; ơ, ư, đ and the toned i are single characters.
- Windows-1258: base letters (with â ê ô ơ ư ă đ precomposed) followed by a combining tone mark.
"""

from __future__ import annotations

import unicodedata

_TONE_NAMES = {"\u0300": 0, "\u0309": 1, "\u0303": 2, "\u0301": 3, "\u0323": 4}  # huyền hỏi ngã sắc nặng
_TCVN3_ROWS = {  # vowel → bytes of its five toned forms, as the standard lays them out
    "a": "B5 B6 B7 B8 B9", "ă": "BB BC BD BE C6", "â": "C7 C8 C9 CA CB", "e": "CC CE CF D0 D1",
    "ê": "D2 D3 D4 D5 D6", "i": "D7 D8 DC DD DE", "o": "DF E1 E2 E3 E4", "ô": "E5 E6 E7 E8 E9",
    "ơ": "EA EB EC ED EE", "u": "EF F1 F2 F3 F4", "ư": "F5 F6 F7 F8 F9", "y": "FA FB FC FD FE"}
_TCVN3_PLAIN = dict(zip("ĂÂÊÔƠƯĐăâêôơưđ", range(0xA1, 0xAF), strict=True))


def _split(char: str) -> tuple[str, int | None]:
    """("ê", 3) for "ế": the letter without its tone (its hat, horn or breve kept) and which tone."""
    parts = unicodedata.normalize("NFD", char)
    tone = next((_TONE_NAMES[c] for c in parts if c in _TONE_NAMES), None)
    return unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_NAMES)), tone


def to_tcvn3(text: str) -> bytes:
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char.isascii() or not char.isalpha():  # punctuation ("“", "–") keeps its Windows-1252 byte
            out += char.encode("cp1252")
            continue
        letter, tone = _split(char)
        if tone is None:
            out.append(_TCVN3_PLAIN[letter])
        else:
            out.append(int(_TCVN3_ROWS[letter.lower()].split()[tone], 16))
    return bytes(out)


_VNI_MARKS = {"plain": "øûõùï", "hat": "àåãáä", "breve": "èúüéë"}  # huyền hỏi ngã sắc nặng
_VNI_I = "ìæóíò"
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ"}


def to_vni(text: str) -> bytes:
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii() or not char.isalpha():
            out.append(char)
            continue
        letter, tone = _split(char)
        upper = letter.isupper()
        letter = letter.lower()
        if letter == "i":
            piece = _VNI_I[tone] if tone is not None else "i"
        elif letter == "y" and tone == 4:
            piece = "î"
        elif letter in _VNI_SINGLE:
            piece = _VNI_SINGLE[letter] + (_VNI_MARKS["plain"][tone] if tone is not None else "")
        elif letter in "âêô":
            piece = unicodedata.normalize("NFD", letter)[0] + ("â" if tone is None else _VNI_MARKS["hat"][tone])
        elif letter == "ă":
            piece = "a" + ("ê" if tone is None else _VNI_MARKS["breve"][tone])
        else:
            piece = letter + _VNI_MARKS["plain"][tone]  # type: ignore[index]
        out.append(piece.upper() if upper else piece)
    return "".join(out).encode("cp1252")


def to_cp1258(text: str) -> bytes:
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        letter, tone = _split(char)
        out += letter.encode("cp1258")
        if tone is not None:
            out += "\u0300\u0309\u0303\u0301\u0323"[tone].encode("cp1258")
    return bytes(out)
