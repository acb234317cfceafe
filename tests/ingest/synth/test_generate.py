import hashlib

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ingest.columns import CLAIM_ALIASES, CLAIM_COLUMNS, REFERENCE_COLUMNS, VISIT_TYPES
from ingest.synth import generate
from ingest.synth.idcard import is_valid
from ringtrace.errors import InputError

PATTERNS = ("card_collection", "doctor_patient_collusion", "impersonation", "drug_reselling", "split_hospitalization")
LEGIT_KINDS = ("family", "nursing_home", "health_check", "specialist_panel")


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files_and_other_seeds_differ(tmp_path):
    a = generate(tmp_path / "a", patients=1500, seed=5)
    b = generate(tmp_path / "b", patients=1500, seed=5)
    c = generate(tmp_path / "c", patients=1500, seed=6)
    assert a["claims"] == b["claims"]
    da, db, dc = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert da == db
    assert set(da) == set(dc)
    for name in ("input/claims.csv", "input/patients.csv", "truth.json"):
        assert da[name] != dc[name], name


def test_every_pattern_is_planted_several_times(small_city):
    rings = small_city.truth["rings"]
    for pattern in PATTERNS:
        mine = [r for r in rings if r["pattern"] == pattern]
        assert len(mine) >= 3, pattern
        for r in mine:
            assert r["claim_ids"] and r["fund_amount"] > 0
            assert len(r["members"]["patients"]) >= 3
            assert len(r["members"]["cards"]) == len(r["members"]["patients"])
            assert r["members"]["institutions"]
    assert {g["kind"] for g in small_city.truth["legit_groups"]} == set(LEGIT_KINDS)
    assert small_city.truth["claims"] == small_city.counts["claims"] == len(small_city.claims)


def test_groups_do_not_share_people(small_city):
    seen: set[str] = set()
    for g in small_city.truth["rings"] + small_city.truth["legit_groups"]:
        people = set(g["members"]["patients"])
        assert not (people & seen)
        seen |= people


def test_truth_claims_exist_and_belong_to_members(small_city):
    claims = small_city.claims.set_index("claim_id")
    assert claims.index.is_unique
    for g in small_city.truth["rings"] + small_city.truth["legit_groups"]:
        rows = claims.loc[g["claim_ids"]]
        assert set(rows["patient_id"]) == set(g["members"]["patients"]), g.get("ring_id", g.get("group_id"))
        assert set(rows["card_id"]) == set(g["members"]["cards"])
        assert set(rows["institution_id"]) >= set(g["members"]["institutions"])
        assert set(rows["doctor_id"]) >= set(g["members"]["doctors"])
        assert set(rows["operator_id"]) >= set(g["members"]["operators"])
        if "fund_amount" in g:
            assert rows["fund_amount"].astype(float).sum() == pytest.approx(g["fund_amount"], abs=0.05)


def test_claims_are_valid_per_the_contract(small_city):
    c = small_city.claims
    assert list(c.columns) == list(CLAIM_COLUMNS)
    total = c["total_amount"].astype(float)
    fund = c["fund_amount"].astype(float)
    assert (total >= 0).all() and (fund >= 0).all() and (fund <= total + 1e-9).all()
    assert set(c["visit_type"]) == set(VISIT_TYPES)
    settled = pd.to_datetime(c["settled_at"], format="%Y-%m-%d %H:%M:%S")
    assert settled.dt.year.eq(2024).all()
    assert settled.is_monotonic_increasing  # serials follow time
    stay = c["visit_type"] == "inpatient"
    adm = pd.to_datetime(c.loc[stay, "admitted_on"], format="%Y-%m-%d")
    dis = pd.to_datetime(c.loc[stay, "discharged_on"], format="%Y-%m-%d")
    assert (adm <= dis).all() and (dis == settled[stay].dt.normalize()).all()
    assert (c.loc[~stay, ["admitted_on", "discharged_on"]] == "").all().all()
    assert (c.loc[c["visit_type"] == "pharmacy", "doctor_id"] == "").all()
    assert (c.loc[c["visit_type"] != "pharmacy", "doctor_id"] != "").all()
    # every id in the claims is in the reference files
    assert set(c["patient_id"]) <= set(small_city.patients["patient_id"])
    assert set(c["institution_id"]) <= set(small_city.institutions["institution_id"])
    assert set(c["doctor_id"]) - {""} <= set(small_city.doctors["doctor_id"])
    # the card used is the patient's own card
    cards = small_city.patients.set_index("patient_id")["card_id"]
    assert (cards.loc[c["patient_id"]].to_numpy() == c["card_id"].to_numpy()).all()


