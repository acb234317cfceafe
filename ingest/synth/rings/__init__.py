"""Planted rings, one module per pattern of DOMAIN.md."""

from __future__ import annotations

from ingest.synth.rings import card_collection, collusion, impersonation, reselling, split_stay

__all__ = ["PLANTERS", "plant_rings"]

PLANTERS = {
    "card_collection": card_collection.plant,
    "doctor_patient_collusion": collusion.plant,
    "impersonation": impersonation.plant,
    "drug_reselling": reselling.plant,
    "split_hospitalization": split_stay.plant,
}


def plant_rings(rng, people, city, cal, picker, reg) -> list:
    out = []
    for plant in PLANTERS.values():
        out += plant(rng, people, city, cal, picker, reg)
    return out
