from __future__ import annotations

from datetime import date

import pytest

from app.views.queue import QueueFilter, clean_search, filter_queue, queue_frame, search_rings
from graph.detect.ring import Evidence, Ring


def _rings():
    return [
        Ring("R0001", 0.95, "card_collection", {"patients": ["P1", "P2"], "cards": ["C1", "C2"], "institutions": ["H1"]},
             ["X1", "X2", "X3"], 9000.0, "2024-01-05", "2024-02-01", [Evidence("刷卡", "swipes", ["X1"])],
             districts=["定海区"]),
        Ring("R0002", 0.80, "doctor_patient_collusion", {"patients": ["P3"], "doctors": ["D7"], "institutions": ["H2"]},
             ["X4"], 52000.0, "2024-03-01", "2024-06-30", districts=["普陀区"]),
        Ring("R0003", 0.40, "community", {"patients": ["P1", "P9"], "institutions": ["H1", "H3"]},
             ["X5", "X6"], 300.0, "2024-09-01", "2024-09-03", districts=["定海区", "普陀区"]),
    ]


def test_frame_keeps_score_order_and_counts():
    df = queue_frame(_rings(), {"R0003": "dismissed"}, {"R0002": 4}, lang="en")
    assert list(df["ring_id"]) == ["R0001", "R0002", "R0003"]
    assert list(df["members"]) == [5, 3, 4]
    assert list(df["status"]) == ["new", "new", "dismissed"]
    assert list(df["notes"]) == [0, 4, 0]
    assert df.loc[0, "evidence"] == "swipes"
    assert df.loc[0, "first_seen"] == date(2024, 1, 5)


@pytest.mark.parametrize(
    "f, expected",
    [
        (QueueFilter(), ["R0001", "R0002", "R0003"]),
        (QueueFilter(patterns=("community", "card_collection")), ["R0001", "R0003"]),
        (QueueFilter(districts=("普陀区",)), ["R0002", "R0003"]),
        (QueueFilter(institutions=("H1",)), ["R0001", "R0003"]),
        (QueueFilter(statuses=("dismissed",)), ["R0003"]),
        (QueueFilter(min_amount=1000, max_amount=10000), ["R0001"]),
        # overlap with the period, not containment
        (QueueFilter(since=date(2024, 6, 1), until=date(2024, 8, 31)), ["R0002"]),
        (QueueFilter(since=date(2024, 2, 1)), ["R0001", "R0002", "R0003"]),
        (QueueFilter(districts=("定海区",), min_amount=500), ["R0001"]),
    ],
)
def test_filters(f, expected):
    df = queue_frame(_rings(), {"R0003": "dismissed"})
    assert list(filter_queue(df, f)["ring_id"]) == expected


def test_search_by_any_id_prefix_case_insensitive():
    rings = _rings()
    assert search_rings(rings, "p1") == ["R0001", "R0003"]
    assert search_rings(rings, "D7") == ["R0002"]
    assert search_rings(rings, "r0002") == ["R0002"]
    assert search_rings(rings, "H3") == ["R0003"]
    assert search_rings(rings, "nothing") == []
    assert search_rings(rings, "   ") == []


def test_clean_search_refuses_markup_and_long_text():
    assert clean_search(" 3309**1234 ") == "3309**1234"
    with pytest.raises(ValueError):
        clean_search("<script>")
    with pytest.raises(ValueError):
        clean_search("x" * 65)
