"""``python main.py users``: manage the backend's users from a shell on the server (the first administrator
of an install, a locked-out administrator, scripted provisioning).

    python main.py users add NAME --role admin [--display-name "..."] [--password-file FILE]
    python main.py users passwd NAME [--password-file FILE]
    python main.py users set NAME [--role R] [--disable | --enable]
    python main.py users list

It opens the backend's database from the same settings as ``python main.py backend`` (``--config``,
``--data-dir``, environment) and migrates it first. A password comes from ``--password-file`` (first line; a
secret file) or is asked for twice on the terminal; it is never a command-line argument. Changes made here are
written to the audit log under the actor ``cli:<OS user>``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from backend.auth.audit import AuditLog, AuditRecord
from backend.auth.passwords import Passwords
from backend.auth.permissions import ROLES
from backend.auth.users import UserStore
from backend.db.engine import Database
from backend.db.migrate import upgrade_to_head
from backend.errors import BilingualError
from backend.settings import BackendSettings, SettingsError, load_settings, read_secret_file
from milestone.clock import SystemClock


def add_users_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``users`` sub-commands and the settings options they share with ``backend``."""
    parser.add_argument("--config", type=Path, default=None, help="settings file (TOML); default $BACKEND_CONFIG")
    parser.add_argument("--data-dir", type=Path, default=None, help="the backend's data directory")
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--password-file", type=Path, default=None)
    passwd = sub.add_parser("passwd", help="set a user's password (ends their sessions, unlocks them)")
    passwd.add_argument("username")
    passwd.add_argument("--password-file", type=Path, default=None)
    change = sub.add_parser("set", help="change a user's role or enable/disable them")
    change.add_argument("username")
    change.add_argument("--role", choices=ROLES, default=None)
    state = change.add_mutually_exclusive_group()
    state.add_argument("--disable", action="store_true")
    state.add_argument("--enable", action="store_true")
    sub.add_parser("list", help="list the users")


def _password(path: Path | None) -> str:
    if path is not None:
        return read_secret_file(path)
    if not sys.stdin.isatty():
        raise SettingsError("no terminal to ask for the password: use --password-file")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise SettingsError("the two passwords differ")
    return first


def _settings(args: argparse.Namespace) -> BackendSettings:
    overrides = {"data_dir": str(args.data_dir.resolve())} if args.data_dir is not None else {}
    return load_settings(args.config, overrides=overrides)


def run_users(args: argparse.Namespace) -> int:
    """Run one ``users`` sub-command; 0 on success, 1 with a message on stderr otherwise."""
    try:
        settings = _settings(args)
        db = Database.from_url(settings.db_url)
    except (SettingsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    clock = SystemClock()
    try:
        upgrade_to_head(db.engine)
        users = UserStore(db.engine, clock, Passwords(min_length=settings.auth.password_min_length))
        command = args.users_command
        if command == "list":
            for u in users.list():
                flags = " disabled" if u.disabled else ""
                print(f"{u.username}\t{u.role}{flags}\t{u.display_name}")
            return 0
        if command == "add":
            user = users.create(args.username, _password(args.password_file), args.role, args.display_name)
            detail: dict[str, object] = {"username": user.username, "role": user.role}
        elif command == "passwd":
            user = users.update(args.username, password=_password(args.password_file))
            detail = {"username": user.username, "changed": ["password"]}
        else:
            disabled = True if args.disable else (False if args.enable else None)
            user = users.update(args.username, role=args.role, disabled=disabled)
            detail = {"username": user.username, "role": user.role, "disabled": user.disabled}
        AuditLog(db.engine).write(
            [
                AuditRecord(
                    at_us=int(clock.time() * 1_000_000),
                    actor=f"cli:{getpass.getuser()}",
                    actor_kind="token",
                    action=f"CLI users {command}",
                    target=f"username={user.username}",
                    outcome="success",
                    status=0,
                    detail=detail,
                )
            ]
        )
        print(f"{command}: {user.username} ({user.role}{', disabled' if user.disabled else ''})")
        return 0
    except BilingualError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
