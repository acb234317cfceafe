"""Reading just the claims a document needs from INGEST's analytic copy.

``ingest.analytic.read_claims`` returns every claim; a city-year is over ten million rows,
and a referral needs a few hundred. Reading each committed batch file with a ``claim_id``
filter keeps memory to the rows wanted, while still honouring INGEST's manifest (only
committed batches, via ``claim_files``) and its dtypes.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ringtrace.workspace import Workspace

__all__ = ["read_claims_by_id"]


def read_claims_by_id(ws: Workspace, claim_ids: Iterable[str], columns: list[str] | None = None) -> pd.DataFrame:
    """The claims whose id is in ``claim_ids``, in the analytic schema (empty frame if none).

    A claim id present in two batches comes back twice, as ``read_claims`` would return it.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ingest.analytic import CLAIM_SCHEMA, claim_files, read_claims
    from ingest.columns import ANALYTIC_CLAIM_DTYPES, CLAIM_COLUMNS

    columns = list(columns) if columns is not None else list(CLAIM_COLUMNS)
    wanted = sorted({str(c) for c in claim_ids})
    files = claim_files(ws)
    if not wanted or not files:
        return read_claims(ws, columns=columns).iloc[0:0]
    ids = pa.array(wanted, type=pa.string())
    tables = [pq.read_table(f, columns=columns, schema=CLAIM_SCHEMA, filters=[("claim_id", "in", ids)])
              for f in files]
    df = pa.concat_tables(tables).to_pandas()
    return df.astype({c: ANALYTIC_CLAIM_DTYPES[c] for c in columns})
