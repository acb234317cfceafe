from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from app.views.export import csv_bytes, display_frame, xlsx_bytes


def _claims():
    return pd.DataFrame({
        "claim_id": ["JS1", "JS2"], "patient_id": ["33090219900101123X", "P2"],
        "visit_type": ["inpatient", None], "settled_at": pd.to_datetime(["2024-01-02 21:05:09", "2024-01-03 08:00:00"]),
        "fund_amount": [1234.5, 0.0], "diagnosis": ["E11.9", "K29.7"],
    })


def test_csv_is_gb18030_with_chinese_headers_and_values():
    text = csv_bytes(_claims(), "zh").decode("gb18030")
    lines = text.splitlines()
    assert lines[0] == "结算单号,人员编号,医疗类别,结算时间,统筹基金支付,诊断编码"
    assert lines[1] == "JS1,33090219900101123X,住院,2024-01-02 21:05:09,1234.5,E11.9"
    # ids are written as text, not numbers
    assert "33090219900101123X" in lines[1]


def test_xlsx_round_trips_in_english():
    wb = load_workbook(io.BytesIO(xlsx_bytes(_claims(), "en", sheet="R0001")))
    ws = wb["R0001"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Claim id", "Patient id", "Visit type")
    assert rows[1][0] == "JS1" and rows[1][2] == "Inpatient" and rows[1][4] == 1234.5
    assert len(rows) == 3


def test_display_frame_leaves_unknown_columns_named_as_they_are():
    df = display_frame(pd.DataFrame({"claim_id": ["a"], "batch_id": ["b"]}), "zh")
    assert list(df.columns) == ["结算单号", "batch_id"]
