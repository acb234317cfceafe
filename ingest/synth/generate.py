"""``generate``: build a synthetic city, plant rings and legitimate groups, write the input files
and ``truth.json``. The same seed always gives byte-identical files.

>>> import tempfile, json, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     counts = generate(d, patients=1000, seed=1)
...     truth = json.loads((pathlib.Path(d) / "truth.json").read_text(encoding="utf-8"))
>>> counts["patients"], len(truth["rings"]) == counts["rings"] > 0
(1000, True)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.synth import geo
from ingest.synth.city import build_city
from ingest.synth.claims import NORMAL, Claims
from ingest.synth.legit import legit_groups
from ingest.synth.normal import Calendar, InstitutionPicker, intensity_for, normal_claims
from ingest.synth.people import build_people
from ingest.synth.registry import Group, Registry
from ingest.synth.rings import plant_rings
from ingest.synth.write import EXTENSIONS, FORMATS, claim_id_prefix, write_claims, write_reference
from ringtrace.errors import InputError

__all__ = ["generate", "MIN_PATIENTS", "DEFAULT_YEAR", "MAX_CLAIMS_PER_PATIENT"]

MIN_PATIENTS = 1000
DEFAULT_YEAR = 2024
# a person-year of hundreds of settlements is no longer a city anyone would model
MAX_CLAIMS_PER_PATIENT = 200
_INPUT_KINDS = ("claims", "institutions", "doctors", "patients")


def generate(out_dir, patients: int = 20000, seed: int = 7, fmt: str = "csv", year: int = DEFAULT_YEAR,
             claims_per_patient: float | None = None) -> dict:
    """Write ``out_dir/input/{claims,institutions,doctors,patients}.<ext>``, ``out_dir/truth.json`` and
    ``out_dir/districts.csv`` (the 区县 with their codes and centroids).

    ``claims_per_patient`` scales everyday visit rates so that ordinary life averages that many
    claims a person-year (a real city: about 5); ``None`` keeps the built-in rates (about 20, the
    demo and the tuned seeds). Planted rings and legitimate groups are drawn the same either way.

    Returns counts: patients, claims, institutions, doctors, rings, legit_groups, planted_claims,
    and the paths written.
    """
    if fmt not in FORMATS:
        raise InputError(f"Unknown synthetic output format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    if int(patients) < MIN_PATIENTS:
        raise InputError(f"A synthetic city needs at least {MIN_PATIENTS} insured people to hold every ring "
                         f"pattern and legitimate group; {patients} was asked. Use --patients {MIN_PATIENTS} or more.")
    patients = int(patients)
    if claims_per_patient is not None and not 0 < float(claims_per_patient) <= MAX_CLAIMS_PER_PATIENT:
        raise InputError(f"Claims per patient must be above 0 and at most {MAX_CLAIMS_PER_PATIENT}; "
                         f"{claims_per_patient} was asked (a city of 3M insured settles about 5 a person-year).")
    if not 1990 <= int(year) <= 2100:
        raise InputError(f"The settlement year {year} is out of range; use a year between 1990 and 2100.")
    # one independent stream per stage: changing how one stage draws leaves the others as they were
    s_city, s_people, s_legit, s_rings, s_normal = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5))
    city = build_city(s_city, patients)
    people = build_people(s_people, patients, year)
    cal = Calendar(year)
    picker = InstitutionPicker(city, len(geo.DISTRICTS))
    reg = Registry(patients)
    legit = legit_groups(s_legit, people, city, cal, picker, reg)
    rings = plant_rings(s_rings, people, city, cal, picker, reg)
    intensity = 1.0 if claims_per_patient is None else intensity_for(people, claims_per_patient)
    normal = normal_claims(s_normal, people, city, cal, picker, intensity=intensity)
    claims = Claims.concat([normal] + legit + rings)
    del normal, legit, rings

    order = np.lexsort((claims.patient, claims.t))  # settlement serials follow time, like a cashier's 流水号
    serial = np.empty(len(order), dtype=np.int64)
    serial[order] = np.arange(1, len(order) + 1)

    out_dir = Path(out_dir)
    folder = out_dir / "input"
    folder.mkdir(parents=True, exist_ok=True)
    for kind in _INPUT_KINDS:  # a file of another format left from an earlier run would be ingested too
        for ext in set(EXTENSIONS.values()) | {"xlsx"}:
            stale = folder / f"{kind}.{ext}"
            if stale.exists() and ext != EXTENSIONS[fmt]:
                stale.unlink()
    claims_path = folder / f"claims.{EXTENSIONS[fmt]}"
    write_claims(claims_path, claims, order, people, city, fmt, year)
    paths = write_reference(folder, people, city, fmt)
    paths["claims"] = claims_path

    by_tag = _rows_by_tag(claims.tag)
    truth = {
        "seed": seed,
        "patients": patients,
        "claims": int(len(claims)),
        "year": year,
        "format": fmt,
        "claims_per_patient": claims_per_patient,
        "rings": [_entry(g, i, "ring_id", "P", by_tag.get(g.tag, _NONE), claims, serial, people, city, year)
                  for i, g in enumerate(reg.rings)],
        "legit_groups": [_entry(g, i, "group_id", "L", by_tag.get(g.tag, _NONE), claims, serial, people, city, year)
                         for i, g in enumerate(reg.legit)],
    }
    # the map, for whoever wants distances from a patient's district (not part of the input)
    districts = out_dir / "districts.csv"
    pd.DataFrame({"region": geo.DISTRICT_NAMES, "code": geo.DISTRICT_CODES, "lat": geo.DISTRICT_LAT,
                  "lon": geo.DISTRICT_LON}).to_csv(districts, index=False, encoding="utf-8")
    paths["districts"] = districts
    truth_path = out_dir / "truth.json"
    tmp = truth_path.with_name("truth.json.tmp")
    tmp.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, truth_path)
    paths["truth"] = truth_path
    return {
        "patients": patients,
        "claims": int(len(claims)),
        "institutions": int(len(city.inst_id)),
        "doctors": int(len(city.doc_id)),
        "rings": len(reg.rings),
        "legit_groups": len(reg.legit),
        "planted_claims": int(sum(len(r["claim_ids"]) for r in truth["rings"])),
        "paths": {k: str(v) for k, v in paths.items()},
    }


_NONE = np.array([], np.int64)


def _rows_by_tag(tag: np.ndarray) -> dict[int, np.ndarray]:
    """Each group tag -> the rows carrying it, ascending; ordinary claims (``NORMAL``) left out.

    One stable sort for every group: a scan of all claims per group took 15 s of a 15M-claim city.

    >>> {k: v.tolist() for k, v in _rows_by_tag(np.array([-1, 3, -2, 3, -1, -2])).items()}
    {-2: [2, 5], 3: [1, 3]}
    """
    rows = np.flatnonzero(tag != NORMAL)
    rows = rows[np.argsort(tag[rows], kind="stable")]
    keys, starts = np.unique(tag[rows], return_index=True)
    return {int(k): part for k, part in zip(keys, np.split(rows, starts[1:]))}


def _entry(g: Group, i: int, id_key: str, prefix: str, mine: np.ndarray, claims: Claims, serial: np.ndarray,
           people, city, year: int) -> dict:
    s = np.sort(serial[mine])
    p = claim_id_prefix(year)
    days = claims.t[mine] // 86_400
    patients = np.intersect1d(g.patients, claims.patient[mine])
    entry = {
        id_key: f"{prefix}{i + 1:03d}",
        ("pattern" if g.is_ring else "kind"): g.kind,
        # members are those the group's claims actually name: a recruit who never turned up is
        # not evidence, and no detector could find them
        "members": {
            "patients": people.pid[patients].tolist(),
            "cards": people.card[patients].tolist(),
            "doctors": city.doc_id[np.intersect1d(g.doctors, claims.doctor[mine])].tolist(),
            "institutions": city.inst_id[np.intersect1d(g.institutions, claims.inst[mine])].tolist(),
            "operators": city.op_id[np.intersect1d(g.operators, claims.op[mine])].tolist(),
        },
        "claim_ids": [f"{p}{x:010d}" for x in s],
        "fund_amount": round(float(claims.fund[mine].sum()), 2),
    }
    if len(mine):
        entry["first_seen"] = str(np.datetime64(int(days.min()), "D"))
        entry["last_seen"] = str(np.datetime64(int(days.max()), "D"))
    return entry
