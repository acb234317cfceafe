"""referral.toml: defaults, provinces, and clear refusals."""

from __future__ import annotations

import pytest

from reports.config import ConfigError, ReferralConfig, load_config, load_config_text


def test_absent_file_gives_domain_defaults(fresh_ws):
    cfg = load_config(fresh_ws)
    assert cfg == ReferralConfig()
    t = cfg.thresholds
    assert (t.large_fen, t.huge_fen, t.especially_huge_fen) == (300000, 3000000, 50000000)


def test_full_file_with_province(fresh_ws):
    (fresh_ws.root / "referral.toml").write_text(
        'bureau = "舟山市医疗保障局"\naddressee = "舟山市公安局"\ncase_no_prefix = "舟医保移"\n'
        'contact = "基金监管科"\nprovince = "浙江"\n[thresholds]\nlarge = 5000\n'
        '[thresholds.provinces."浙江"]\nlarge = 6000\nhuge = 100000\n'
        '[thresholds.provinces."上海"]\nlarge = 3000.5\n', encoding="utf-8")
    cfg = load_config(fresh_ws)
    assert cfg.bureau == "舟山市医疗保障局" and cfg.addressee == "舟山市公安局" and cfg.contact == "基金监管科"
    assert (cfg.thresholds.large_fen, cfg.thresholds.huge_fen, cfg.thresholds.especially_huge_fen) == (
        600000, 10000000, 50000000)
    assert cfg.thresholds.region == "浙江"


def test_province_without_its_table_uses_the_base_table():
    cfg = load_config_text('province = "江苏"\n[thresholds]\nlarge = 4000\n')
    assert cfg.thresholds.large_fen == 400000 and cfg.thresholds.region == "江苏"


@pytest.mark.parametrize("text, match", [
    ("bureau = ", "not valid TOML"),
    ("[thresholds]\nlarge = 2999.99\n", "outside the band"),
    ("[thresholds]\nhuge = 100001\n", "outside the band"),
    ("[thresholds]\nespecially_huge = 499999\n", "outside the band"),
    ("[thresholds]\nlarge = \"lots\"\n", "not a number"),
    ("[thresholds]\nbig = 5000\n", "unknown threshold key"),
])
def test_bad_values_are_refused_with_the_key_named(text, match):
    with pytest.raises(ConfigError, match=match):
        load_config_text(text)


def test_non_utf8_file(fresh_ws):
    (fresh_ws.root / "referral.toml").write_bytes('bureau = "医保局"'.encode("gb18030"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(fresh_ws)
