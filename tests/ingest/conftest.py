"""Golden claims, rendered in every layout a bureau sends, and the one result they must give."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ingest.columns import ANALYTIC_CLAIM_DTYPES, CLAIM_COLUMNS

# canonical content: claim, patient, card, institution, doctor, visit, settled, admitted,
# discharged, total, fund, diagnosis, operator
GOLDEN = [
    ("C001", "P001", "K001", "H01", "D01", "outpatient", dt.datetime(2024, 3, 5, 14, 2, 11), None, None, 120.5, 80.0, "J06.9", "OP1"),
    ("C002", "33090219900101123X", None, "H01", "D01", "outpatient", dt.datetime(2024, 3, 5, 14, 2), None, None, 60.0, 30.0, "I10", "OP1"),
    ("C003", "P002", "K002", "H02", "D02", "inpatient", dt.datetime(2024, 3, 4, 10, 0), dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 4), 8800.0, 6100.25, "K35.8", None),
    ("C004", "P003", "K003", "Y01", None, "pharmacy", dt.datetime(2024, 4, 1, 9, 30), None, None, 45.8, None, None, "OP9"),
    ("C005", "P001", "K001", "H02", "D03", "outpatient", dt.datetime(2024, 4, 2), None, None, 0.0, 0.0, None, None),
]

ENGLISH = list(CLAIM_COLUMNS)
CHINESE = ["结算单号", "人员编号", "医保卡号", "定点机构编码", "医师编码", "医疗类别", "结算时间", "入院日期",
           "出院日期", "医疗总费用", "统筹基金支付", "诊断编码", "操作员"]
VISIT_ZH = {"outpatient": "门诊", "inpatient": "住院", "pharmacy": "药店购药"}


def expected_claims() -> pd.DataFrame:
    """The analytic copy every golden layout must produce (card filled with patient_id)."""
    df = pd.DataFrame(GOLDEN, columns=list(CLAIM_COLUMNS))
    df["card_id"] = df["card_id"].fillna(df["patient_id"])
    return df.astype(ANALYTIC_CLAIM_DTYPES).sort_values("claim_id").reset_index(drop=True)


def _text(v, dt_form="%Y-%m-%d %H:%M:%S", date_form="%Y-%m-%d") -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime(date_form if (v.hour, v.minute, v.second) == (0, 0, 0) and date_form else dt_form)
    if isinstance(v, float):
        return f"{v:g}" if v != int(v) else f"{v:.2f}"
    return str(v)


def rows_plain() -> list[list[str]]:
    """English headers, ISO forms."""
    return [[_text(v) for v in r] for r in GOLDEN]


def rows_bureau() -> list[list[str]]:
    """Chinese values and the messier bureau forms: slashes, compact stamps, odd spaces, lower x."""
    out = []
    for i, r in enumerate(GOLDEN):
        cells = list(r)
        row = []
        for col, v in zip(CLAIM_COLUMNS, cells):
            if col == "visit_type":
                row.append(VISIT_ZH[v])
            elif col == "settled_at":
                row.append(f"{v.year}/{v.month}/{v.day} {v.hour}:{v.minute:02d}" if v.second == 0 and i % 2
                           else v.strftime("%Y%m%d%H%M%S"))
            elif col == "patient_id" and v and v.endswith("X"):
                row.append("\u3000" + v[:-1] + "x ")
            elif col in ("claim_id", "institution_id") and v:
                row.append(f" {v}\u3000")
            else:
                row.append(_text(v, date_form="%Y/%m/%d"))
        out.append(row)
    return out


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def rows_excel() -> list[list]:
    """Real datetime and number cells, one settled time as an Excel serial day number."""
    out = []
    for i, r in enumerate(GOLDEN):
        row = list(r)
        row[5] = VISIT_ZH[row[5]]
        if i == 4:  # 2024-04-02 as Excel stores it, a serial number kept as a plain cell
            row[6] = (r[6] - dt.datetime(1899, 12, 30)).days
        out.append(row)
    return out


@pytest.fixture
def golden_expected() -> pd.DataFrame:
    return expected_claims()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes (the lock file excluded: it is empty by design)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"} if root.exists() else {}


def sorted_claims(ws) -> pd.DataFrame:
    from ingest.analytic import read_claims

    return read_claims(ws).sort_values("claim_id").reset_index(drop=True)


__all__ = ["GOLDEN", "ENGLISH", "CHINESE", "expected_claims", "rows_plain", "rows_bureau", "rows_excel",
           "write_csv", "write_xlsx", "snapshot", "sorted_claims"]
