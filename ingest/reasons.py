"""Reason codes of rejected rows, with the Chinese and English wording shown to users."""

from __future__ import annotations

from ingest.columns import CLAIM_ALIASES, REFERENCE_ALIASES

__all__ = ["REASONS", "label_zh"]

# code -> (Chinese, English) one-line meaning; the per-row message adds the column and value.
REASONS: dict[str, tuple[str, str]] = {
    "missing_required": ("必填字段为空", "a required field is empty"),
    "bad_datetime": ("日期时间无法识别", "a date-time is not recognised"),
    "bad_amount": ("金额不是数字", "an amount is not a number"),
    "negative_amount": ("金额为负数", "an amount is negative"),
    "fund_exceeds_total": ("统筹基金支付大于医疗总费用", "fund_amount exceeds total_amount"),
    "admit_after_discharge": ("入院日期晚于出院日期", "admitted after discharge"),
    "unknown_visit_type": ("医疗类别无法识别", "visit type not known"),
    "duplicate_conflict": ("结算单号重复且内容不同", "claim id already loaded with different content"),
    "malformed_row": ("字段个数与表头不符", "number of fields differs from the header"),
    "bad_number": ("数值字段不是数字", "a numeric field is not a number"),
}


def label_zh(column: str) -> str:
    """The usual Chinese header of a canonical column, for messages.

    >>> label_zh("settled_at")
    '结算时间'
    >>> label_zh("lat")
    '纬度'
    """
    names = CLAIM_ALIASES.get(column)
    if not names:
        for table in REFERENCE_ALIASES.values():
            if column in table:
                names = table[column]
                break
    return names[0] if names else column
