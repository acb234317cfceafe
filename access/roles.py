"""Roles and what each may do: the one place a role check lives.

>>> can("leader", "view_identity")
False
>>> can("police", "export_referral")
True
>>> can("investigator", "export_referral")
False
>>> can("nobody", "view_dashboard")
False
"""

from __future__ import annotations

from ringtrace.errors import AccessDenied

__all__ = ["ROLES", "PERMISSIONS", "GRANTS", "ROLE_LABELS", "can", "require"]

ROLES: tuple[str, ...] = ("investigator", "police", "leader", "admin")

PERMISSIONS: tuple[str, ...] = (
    "view_identity",
    "export_referral",
    "export_claims",
    "annotate",
    "manage_users",
    "view_audit",
    "view_dashboard",
)

# permission -> roles holding it. Admin manages accounts and reads the audit, but is not an
# investigator: it sees identities no more than a leader does (least privilege).
GRANTS: dict[str, frozenset[str]] = {
    "view_identity": frozenset({"investigator", "police"}),
    "export_referral": frozenset({"police"}),
    "export_claims": frozenset({"investigator", "police"}),
    "annotate": frozenset({"investigator", "police"}),
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin"}),
    "view_dashboard": frozenset(ROLES),
}

ROLE_LABELS: dict[str, dict[str, str]] = {
    "investigator": {"zh": "稽核员", "en": "Investigator"},
    "police": {"zh": "移送联络", "en": "Police liaison"},
    "leader": {"zh": "局领导", "en": "Leader"},
    "admin": {"zh": "系统管理员", "en": "Administrator"},
}

_PERMISSION_LABELS: dict[str, str] = {
    "view_identity": "查看身份信息 / view identities",
    "export_referral": "导出移送材料 / export referral packs",
    "export_claims": "导出结算明细 / export claims",
    "annotate": "标注与备注 / set status and write notes",
    "manage_users": "管理用户 / manage users",
    "view_audit": "查看审计日志 / read the audit trail",
    "view_dashboard": "查看汇总 / view the dashboard",
}


def can(role: str | None, permission: str) -> bool:
    """Whether ``role`` holds ``permission``. Unknown permissions are a programming error."""
    if permission not in GRANTS:
        raise KeyError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")
    return role in GRANTS[permission]


def require(role: str | None, permission: str) -> None:
    """Raise :class:`AccessDenied` (a message fit to show) unless ``role`` holds ``permission``.

    >>> require("leader", "export_claims")
    Traceback (most recent call last):
    ...
    ringtrace.errors.AccessDenied: 当前角色无权限：导出结算明细 / Your role may not: export claims.
    """
    if not can(role, permission):
        zh, en = _PERMISSION_LABELS[permission].split(" / ")
        raise AccessDenied(f"当前角色无权限：{zh} / Your role may not: {en}.")
