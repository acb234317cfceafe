from __future__ import annotations

from app.views.dashboard import extra_sections, headline, table, yuan


def _summary():
    return {
        "generated_at": "2026-11-22T10:00:00+08:00",
        "totals": {"rings": 4, "claims": 120, "patients": 30, "doctors": 2, "institutions": 3,
                   "fund_at_stake_fen": 1234500, "fund_confirmed_fen": 0, "fund_referred_fen": 0,
                   "fund_dismissed_fen": 100},
        "by_status": [{"status": "new", "label_zh": "新发现", "label_en": "New", "rings": 4, "fund_fen": 1234600}],
        "by_pattern": [{"pattern": "impersonation", "label_zh": "冒名就医", "rings": 4, "fund_fen": 1234600}],
        "trend": [{"month": "2024-01", "rings_started": 2, "claims": 50, "fund_fen": 99}],
        "something_new": [{"a": 1}],
    }


def test_headline_in_yuan_and_counts():
    figures = dict(headline(_summary()["totals"], "en"))
    assert figures["Rings"] == "4"
    assert figures["Fund at stake (not dismissed)"] == "¥12,345"
    assert figures["Fund dismissed"] == "¥1"


def test_tables_name_codes_and_convert_money():
    df = table(_summary()["by_status"], "by_status", "zh")
    assert df.columns.tolist() == ["状态", "团伙数", "基金金额(元)"]
    assert df.iloc[0].tolist() == ["新发现", 4, 12346.0]
    df = table(_summary()["by_pattern"], "by_pattern", "en")
    assert df.iloc[0]["Pattern"] == "Impersonation (borrowed cards)"
    assert table(_summary()["trend"], "trend", "en").iloc[0]["Fund amount (yuan)"] == 0.99


def test_unknown_keys_are_still_shown():
    assert extra_sections(_summary()) == [("something_new", [{"a": 1}])]


def test_yuan():
    assert yuan(5) == "¥0.05"
