import numpy as np

from ingest.synth.idcard import check_digits, is_valid, make_ids


def test_known_ids():
    # the standard's own example and a hand-checked one
    assert str(check_digits(np.array(["11010519491231002"]))[0]) == "X"
    assert bool(is_valid("11010519491231002X"))
    assert bool(is_valid("11010519491231002x"))  # lower-case x is the same id
    assert not is_valid("110105194912310021")
    assert not is_valid("1101051949123100")


def test_made_ids_are_unique_valid_and_carry_sex_and_birth():
    rng = np.random.default_rng(0)
    n = 5000
    region = np.full(n, "330106")
    birth = np.full(n, np.datetime64("1980-02-29"))  # everyone shares one birthday: forces clashes to be redrawn
    male = rng.random(n) < 0.5
    ids = make_ids(rng, region[:900], birth[:900], male[:900])
    assert len(set(ids)) == 900
    assert is_valid(ids).all()
    assert all(s.startswith("33010619800229") for s in ids)
    assert ((np.array([int(s[16]) for s in ids]) % 2 == 1) == male[:900]).all()
