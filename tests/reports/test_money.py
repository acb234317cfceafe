"""Integer fen: rounding once per amount, so row sums and totals agree exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, strategies as st

from reports.money import fen_to_decimal, to_fen, yuan


@given(st.lists(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False), max_size=50))
def test_fen_of_two_decimal_amounts_is_exact(amounts):
    # amounts arrive as floats; their fen must be the decimal value's, whatever float did to it
    fens = [to_fen(float(a)) for a in amounts]
    assert fens == [int(a * 100) for a in amounts]
    assert fen_to_decimal(sum(fens)) == sum(amounts, Decimal("0")).quantize(Decimal("0.01"))


@given(st.floats(min_value=0, max_value=1e8, allow_nan=False))
def test_rounding_is_half_up_on_the_shortest_decimal(x):
    assert to_fen(x) == int(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_yuan_text_round_trips(fen):
    assert to_fen(yuan(fen).replace(",", "")) == fen
