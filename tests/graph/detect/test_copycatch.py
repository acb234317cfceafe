"""CopyCatch's climb grows a lockstep group from a partial seed and drops those out of step."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.detect.copycatch import climb
from graph.detect.frame import ClaimFrame


def test_climb_adds_missed_members_and_drops_the_out_of_step():
    rows = []
    for d in range(6):
        for k in range(6):  # six people at one of three places each day, the same hour
            rows.append((f"s{d}{k}", f"P{k}", f"Y{d % 3}", f"2024-04-{d + 1:02d} 10:{5 * k:02d}"))
        rows.append((f"late{d}", "Q", f"Y{d % 3}", f"2024-04-{d + 1:02d} 19:00"))  # same places, evenings
    claims = pd.DataFrame(rows, columns=["claim_id", "patient_id", "institution_id", "settled_at"])
    claims["settled_at"] = pd.to_datetime(claims["settled_at"])
    claims["total_amount"] = 50.0
    f = ClaimFrame(claims)
    seed = np.array([f.labels["patient"].tolist().index(p) for p in ("P0", "P1", "P2", "Q")])
    users, pages = climb(f, seed, delta=90)
    assert f.ids("patient", users) == [f"P{k}" for k in range(6)]
    assert len(pages) == 6