def test_volume_and_daytime(small_city):
    c = small_city.claims
    per_person = len(c) / small_city.counts["patients"]
    assert 14 <= per_person <= 30
    hour = pd.to_datetime(c["settled_at"]).dt.hour
    assert ((hour >= 7) & (hour < 21)).mean() > 0.85
    assert c["visit_type"].eq("inpatient").mean() < 0.05


def test_people_ids_cards_households(small_city):
    p = small_city.patients
    assert list(p.columns) == list(REFERENCE_COLUMNS["patients"])
    assert p["patient_id"].is_unique and p["card_id"].is_unique
    assert not set(p["patient_id"]) & set(p["card_id"])
    assert is_valid(p["patient_id"].to_numpy()).all()
    assert p["patient_id"].str.endswith("X").any()
    assert p["phone"].str.fullmatch(r"1\d{10}").all()
    # the birth year inside the id is the birth year column
    assert (p["patient_id"].str[6:10] == p["birth_year"]).all()
    # sex inside the id: odd 17th digit for men
    odd = p["patient_id"].str[16].astype(int) % 2 == 1
    assert (odd == (p["sex"] == "M")).all()
    by_address = p.groupby("address")["phone"].nunique()
    assert (by_address == 1).all()  # a household shares one phone
    assert (p.groupby("address").size() > 1).mean() > 0.5


def test_institutions_reference(small_city):
    inst = small_city.institutions
    assert list(inst.columns)[:7] == list(REFERENCE_COLUMNS["institutions"])
    assert set(inst["kind"]) == {"hospital", "clinic", "pharmacy"}
    hospitals = inst[inst["kind"] == "hospital"]
    assert set(hospitals["level"]) == {"1", "2", "3"}
    assert (inst.loc[inst["kind"] != "hospital", "level"] == "").all()
    assert "private" in set(hospitals["ownership"])
    assert inst["institution_id"].is_unique and inst["name"].is_unique
    assert inst["lat"].astype(float).between(29, 31).all()


def test_gb18030_and_parquet_formats(tmp_path):
    generate(tmp_path / "zh", patients=1000, seed=2, fmt="csv-gb18030")
    raw = (tmp_path / "zh" / "input" / "claims.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    zh = pd.read_csv(tmp_path / "zh" / "input" / "claims.csv", encoding="gb18030", dtype=str)
    assert list(zh.columns) == [CLAIM_ALIASES[c][0] for c in CLAIM_COLUMNS]
    assert set(zh["医疗类别"]) == {"门诊", "住院", "药店购药"}
    pts = pd.read_csv(tmp_path / "zh" / "input" / "patients.csv", encoding="gb18030", dtype=str)
    assert "姓名" in pts.columns

    generate(tmp_path / "pq", patients=1000, seed=2, fmt="parquet")
    t = pq.read_table(tmp_path / "pq" / "input" / "claims.parquet").to_pandas()
    assert list(t.columns) == list(CLAIM_COLUMNS)
    assert len(t) == len(zh)
    assert list(t["claim_id"]) == list(zh["结算单号"])
    # a later run in another format replaces, not adds to, the input folder
    generate(tmp_path / "pq", patients=1000, seed=2, fmt="csv")
    assert sorted(p.name for p in (tmp_path / "pq" / "input").iterdir()) == [
        "claims.csv", "doctors.csv", "institutions.csv", "patients.csv"]


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="at least 1000"):
        generate(tmp_path, patients=10)
    with pytest.raises(InputError, match="csv-gb18030"):
        generate(tmp_path, patients=1000, fmt="xlsx")
    assert not (tmp_path / "input").exists()
