"""The one exception hierarchy the command line turns into a clear paragraph and an exit code."""

__all__ = ["RingtraceError", "InputError", "WorkspaceError", "StoreError", "AccessDenied"]


class RingtraceError(Exception):
    """A failure the user can act on; its message is one paragraph, shown as is."""

    exit_code = 2


class InputError(RingtraceError):
    """An input file as a whole cannot be used (missing column, empty, undecodable)."""


class WorkspaceError(RingtraceError):
    """The workspace is missing, locked by another run, or inconsistent."""


class StoreError(RingtraceError):
    """The graph store failed (connection refused, authentication, query error)."""


class AccessDenied(RingtraceError):
    """The current role may not do or see this."""

    exit_code = 3
