"""``claims_per_patient``: a city sized by claims (about 5 a person-year, like a real city) keeps
its planted rings and legitimate groups, the seed guarantee and the default."""

import hashlib
import json

import pandas as pd
import pytest

from ingest.synth import generate
from ringtrace.cli import main
from ringtrace.errors import InputError


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ring_claims(truth):
    return sorted(len(r["claim_ids"]) for r in truth["rings"])


def test_rate_hits_the_target_and_keeps_rings_and_groups(tmp_path):
    base = generate(tmp_path / "base", patients=4000, seed=3)
    lean = generate(tmp_path / "lean", patients=4000, seed=3, claims_per_patient=5)
    assert base["claims"] / 4000 > 15  # the built-in rates
    # everyday claims average 5; rings and groups add their own on top
    normal = lean["claims"] - lean["planted_claims"]
    assert 4.5 <= normal / 4000 <= 6.5
    tb = json.loads((tmp_path / "base" / "truth.json").read_text(encoding="utf-8"))
    tl = json.loads((tmp_path / "lean" / "truth.json").read_text(encoding="utf-8"))
    assert tl["claims_per_patient"] == 5 and tb["claims_per_patient"] is None
    # rings and legitimate groups are drawn from their own streams: same people, same claim counts
    assert [r["members"]["patients"] for r in tl["rings"]] == [r["members"]["patients"] for r in tb["rings"]]
    assert _ring_claims(tl) == _ring_claims(tb)
    assert [g["members"]["patients"] for g in tl["legit_groups"]] == [g["members"]["patients"] for g in tb["legit_groups"]]


def test_few_claim_often_most_claim_seldom(tmp_path):
    generate(tmp_path / "c", patients=4000, seed=8, claims_per_patient=5)
    per = pd.read_csv(tmp_path / "c" / "input" / "claims.csv", usecols=["patient_id"])["patient_id"].value_counts()
    per = per.reindex(pd.read_csv(tmp_path / "c" / "input" / "patients.csv", usecols=["patient_id"])["patient_id"],
                      fill_value=0)
    assert per.median() < per.mean()  # skewed: a long tail of frequent claimants
    assert (per <= 2).mean() > 0.25 and per.max() >= 25


def test_same_seed_same_files_with_the_knob(tmp_path):
    generate(tmp_path / "a", patients=1500, seed=5, claims_per_patient=5)
    generate(tmp_path / "b", patients=1500, seed=5, claims_per_patient=5)
    generate(tmp_path / "c", patients=1500, seed=5, claims_per_patient=8)
    for name in ("input/claims.csv", "input/patients.csv", "truth.json"):
        assert _sha(tmp_path / "a" / name) == _sha(tmp_path / "b" / name), name
    assert _sha(tmp_path / "a" / "input/claims.csv") != _sha(tmp_path / "c" / "input/claims.csv")
    # people and the city do not depend on the rate
    assert _sha(tmp_path / "a" / "input/patients.csv") == _sha(tmp_path / "c" / "input/patients.csv")


def test_without_the_knob_files_are_as_before(tmp_path):
    # None and the command without the option give the built-in rates, byte for byte
    generate(tmp_path / "a", patients=1200, seed=9)
    assert main(["--home", str(tmp_path / "ws"), "synth", str(tmp_path / "b"), "--patients", "1200", "--seed", "9"]) == 0
    assert _sha(tmp_path / "a" / "input/claims.csv") == _sha(tmp_path / "b" / "input/claims.csv")


@pytest.mark.parametrize("bad", [0, -1, 1e6])
def test_bad_rate_is_refused_and_nothing_written(tmp_path, bad):
    with pytest.raises(InputError, match="Claims per patient"):
        generate(tmp_path / "x", patients=1000, seed=1, claims_per_patient=bad)
    assert not (tmp_path / "x").exists()


def test_command_option(tmp_path, capsys):
    out = tmp_path / "city"
    assert main(["--home", str(tmp_path / "ws"), "synth", str(out), "--patients", "2000", "--seed", "4",
                 "--claims-per-patient", "5"]) == 0
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["claims_per_patient"] == 5
    assert main(["synth", str(tmp_path / "d"), "--patients", "2000", "--claims-per-patient", "0"]) == 2
    assert "Claims per patient" in capsys.readouterr().err
