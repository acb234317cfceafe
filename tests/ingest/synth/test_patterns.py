"""Each planted pattern shows the signature DOMAIN.md describes, and normal life does not."""

import numpy as np
import pandas as pd
import pytest

from ingest.synth.diagnoses import fits
from ingest.synth.geo import haversine_km


@pytest.fixture(scope="module")
def city(small_city):
    c = small_city.claims.copy()
    c["settled_at"] = pd.to_datetime(c["settled_at"])
    c["total_amount"] = c["total_amount"].astype(float)
    c["fund_amount"] = c["fund_amount"].astype(float)
    people = small_city.patients.set_index("patient_id")
    inst = small_city.institutions.set_index("institution_id")
    return small_city.truth, c.set_index("claim_id", drop=False), people, inst


def _rings(truth, pattern):
    return [r for r in truth["rings"] if r["pattern"] == pattern]


def test_card_collection_bursts(city):
    truth, claims, people, inst = city
    for r in _rings(truth, "card_collection"):
        rows = claims.loc[r["claim_ids"]].sort_values("settled_at")
        assert rows["institution_id"].nunique() == 1 and rows["operator_id"].nunique() == 1
        assert r["members"]["operators"] == [rows["operator_id"].iloc[0]]
        assert inst.loc[rows["institution_id"].iloc[0], "kind"] in ("pharmacy", "clinic")
        for _, burst in rows.groupby(rows["settled_at"].dt.date):
            gaps = burst["settled_at"].diff().dropna().dt.total_seconds()
            assert (gaps <= 420).all()  # minutes apart
        amounts = rows["total_amount"]
        assert (amounts / amounts.median()).between(0.95, 1.05).all()
        assert rows["settled_at"].dt.date.nunique() >= 4  # repeated over weeks
        assert people.loc[r["members"]["patients"], "region"].nunique() >= 3  # holders share nothing
    after_hours = pd.concat([claims.loc[r["claim_ids"]] for r in _rings(truth, "card_collection")])
    assert (after_hours["settled_at"].dt.hour >= 19).mean() > 0.3


def test_collusion_waves(city):
    truth, claims, people, inst = city
    for r in _rings(truth, "doctor_patient_collusion"):
        rows = claims.loc[r["claim_ids"]]
        assert (rows["visit_type"] == "inpatient").all()
        assert rows["institution_id"].nunique() == 1 and rows["doctor_id"].nunique() <= 3
        assert set(rows["doctor_id"]) <= set(r["members"]["doctors"])
        adm = pd.to_datetime(rows["admitted_on"]).to_numpy()
        dis = pd.to_datetime(rows["discharged_on"]).to_numpy()
        overlap = (adm[:, None] < dis[None, :]) & (adm[None, :] < dis[:, None])
        assert overlap.sum() - len(rows) >= len(rows)  # stays overlap
        assert rows["patient_id"].value_counts().max() >= 2  # the same people come back
        assert rows["fund_amount"].median() > 5000
        assert rows["diagnosis"].nunique() <= 3
        home = inst.loc[rows["institution_id"].iloc[0], "region"]
        recruits = people.loc[r["members"]["patients"]]
        assert (recruits["region"] != home).mean() >= 0.5
        assert (2024 - recruits["birth_year"].astype(int) >= 60).mean() >= 0.5


def test_impersonation_far_misfit_and_impossible_travel(city):
    truth, claims, people, inst = city
    misfits = 0
    impossible = 0
    for r in _rings(truth, "impersonation"):
        rows = claims.loc[r["claim_ids"]]
        holders = people.loc[rows["patient_id"]]
        assert (holders["region"].to_numpy() != inst.loc[rows["institution_id"], "region"].to_numpy()).all()
        ok = fits(rows["diagnosis"].to_numpy(), 2024 - holders["birth_year"].astype(int).to_numpy(),
                  (holders["sex"] == "M").to_numpy())
        misfits += int((~ok).sum())
        # the same card somewhere else within twenty minutes
        mine = claims[claims["card_id"].isin(r["members"]["cards"])].sort_values(["card_id", "settled_at"])
        lat = inst.loc[mine["institution_id"], "lat"].astype(float).to_numpy()
        lon = inst.loc[mine["institution_id"], "lon"].astype(float).to_numpy()
        same = mine["card_id"].to_numpy()[1:] == mine["card_id"].to_numpy()[:-1]
        dt_h = np.diff(mine["settled_at"].to_numpy()).astype("timedelta64[s]").astype(float) / 3600
        km = haversine_km(lat[1:], lon[1:], lat[:-1], lon[:-1])
        impossible += int((same & (dt_h < 0.4) & (km > 25)).sum())  # faster than 60 km/h
    assert misfits > 0
    assert impossible > 0


