"""Golden inputs in every supported layout, each checked against the one expected analytic copy."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.analytic import counts, read_claims
from ingest.api import ingest_paths

from .conftest import (CHINESE, ENGLISH, GOLDEN, rows_bureau, rows_excel, rows_plain, sorted_claims,
                       write_csv, write_xlsx)


def _utf8(d):
    return write_csv(d / "claims.csv", ENGLISH, rows_plain())


def _utf8_bom_upper(d):
    return write_csv(d / "claims.csv", [h.upper() for h in ENGLISH], rows_plain(), "utf-8-sig")


def _gb18030_chinese(d):
    return write_csv(d / "claims.csv", CHINESE, rows_bureau(), "gb18030")


def _xlsx(d):
    return write_xlsx(d / "claims.xlsx", CHINESE, rows_excel())


def _parquet(d):
    d.mkdir(parents=True, exist_ok=True)
    table = pa.table({h: pa.array([r[i] for r in GOLDEN]) for i, h in enumerate(ENGLISH)})
    pq.write_table(table, d / "claims.parquet")
    return d / "claims.parquet"


def _mapping(d):
    header = ["ClaimID", "BeneID", "Card", "Provider", "Physician", "Type", "ClaimStartDt", "AdmissionDt",
              "DischargeDt", "Reimbursed", "FundPaid", "Dx", "Clerk"]
    codes = {"outpatient": "O", "inpatient": "I", "pharmacy": "R"}
    rows = [[codes[c] if i == 5 else c for i, c in enumerate(r)] for r in rows_plain()]
    write_csv(d / "export.csv", header, rows)
    (d / "map.toml").write_text(
        "[columns]\n" + "".join(f'{c} = "{h}"\n' for c, h in zip(ENGLISH, header))
        + '[values.visit_type]\n"O" = "outpatient"\n"I" = "inpatient"\n"R" = "pharmacy"\n', encoding="utf-8")
    return d / "export.csv"


LAYOUTS = {
    "utf8": _utf8,
    "utf8_bom_upper_headers": _utf8_bom_upper,
    "gb18030_chinese_headers": _gb18030_chinese,
    "xlsx": _xlsx,
    "parquet": _parquet,
    "mapping_file": _mapping,
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_gives_the_expected_copy(layout, tmp_path, fresh_ws, golden_expected):
    src = LAYOUTS[layout](tmp_path / "in")
    mapping = tmp_path / "in" / "map.toml" if layout == "mapping_file" else None
    report = ingest_paths(fresh_ws, [src], mapping=mapping, progress=False)
    assert (report.read, report.loaded, report.rejected, report.duplicates) == (5, 5, 0, 0)
    pd.testing.assert_frame_equal(sorted_claims(fresh_ws), golden_expected)
    c = counts(fresh_ws)
    assert (c["claims"], c["patients"], c["cards"], c["institutions"], c["quarantined"]) == (5, 4, 4, 3, 0)


def test_partitioned_by_settled_month(fresh_ws, tmp_path):
    ingest_paths(fresh_ws, [_utf8(tmp_path)], progress=False)
    months = sorted(p.name for p in fresh_ws.claims_dir.glob("month=*"))
    assert months == ["month=2024-03", "month=2024-04"]
    april = read_claims(fresh_ws, columns=["claim_id", "settled_at"])
    assert list(april.columns) == ["claim_id", "settled_at"]


def test_empty_workspace_reads_empty(fresh_ws):
    df = read_claims(fresh_ws)
    assert df.empty and str(df["settled_at"].dtype) == "datetime64[ns]"
    assert counts(fresh_ws)["claims"] == 0
