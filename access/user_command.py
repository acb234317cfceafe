"""``ringtrace user add NAME --role ROLE`` (password on standard input), ``user list``,
``user disable NAME``, ``user enable NAME``.

The password is read as one line from standard input (``echo "$PW" | ringtrace user add ...``
in scripts); at a terminal it is asked for without echo, twice.
"""

from __future__ import annotations

import getpass
import sys

from access.roles import ROLE_LABELS, ROLES
from access.users import MIN_PASSWORD, UserError, add_user, list_users, set_disabled
from ringtrace.workspace import Workspace

__all__ = ["configure", "run"]


def configure(p) -> None:
    sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="create a user, or change its role and password",
                       description="Create a user, or change its role and password. The password "
                       f"(at least {MIN_PASSWORD} characters) is read as one line from standard input.")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=ROLES, help="what the user may see and do")
    sub.add_parser("list", help="list users and their roles", description="List users and their roles.")
    d = sub.add_parser("disable", help="stop a user from logging in", description="Stop a user from logging in.")
    d.add_argument("name", metavar="NAME")
    e = sub.add_parser("enable", help="let a disabled user log in again",
                       description="Let a disabled user log in again.")
    e.add_argument("name", metavar="NAME")


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("密码 / Password: ")
        if getpass.getpass("再次输入 / Again: ") != first:
            raise UserError("两次输入的密码不一致。/ The two passwords differ; nothing was changed.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise UserError(
            "没有从标准输入读到密码。/ No password on standard input: pipe it in, e.g. "
            "`printf '%s\\n' \"$PASSWORD\" | ringtrace user add NAME --role ROLE`."
        )
    return line.rstrip("\r\n")


def run(args, ws: Workspace) -> int:
    cmd = args.user_command
    if cmd == "add":
        user = add_user(ws, args.name, args.role, _read_password())
        print(f"user {user.name}: role {user.role} ({ROLE_LABELS[user.role]['zh']})")
        return 0
    if cmd == "list":
        rows = list_users(ws)
        if not rows:
            print("no users yet: add one with `ringtrace user add NAME --role ROLE`")
            return 0
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            state = "disabled" if r["disabled"] else "active"
            print(f"{r['name']:<{width}}  {r['role']:<12}  {state:<8}  updated {r['updated_at']}")
        return 0
    set_disabled(ws, args.name, disabled=(cmd == "disable"))
    print(f"user {args.name}: {'disabled' if cmd == 'disable' else 'enabled'}")
    return 0
