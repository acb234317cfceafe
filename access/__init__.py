"""Access control: users and roles, login throttling, identity masking, the audit trail.

Every page of the app reads through :class:`access.guard.Guard`, so what a role may see is
decided in one place, below the pages.
"""
