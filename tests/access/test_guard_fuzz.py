"""Fuzzing what a leader can type or put in a URL: only short safe refusals, never an identity."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access.validate import BadParameter
from ringtrace.errors import AccessDenied

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fragments(identities):
    out = []
    for s in identities:
        out += [s, s[:6], s[:12], s[-4:], f" {s} ", s + "'", f"{s}) RETURN n //"]
    return out


def _check(call, identities, given_inputs):
    try:
        result = call()
    except (BadParameter, AccessDenied) as e:
        msg = str(e)
        assert len(msg) < 200 and "Traceback" not in msg and "File " not in msg
        for x in given_inputs:
            x = str(x).strip()
            if len(x) >= 6:
                assert x not in msg, "a refusal echoed its input"
        assert not [s for s in identities if s in msg]
        return None
    text = repr(result) + (result.to_csv() if isinstance(result, pd.DataFrame) else "")
    assert not [s for s in identities if s in text], "an identity reached a leader"
    return result


def _texts(city):
    return st.one_of(
        st.text(max_size=80),
        st.sampled_from(_fragments(city.identities)),
        st.from_regex(r"t_[0-9a-f]{20}", fullmatch=True),
        st.sampled_from(["D0", "H00", "R0001", "", "   ", "*", "%", "t_", "../../etc/passwd", "<script>"]),
    )


def test_search_text(city_guard, city):
    g = city_guard("leader")

    @FUZZ
    @given(_texts(city))
    def run(text):
        _check(lambda: g.find(text), city.identities, [text])

    run()


def test_entity_url_parameters(city_guard, city):
    g = city_guard("leader")
    tokens = [t for r in g.rings() for k in ("patients", "cards") for t in r.members[k]]
    types_ = st.one_of(st.sampled_from(["patient", "card", "doctor", "institution", "Patient", "claim"]), st.text(max_size=12))
    ids = st.one_of(_texts(city), st.sampled_from(tokens + ["D01", "H001"]))
    nums = st.one_of(st.integers(-5, 5000), st.text(max_size=6), st.sampled_from(["1", "2", "3", "200"]))
    dates = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["2024-03-01", "2024-02-30", "2024-3-1"]))

    @FUZZ
    @given(types_, ids, nums, nums, dates, dates)
    def run(t, i, hops, cap, since, until):
        _check(lambda: g.neighbourhood(t, i, hops=hops, max_nodes=cap, since=since, until=until),
               city.identities, [t, i, hops, cap, since, until])
        _check(lambda: g.entity(t, i), city.identities, [t, i])
        _check(lambda: g.entity_claims(t, i), city.identities, [t, i])

    run()


def test_ring_url_parameter(city_guard, city):
    g = city_guard("leader")

    @FUZZ
    @given(_texts(city))
    def run(rid):
        _check(lambda: g.ring(rid), city.identities, [rid])
        _check(lambda: g.ring_claims(rid), city.identities, [rid])
        _check(lambda: g.notes(rid), city.identities, [rid])

    run()
