"""Masked display forms of personal identifiers, for roles that may not see identities.

The masked form keeps enough to tell records apart on a screen, never enough to recover the
value: at most a quarter of an id's characters at each end, a name's family name only.

>>> mask_id("330902199001011234")
'3309**********1234'
>>> mask_name("张三")
'张*'
>>> mask_phone("13812345678")
'138****5678'
>>> mask_card("6222021234567890123")
'6222***********0123'
>>> mask_id("P0012345")
'P0****45'
>>> mask_id(None) is None
True
"""

from __future__ import annotations

import math
import re

__all__ = ["is_blank", "mask_id", "mask_card", "mask_name", "mask_phone", "mask_address", "mask_text", "mask_value"]


def is_blank(value) -> bool:
    """None, NaN, pandas NA/NaT: nothing to mask."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:  # pandas.NA and NaT compare oddly; this catches them without importing pandas
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def mask_id(value):
    """Keep up to 4 characters at each end, never more than a quarter of the id each side.

    >>> mask_id("ABC")
    '***'
    >>> mask_id("")
    ''
    """
    if is_blank(value):
        return value
    s = str(value).strip()
    keep = min(4, len(s) // 4)
    if keep == 0:
        return "*" * len(s)
    return s[:keep] + "*" * (len(s) - 2 * keep) + s[-keep:]


def mask_card(value):
    """Card numbers are masked like ids (bank-card style: first 4, last 4)."""
    return mask_id(value)


def mask_name(value):
    """The family name (first character) only; each other character becomes ``*``.

    >>> mask_name("欧阳娜娜")
    '欧***'
    >>> mask_name("Li")
    'L*'
    """
    if is_blank(value):
        return value
    s = str(value).strip()
    if len(s) <= 1:
        return "*" * len(s)
    return s[0] + "*" * (len(s) - 1)


_DIGITS = re.compile(r"\d")


def mask_phone(value):
    """Mobile numbers as 138****5678; other numbers keep 3 digits in front and 4 behind.

    >>> mask_phone("0571-88881234")
    '057*-****1234'
    >>> mask_phone("+86 138 1234 5678")
    '+86 138 **** 5678'
    """
    if is_blank(value):
        return value
    s = str(value).strip()
    positions = [m.start() for m in _DIGITS.finditer(s)]
    if len(positions) < 8:
        return mask_id(s)
    # Keep the last 4 digits and the first 3 of the subscriber number (after any +86 prefix).
    start = 2 if s.startswith("+86") else 0
    head = set(positions[start:start + 3]) | set(positions[:start])
    tail = set(positions[-4:])
    return "".join(
        ch if (i in head or i in tail or i not in positions) else "*" for i, ch in enumerate(s)
    )


_ADDRESS_LEVEL = re.compile(r"^.{0,12}?(?:省|自治区|市|区|县|旗|镇|乡|街道)")


def mask_address(value):
    """The administrative part up to the district, county or town; the rest as ``****``.

    >>> mask_address("浙江省杭州市西湖区文三路100号3单元")
    '浙江省杭州市西湖区****'
    >>> mask_address("12 Baker Street")
    '12 ****'
    """
    if is_blank(value):
        return value
    s = str(value).strip()
    best = ""
    pos = 0
    # Walk the successive levels (省, 市, 区 ...) while they stay within the first 15 characters.
    while True:
        m = _ADDRESS_LEVEL.match(s[pos:])
        if not m or pos + m.end() > 15:
            break
        pos += m.end()
        best = s[:pos]
    if not best:
        best = s[: min(3, len(s) // 3)]
    return best + "****"


# Unknown identity strings inside free text: 18-digit national ids, mobile numbers, long digit
# runs (card and account numbers). Applied after the known ids, as a safety net.
_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{12,}(?!\d)")


def mask_text(text, known: dict[str, str] | None = None):
    """Rewrite free text so no identity string survives.

    ``known`` maps identity strings (ids, names, phones) to their replacements; they are replaced
    longest first, so an id that contains another is replaced whole. Then national ids, mobile
    numbers and long digit runs not in ``known`` are masked too.

    >>> mask_text("卡 6222021234567890 在 P001 刷卡; 电话 13812345678", {"P001": "t_x"})
    '卡 6222********7890 在 t_x 刷卡; 电话 138****5678'
    """
    if is_blank(text):
        return text
    s = str(text)
    if known:
        keys = sorted((k for k in known if k), key=len, reverse=True)
        if keys:
            pattern = re.compile("|".join(re.escape(k) for k in keys))
            s = pattern.sub(lambda m: known[m.group(0)], s)
    s = _ID18.sub(lambda m: mask_id(m.group(0)), s)
    s = _MOBILE.sub(lambda m: mask_phone(m.group(0)), s)
    s = _LONG_DIGITS.sub(lambda m: mask_id(m.group(0)), s)
    return s


_BY_FIELD = {
    "patient_id": mask_id,
    "card_id": mask_card,
    "name": mask_name,
    "phone": mask_phone,
    "address": mask_address,
}


def mask_value(field: str, value):
    """Mask ``value`` as the personal field ``field`` (patient_id, card_id, name, phone, address).

    >>> mask_value("phone", "13812345678")
    '138****5678'
    """
    return _BY_FIELD[field](value)