def test_drug_reselling_tours(city):
    truth, claims, people, inst = city
    for r in _rings(truth, "drug_reselling"):
        rows = claims.loc[r["claim_ids"]]
        assert rows["diagnosis"].nunique() == 1
        per_day = rows.groupby([rows["patient_id"], rows["settled_at"].dt.date])["institution_id"].nunique()
        assert per_day.max() >= 3  # several institutions the same day
        together = rows.groupby(rows["settled_at"].dt.date)["patient_id"].nunique()
        assert together.min() >= 3
        assert rows["institution_id"].nunique() >= 5
        assert rows["total_amount"].median() > 500


def test_split_hospitalization_readmissions(city):
    truth, claims, people, inst = city
    for r in _rings(truth, "split_hospitalization"):
        rows = claims.loc[r["claim_ids"]].sort_values(["patient_id", "admitted_on"])
        assert rows["institution_id"].nunique() == 1
        adm = pd.to_datetime(rows["admitted_on"])
        dis = pd.to_datetime(rows["discharged_on"])
        same = rows["patient_id"].to_numpy()[1:] == rows["patient_id"].to_numpy()[:-1]
        gap = (adm.to_numpy()[1:] - dis.to_numpy()[:-1]).astype("timedelta64[D]").astype(int)
        readmit = same & (gap >= 0) & (gap <= 5)
        assert readmit.sum() >= len(r["members"]["patients"])  # at least one split per patient
        assert rows["settled_at"].dt.month.nunique() >= 6  # spread over the year, not a wave


def test_legit_groups_look_dense_but_innocent(city):
    truth, claims, people, inst = city
    kinds = {g["kind"]: g for g in truth["legit_groups"]}
    home = claims.loc[kinds["nursing_home"]["claim_ids"]]
    assert home["doctor_id"].nunique() == 1 and home["settled_at"].dt.date.nunique() >= 20
    assert people.loc[kinds["nursing_home"]["members"]["patients"], "address"].nunique() == 1
    check = claims.loc[kinds["health_check"]["claim_ids"]]
    assert check["settled_at"].dt.date.nunique() <= 2 and (check["fund_amount"] == 0).all()
    fam = kinds["family"]
    assert people.loc[fam["members"]["patients"], "address"].nunique() == 1


def test_diagnoses_fit_everyone_but_impersonation(city):
    truth, claims, people, inst = city
    borrowed = {cid for r in _rings(truth, "impersonation") for cid in r["claim_ids"]}
    rest = claims[~claims.index.isin(borrowed)]
    who = people.loc[rest["patient_id"]]
    ok = fits(rest["diagnosis"].to_numpy(), 2024 - who["birth_year"].astype(int).to_numpy(), (who["sex"] == "M").to_numpy())
    assert ok.all(), rest[~ok][["diagnosis"]].value_counts().head()
    # pregnancy and births appear, and only for women of child-bearing age
    preg = rest["diagnosis"].str.startswith("O")
    assert preg.any()


def test_normal_life_has_innocent_lookalikes(city):
    """Night sales, readmissions and shared phones also happen innocently, so no detector can
    flag them on their own."""
    truth, claims, people, inst = city
    planted = {cid for r in truth["rings"] for cid in r["claim_ids"]}
    normal = claims[~claims.index.isin(planted)]
    night = normal[(normal["visit_type"] == "pharmacy") & (normal["settled_at"].dt.hour >= 22)]
    assert len(night) > 0
    stays = normal[normal["visit_type"] == "inpatient"].sort_values(["patient_id", "admitted_on"])
    same = (stays["patient_id"].to_numpy()[1:] == stays["patient_id"].to_numpy()[:-1]) & (
        stays["institution_id"].to_numpy()[1:] == stays["institution_id"].to_numpy()[:-1])
    gap = (pd.to_datetime(stays["admitted_on"]).to_numpy()[1:]
           - pd.to_datetime(stays["discharged_on"]).to_numpy()[:-1]).astype("timedelta64[D]").astype(int)
    assert (same & (gap >= 0) & (gap <= 30)).sum() > 0
    phones = people.groupby("phone")["address"].nunique()
    assert (phones > 1).any()
