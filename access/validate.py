"""Validation of everything a page accepts from a URL or a text box.

Each check returns the clean value or raises :class:`BadParameter`, whose message is short,
bilingual and safe to show: it never echoes the input or says anything about the internals.

>>> entity_type("patient")
'patient'
>>> entity_ref(" P0012 ")
'P0012'
>>> ring_id("R0001")
'R0001'
>>> hops("2")
2
>>> hops("9")
Traceback (most recent call last):
...
access.validate.BadParameter: 展开层数须在 1 到 3 之间。/ Hops must be between 1 and 3.
>>> entity_type("Patient) DETACH DELETE n //")
Traceback (most recent call last):
...
access.validate.BadParameter: 实体类型无效。/ Unknown entity type.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from graph.store.base import ENTITY_TYPES
from ringtrace.errors import RingtraceError

__all__ = [
    "BadParameter",
    "entity_type",
    "entity_ref",
    "token",
    "is_token",
    "ring_id",
    "hops",
    "limit",
    "search_text",
    "day",
    "TOKEN_PREFIX",
    "MAX_HOPS",
    "MAX_NODES",
]

TOKEN_PREFIX = "t_"
TOKEN_HEX = 20
MAX_HOPS = 3
MAX_NODES = 2000
MAX_SEARCH = 64

# Ids as they appear in the input: letters and digits of any script, and a few separators.
_ID = re.compile(r"^[\w.:/#@+-]{1,64}$")
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}[0-9a-f]{{{TOKEN_HEX}}}$")
_RING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class BadParameter(RingtraceError, ValueError):
    """A URL parameter or search text that cannot be used; the message is safe to show."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh}/ {en}")

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):  # st.query_params may hand over a list
        value = value[-1] if value else ""
    return str(value).strip()


def entity_type(value) -> str:
    """One of ``patient``, ``card``, ``doctor``, ``institution`` (the store's allow-list)."""
    s = _text(value).lower()
    if s not in ENTITY_TYPES:
        raise BadParameter("实体类型无效。", "Unknown entity type.")
    return s


def entity_ref(value) -> str:
    """An entity id as in the input, or a token; 1 to 64 letters, digits or ``. : / # @ + - _``."""
    s = _text(value)
    if not s or not _ID.match(s) or any(unicodedata.category(c).startswith("C") for c in s):
        raise BadParameter("编号格式不正确。", "The id is not valid.")
    return s


def is_token(value) -> bool:
    """Whether ``value`` has the shape of an identity token (``t_`` + 20 hex digits).

    >>> is_token("t_0123456789abcdef0123"), is_token("P001")
    (True, False)
    """
    return isinstance(value, str) and bool(_TOKEN.match(value))


def token(value) -> str:
    s = _text(value)
    if not is_token(s):
        raise BadParameter("链接无效。", "The link is not valid.")
    return s


def ring_id(value) -> str:
    s = _text(value)
    if not _RING.match(s):
        raise BadParameter("团伙编号格式不正确。", "The ring id is not valid.")
    return s


def _int(value, lo: int, hi: int, zh: str, en: str) -> int:
    if isinstance(value, bool):
        raise BadParameter(zh, en)
    if isinstance(value, int):
        n = value
    else:
        s = _text(value)
        if not re.fullmatch(r"[0-9]{1,6}", s):
            raise BadParameter(zh, en)
        n = int(s)
    if not lo <= n <= hi:
        raise BadParameter(zh, en)
    return n


def hops(value) -> int:
    """Neighbourhood depth, 1 to :data:`MAX_HOPS`."""
    return _int(value, 1, MAX_HOPS, f"展开层数须在 1 到 {MAX_HOPS} 之间。", f"Hops must be between 1 and {MAX_HOPS}.")


def limit(value, hi: int = MAX_NODES) -> int:
    """A node or row cap, 1 to ``hi``.

    >>> limit("200")
    200
    """
    return _int(value, 1, hi, f"数量上限须在 1 到 {hi} 之间。", f"The limit must be between 1 and {hi}.")


def search_text(value) -> str:
    """Search text: trimmed, 1 to 64 printable characters, whitespace runs collapsed.

    >>> search_text("  H001  ")
    'H001'
    >>> search_text("a\\x00b")
    Traceback (most recent call last):
    ...
    access.validate.BadParameter: 搜索内容含有不可用的字符。/ The search text has characters that cannot be used.
    """
    s = unicodedata.normalize("NFKC", _text(value))
    s = re.sub(r"\s+", " ", s).strip()
    if not s:
        raise BadParameter("请输入搜索内容。", "Type something to search for.")
    if len(s) > MAX_SEARCH:
        raise BadParameter(f"搜索内容最多 {MAX_SEARCH} 个字符。", f"Search text is limited to {MAX_SEARCH} characters.")
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in s):
        raise BadParameter("搜索内容含有不可用的字符。", "The search text has characters that cannot be used.")
    return s


def day(value) -> date | None:
    """An ISO date (``2024-03-01``) or empty (None).

    >>> day("2024-03-01")
    datetime.date(2024, 3, 1)
    >>> day("") is None
    True
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = _text(value)
    if not s:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise BadParameter("日期格式应为 YYYY-MM-DD。", "Dates are written YYYY-MM-DD.")
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise BadParameter("日期无效。", "The date does not exist.") from None
