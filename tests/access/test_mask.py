import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from access.mask import mask_address, mask_card, mask_id, mask_name, mask_phone, mask_text


def test_the_agreed_forms():
    assert mask_id("330902199001011234") == "3309**********1234"
    assert mask_name("张三") == "张*"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_card("6222021234567890123") == "6222***********0123"


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA])
def test_blanks_pass_through(blank):
    for f in (mask_id, mask_name, mask_phone, mask_address, mask_text):
        out = f(blank)
        assert out is blank or (out != out)


def test_short_ids_reveal_at_most_a_quarter_each_side():
    assert mask_id("P0000004") == "P0****04"
    assert mask_id("C12") == "***"


def test_names_and_addresses():
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_address("浙江省舟山市定海区环城南路1号") == "浙江省舟山市定海区****"


def test_text_rewrites_known_ids_longest_first_then_any_id_or_phone():
    known = {"P1": "A", "P12": "B"}
    assert mask_text("P12 P1", known) == "B A"
    out = mask_text("身份证 33090219700303999X 手机 15000000004 卡 6222020000111122223")
    assert "33090219700303999X" not in out and "15000000004" not in out and "6222020000111122223" not in out
    assert "3309**********999X" in out and "150****0004" in out


@given(st.from_regex(r"\d{15,20}", fullmatch=True))
def test_masked_id_never_contains_the_id(s):
    m = mask_id(s)
    assert len(m) == len(s) and m != s
    assert sum(ch != "*" for ch in m) <= len(s) // 2


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.text(max_size=20))
def test_phones_inside_text_never_survive(phone, noise):
    noise = "".join(ch for ch in noise if not ch.isdigit())
    assert phone not in mask_text(noise + phone + noise)
