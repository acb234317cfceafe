"""Ring detectors over the analytic copy; each module one detector, one shared Ring type."""

__all__: list[str] = []
