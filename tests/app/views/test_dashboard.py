from __future__ import annotations

from app.views.dashboard import mapping_frame, sections


def test_sections_by_shape_in_display_order():
    s = {
        "note": "no personal data",
        "by_district": {"定海区": 3, "普陀区": 5},
        "rings": 8,
        "by_status": {"new": {"rings": 5, "fund_amount": 10.0}, "referred": {"rings": 3, "fund_amount": 2.0}},
        "top": [{"institution_id": "H1", "rings": 2}],
        "empty": [],
        "fund_amount": 12.0,
        "flag": True,
    }
    kinds = [(k, key) for k, key, _ in sections(s)]
    assert kinds[:2] == [("metric", "rings"), ("metric", "fund_amount")]
    assert ("bars", "by_district") in kinds
    assert ("table", "by_status") in kinds and ("table", "top") in kinds
    assert ("text", "note") in kinds
    assert all(key != "empty" for _, key in kinds)
    # a boolean is not a headline number
    assert ("metric", "flag") not in kinds
    table = dict((key, v) for k, key, v in sections(s) if k == "table")["by_status"]
    assert table[0] == {"": "new", "rings": 5, "fund_amount": 10.0}


def test_mapping_frame_largest_first():
    assert mapping_frame({"a": 1, "b": 3, "c": 2})["name"].tolist() == ["b", "c", "a"]
