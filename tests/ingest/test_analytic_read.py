"""read_claim_table: the analytic copy as one Arrow table, the same claims read_claims gives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ingest.analytic import CLAIM_SCHEMA, read_claim_table, read_claims
from ingest.api import ingest_paths
from ingest.columns import CLAIM_COLUMNS

from .conftest import ENGLISH, rows_plain, write_csv


@pytest.fixture
def loaded(fresh_ws, tmp_path):
    ingest_paths(fresh_ws, [write_csv(tmp_path / "claims.csv", ENGLISH, rows_plain())], progress=False)
    return fresh_ws


def test_the_table_holds_what_read_claims_holds(loaded):
    table = read_claim_table(loaded)
    assert table.schema == CLAIM_SCHEMA and table.num_rows == 5
    df = read_claims(loaded)
    for c in CLAIM_COLUMNS:
        assert table[c].to_pylist() == [None if v is None or v != v else v for v in
                                        df[c].astype(object).where(df[c].notna(), None).tolist()], c


def test_chosen_columns_and_batches(loaded):
    from ingest.analytic import batches

    table = read_claim_table(loaded, columns=["claim_id", "settled_at"], batches=batches(loaded)[:1])
    assert table.column_names == ["claim_id", "settled_at"] and table.num_rows == 5
    assert read_claim_table(loaded, batches=[]).num_rows == 0


def test_empty_workspace_and_unknown_columns(fresh_ws):
    empty = read_claim_table(fresh_ws, columns=["claim_id", "total_amount"])
    assert empty.num_rows == 0 and empty.schema == pa.schema([CLAIM_SCHEMA.field("claim_id"), CLAIM_SCHEMA.field("total_amount")])
    with pytest.raises(ValueError, match="unknown claim columns"):
        read_claim_table(fresh_ws, columns=["claim_id", "amount"])
