"""A synthetic city with planted fraud rings and legitimate dense groups (``ringtrace synth``)."""

from ingest.synth.generate import generate

__all__ = ["generate"]
