"""Small helpers the ring planters share."""

from __future__ import annotations

import numpy as np

from ingest.synth.city import City

__all__ = ["operators_of", "doctors_of", "round_cents"]


def operators_of(city: City, inst: int) -> np.ndarray:
    """Every cashier account of one institution (they are stored contiguously)."""
    first = city.op_start[inst, 0]
    return np.arange(first, first + city.op_count[inst].sum())


def doctors_of(city: City, inst: int) -> np.ndarray:
    return np.arange(city.doc_start[inst], city.doc_start[inst] + city.doc_count[inst])


def round_cents(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float), 2)
