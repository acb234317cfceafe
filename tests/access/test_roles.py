import pytest

from access.roles import GRANTS, PERMISSIONS, ROLES, can, require
from ringtrace.errors import AccessDenied


def test_roles_and_permissions_as_agreed():
    assert ROLES == ("investigator", "police", "leader", "admin")
    assert set(GRANTS) == set(PERMISSIONS)
    table = {p: sorted(r for r in ROLES if can(r, p)) for p in PERMISSIONS}
    assert table == {
        "view_identity": ["investigator", "police"],
        "export_referral": ["police"],
        "export_claims": ["investigator", "police"],
        "annotate": ["investigator", "police"],
        "manage_users": ["admin"],
        "view_audit": ["admin"],
        "view_dashboard": ["admin", "investigator", "leader", "police"],
    }


def test_unknown_permission_is_a_programming_error():
    with pytest.raises(KeyError):
        can("admin", "delete_everything")


def test_require_raises_a_message_fit_to_show():
    require("police", "export_referral")
    with pytest.raises(AccessDenied, match="export referral"):
        require("investigator", "export_referral")
    with pytest.raises(AccessDenied):
        require(None, "view_dashboard")
