"""Small synthetic cities shared by the synth tests (built once per module: a few seconds)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ingest.synth import generate

SMALL = 3000


class City:
    def __init__(self, root, counts):
        self.root = root
        self.counts = counts
        self.truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
        inp = root / "input"
        self.claims = pd.read_csv(inp / "claims.csv", dtype=str, keep_default_na=False)
        self.patients = pd.read_csv(inp / "patients.csv", dtype=str, keep_default_na=False)
        self.institutions = pd.read_csv(inp / "institutions.csv", dtype=str, keep_default_na=False)
        self.doctors = pd.read_csv(inp / "doctors.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="package")
def small_city(tmp_path_factory) -> City:
    """A 3,000-person city, seed 11, written as UTF-8 CSV."""
    root = tmp_path_factory.mktemp("city11")
    return City(root, generate(root, patients=SMALL, seed=11))
