"""The Arrow row builders give the same rows as the pandas ones every store used before."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from graph.store.arrow_frames import (
    aggregate_table, claims_table, coded_aggregate, epoch_seconds, reference_table, unique_ids,
)
from graph.store.frames import EDGE_KINDS, aggregate, prepare_claims, prepare_reference
from ingest.columns import CLAIM_COLUMNS
from ringtrace.errors import InputError


def _messy(city) -> pd.DataFrame:
    """The city's claims with blanks, padding, a repeated claim and dates, as ingest might leave them."""
    c = city["claims"].copy()
    c.loc[c.index[3], "doctor_id"] = "  "
    c.loc[c.index[4], "card_id"] = None
    c.loc[c.index[5], "operator_id"] = " OP2 "
    c["admitted_on"] = c["settled_at"].dt.floor("D")
    c.loc[c.index[::7], "admitted_on"] = pd.NaT
    c["settled_at"] = c["settled_at"] + pd.Timedelta(milliseconds=700)  # a fraction the graph drops
    return pd.concat([c, c.iloc[[10]].assign(total_amount=1.0)], ignore_index=True)


def _analytic(df: pd.DataFrame) -> pa.Table:
    from ingest.analytic import CLAIM_SCHEMA

    full = df.reindex(columns=list(CLAIM_COLUMNS))
    for col in ("admitted_on", "discharged_on", "settled_at"):
        full[col] = pd.to_datetime(full[col])
    return pa.Table.from_pandas(full, schema=CLAIM_SCHEMA, preserve_index=False)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), None).reset_index(drop=True)


def test_claims_from_arrow_equal_the_pandas_rows(city):
    messy = _messy(city)
    want = _plain(prepare_claims(messy))
    got = _plain(claims_table(_analytic(messy)).to_pandas())
    pd.testing.assert_frame_equal(got, want)
    assert got["claim_id"].is_unique and got.loc[10, "total_amount"] != 1.0  # the first copy kept


@pytest.mark.parametrize("kind", sorted(EDGE_KINDS))
def test_edge_aggregates_from_arrow_equal_the_pandas_ones(city, kind):
    messy = _messy(city)
    want = _plain(aggregate(prepare_claims(messy), kind))
    got = _plain(aggregate_table(claims_table(_analytic(messy)), kind).to_pandas())
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("kind", sorted(EDGE_KINDS))
def test_coded_edge_aggregates_equal_the_hash_grouped_ones(city, kind):
    """The first load's integer-coded aggregation gives the rows aggregate_table gives, in its order.

    The messy claims hold a claim without a doctor, one with a blank card (the patient's id
    then) and a repeated claim; a missing fund amount adds nothing, as in aggregate_table.
    """
    messy = _messy(city)
    messy.loc[messy.index[6], "fund_amount"] = None
    c = claims_table(_analytic(messy))
    c = c.append_column("_t", pa.array(epoch_seconds(c["settled_at"])))
    ids = {}
    for t, col in (("patient", "patient_id"), ("card", "card_id"), ("doctor", "doctor_id"),
                   ("institution", "institution_id")):
        u = unique_ids(c[col])
        ids[t] = u.take(pc.array_sort_indices(u))
    want = aggregate_table(c, kind).to_pandas()
    got = coded_aggregate(c, kind, ids).to_pandas()
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got[["a", "b", "claims", "first", "last"]], want[["a", "b", "claims", "first", "last"]])
    for money in ("fund_amount", "total_amount"):
        assert got[money].round(6).tolist() == want[money].round(6).tolist()


@pytest.mark.parametrize("kind", ["institutions", "doctors", "patients"])
def test_reference_rows_equal_the_pandas_ones(city, kind):
    frame = pd.concat([city[kind], city[kind].iloc[:1]], ignore_index=True)
    want = _plain(prepare_reference(kind, frame))
    for given in (frame, pa.Table.from_pandas(frame, preserve_index=False)):
        got = _plain(reference_table(kind, given).to_pandas())
        pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False)


def test_claims_lacking_a_required_value_are_refused(city):
    bad = _analytic(city["claims"]).to_pandas()
    bad.loc[2, "patient_id"] = None
    with pytest.raises(InputError, match="1 claim"):
        claims_table(pa.Table.from_pandas(bad, preserve_index=False))
    with pytest.raises(InputError, match="patient_id"):
        claims_table(_analytic(city["claims"]).drop_columns(["patient_id"]))


def test_prepared_pieces_joined_together_are_not_cleaned_twice_but_deduplicated(city):
    whole = claims_table(_analytic(_messy(city)))
    joined = pa.concat_tables([whole.slice(0, 300), whole.slice(200)])  # rows 200-299 twice
    again = claims_table(joined)
    assert again.equals(whole) and again.schema.metadata == whole.schema.metadata
