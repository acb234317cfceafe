"""Claims exports: CSV in GB18030 (what bureau spreadsheets open) and XLSX, Chinese headers.

>>> import pandas as pd
>>> df = pd.DataFrame({"claim_id": ["X1"], "fund_amount": [12.5]})
>>> csv_bytes(df, "zh").decode("gb18030").splitlines()[0]
'结算单号,统筹基金支付'
>>> xlsx_bytes(df, "en")[:2]
b'PK'
"""

from __future__ import annotations

import io

import pandas as pd

from app.i18n import tr

__all__ = ["display_frame", "csv_bytes", "xlsx_bytes", "XLSX_MIME"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def display_frame(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The claims with headers in ``lang`` (CONTRACT.md's Chinese names) and visit types named."""
    out = df.copy()
    if "visit_type" in out:
        out["visit_type"] = out["visit_type"].map(lambda v: tr(f"visit.{v}", lang) if isinstance(v, str) else v)
    return out.rename(columns={c: tr(f"col.{c}", lang) for c in out.columns})


def csv_bytes(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """CSV encoded as GB18030 (a superset of GBK that Excel on Chinese Windows opens directly)."""
    text = display_frame(df, lang).to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S")
    return text.encode("gb18030")


def xlsx_bytes(df: pd.DataFrame, lang: str = "zh", sheet: str | None = None) -> bytes:
    buf = io.BytesIO()
    frame = display_frame(df, lang)
    # Excel cannot store timezone-aware datetimes; the analytic copy is naive local time anyway.
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.DatetimeTZDtype):
            frame[c] = frame[c].dt.tz_localize(None)
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xw:
        name = (sheet or tr("claims", lang))[:31]
        frame.to_excel(xw, sheet_name=name, index=False)
        ws = xw.sheets[name]
        ws.freeze_panes(1, 0)
        for i, c in enumerate(frame.columns):
            width = max(len(str(c)) * 2, 12)
            ws.set_column(i, i, min(width, 28))
    return buf.getvalue()
