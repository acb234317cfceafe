"""Login sessions that expire after inactivity.

The app keeps one :class:`Session` in its per-browser state; every page calls :meth:`touch`
and sends the user back to the login page once :meth:`expired` (the default idle limit is 30
minutes; ``RINGTRACE_SESSION_MINUTES`` changes it).

>>> s = Session(User("wang", "investigator"), idle_s=60, now=1000.0)
>>> s.expired(now=1059.0), s.expired(now=1061.0)
(False, True)
>>> s.touch(now=1050.0); s.expired(now=1100.0)
False
>>> Session(User("wang", "investigator"), max_s=100, now=0.0).expired(now=101.0)  # a working day at most
True
"""

from __future__ import annotations

import os
import time
from dataclasses import InitVar, dataclass, field

from access.users import User

__all__ = ["Session", "default_idle_s"]


def default_idle_s() -> float:
    """Idle limit in seconds: ``RINGTRACE_SESSION_MINUTES`` (default 30) times 60."""
    try:
        minutes = float(os.environ.get("RINGTRACE_SESSION_MINUTES", "30"))
    except ValueError:
        minutes = 30.0
    return max(1.0, minutes) * 60


@dataclass
class Session:
    user: User
    idle_s: float = field(default_factory=default_idle_s)
    # However active, a session ends after a working day: a forgotten tab does not stay open.
    max_s: float = 12 * 3600
    now: InitVar[float | None] = None  # when it starts; time.time() if None
    started: float = field(init=False)
    last_seen: float = field(init=False)

    def __post_init__(self, now: float | None) -> None:
        self.started = time.time() if now is None else now
        self.last_seen = self.started

    def expired(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return now - self.last_seen > self.idle_s or now - self.started > self.max_s

    def touch(self, now: float | None = None) -> None:
        """Note activity; an expired session stays expired (log in again)."""
        now = time.time() if now is None else now
        if not self.expired(now):
            self.last_seen = now
