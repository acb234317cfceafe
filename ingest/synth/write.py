"""Write the synthetic city in the input format of CONTRACT.md, in chunks.

Formats: ``csv`` (UTF-8, canonical English headers), ``csv-gb18030`` (GB18030 with the Chinese
headers and 门诊/住院/药店购药, like a bureau export) and ``parquet``. Claims are written in time
order, a million rows at a time, so the CSV text of a whole city is never held in memory.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ingest.columns import CLAIM_ALIASES, CLAIM_COLUMNS, REFERENCE_ALIASES
from ingest.synth import geo
from ingest.synth.city import City
from ingest.synth.claims import Claims
from ingest.synth.diagnoses import CODES
from ingest.synth.people import People

__all__ = ["FORMATS", "EXTENSIONS", "claim_id_prefix", "write_claims", "write_reference"]

FORMATS = ("csv", "csv-gb18030", "parquet")
EXTENSIONS = {"csv": "csv", "csv-gb18030": "csv", "parquet": "parquet"}
_VISIT_EN = ["outpatient", "inpatient", "pharmacy"]
_VISIT_ZH = ["门诊", "住院", "药店购药"]
CHUNK = 1_000_000


def claim_id_prefix(year: int) -> str:
    return f"JS{year}"


def _claim_table(c: Claims, serial: np.ndarray, people_ids: tuple[pa.Array, pa.Array], city_ids: tuple,
                 year: int, chinese: bool) -> pa.Table:
    pid, card = people_ids
    inst, doc, op, code = city_ids
    visits = pa.array(_VISIT_ZH if chinese else _VISIT_EN)
    cid = pc.binary_join_element_wise(claim_id_prefix(year), pc.utf8_lpad(pa.array(serial).cast(pa.string()), 10, "0"), "")
    patient = pa.array(c.patient)
    cols = {
        "claim_id": cid,
        "patient_id": pid.take(patient),
        "card_id": card.take(patient),
        "institution_id": inst.take(pa.array(c.inst)),
        "doctor_id": doc.take(pa.array(c.doctor, mask=c.doctor < 0)),
        "visit_type": visits.take(pa.array(c.visit)),
        "settled_at": pa.array(c.t.astype("datetime64[s]")),
        "admitted_on": pa.array(c.adm, mask=c.adm < 0).cast(pa.date32()),
        "discharged_on": pa.array(c.dis, mask=c.dis < 0).cast(pa.date32()),
        "total_amount": pa.array(c.total),
        "fund_amount": pa.array(c.fund),
        "diagnosis": code.take(pa.array(c.diag)),
        "operator_id": op.take(pa.array(c.op)),
    }
    names = [CLAIM_ALIASES[k][0] if chinese else k for k in CLAIM_COLUMNS]
    return pa.table([cols[k] for k in CLAIM_COLUMNS], names=names)


def write_claims(path: Path, claims: Claims, order: np.ndarray, people: People, city: City, fmt: str,
                 year: int, chunk: int | None = None) -> None:
    """Write ``claims`` in the row order ``order``; row i gets serial number i + 1.

    ``chunk`` rows at a time (default ``CHUNK``): memory holds one chunk's text, not the file's."""
    chunk = chunk or CHUNK
    chinese = fmt == "csv-gb18030"
    people_ids = (pa.array(people.pid), pa.array(people.card))
    city_ids = (pa.array(city.inst_id), pa.array(city.doc_id), pa.array(city.op_id), pa.array(CODES))
    tmp = path.with_name(path.name + ".tmp")
    writer = None
    try:
        with open(tmp, "wb") as fh:
            for i in range(0, max(len(order), 1), chunk):
                idx = order[i: i + chunk]
                table = _claim_table(claims.take(idx), np.arange(i + 1, i + 1 + len(idx)), people_ids, city_ids,
                                     year, chinese)
                if fmt == "parquet":
                    if writer is None:
                        writer = pq.ParquetWriter(fh, table.schema, compression="zstd")
                    writer.write_table(table)
                elif chinese:
                    buf = io.BytesIO()
                    pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=i == 0, quoting_style="none", quoting_header="none"))
                    fh.write(buf.getvalue().decode("utf-8").encode("gb18030"))
                else:
                    if writer is None:
                        writer = pacsv.CSVWriter(fh, table.schema, write_options=pacsv.WriteOptions(
                            quoting_style="none", quoting_header="none"))
                    writer.write_table(table)
            if writer is not None:
                writer.close()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def reference_frames(people: People, city: City) -> dict[str, pd.DataFrame]:
    level = city.level
    institutions = pd.DataFrame({
        "institution_id": city.inst_id,
        "name": city.inst_name,
        "kind": city.kind,
        "level": pd.array(np.where(level > 0, level, 0), dtype="Int64", copy=True),
        "region": geo.DISTRICT_NAMES[city.district],
        "lat": np.round(city.lat, 5),
        "lon": np.round(city.lon, 5),
        # not in the contract's list: whether a hospital is private (民营) matters for collusion
        "ownership": np.where(city.category == 3, "private", "public"),
    })
    institutions.loc[level == 0, "level"] = pd.NA  # clinics and pharmacies have no hospital level
    doctors = pd.DataFrame({"doctor_id": city.doc_id, "name": city.doc_name,
                            "institution_id": city.inst_id[city.doc_inst]})
    patients = pd.DataFrame({
        "patient_id": people.pid,
        "card_id": people.card,
        "name": people.name,
        "birth_year": people.birth.astype("datetime64[Y]").astype(int) + 1970,
        "sex": np.where(people.male, "M", "F"),
        "region": geo.DISTRICT_NAMES[people.district],
        "phone": people.phone,
        "address": people.address,
    })
    return {"institutions": institutions, "doctors": doctors, "patients": patients}


def write_reference(folder: Path, people: People, city: City, fmt: str) -> dict[str, Path]:
    out = {}
    for kind, df in reference_frames(people, city).items():
        path = folder / f"{kind}.{EXTENSIONS[fmt]}"
        tmp = path.with_name(path.name + ".tmp")
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        elif fmt == "csv-gb18030":
            zh = {c: REFERENCE_ALIASES[kind][c][0] for c in df.columns if c in REFERENCE_ALIASES[kind]}
            df.rename(columns=zh).to_csv(tmp, index=False, encoding="gb18030")
        else:
            df.to_csv(tmp, index=False, encoding="utf-8")
        os.replace(tmp, path)
        out[kind] = path
    return out
