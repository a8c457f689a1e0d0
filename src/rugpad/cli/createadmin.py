"""`rugpad createadmin`: the first practice and its practice admin on a fresh install.

    rugpad createadmin --practice "Fysio De Brug" --country nl --username anna --email anna@example.nl
    printf '%s\\n' "$PASSWORD" | rugpad createadmin ... --password-stdin

The password is asked twice at a terminal (never echoed) or read as one line from standard input with
`--password-stdin` (for scripts; it is never an argument, which other users could read in the process list).
Django's password validators judge it. The database is brought up to date first (as `rugpad serve` does), from the
same settings (`RUGPAD_DATA_DIR`, `DATABASE_URL`). Refusals — a weak password, a taken username, no password — are
one line on stderr naming the field and exit code 2; nothing is written then. Running it again with the same
username is refused, so a repeated set-up script creates nothing twice. Further accounts are invited from the
admin's Accounts page.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from rugpad.core.errors import InvalidInput


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "createadmin", help="create a practice and its practice admin (first set-up)"
    )
    parser.add_argument("--practice", required=True, help="the practice's name")
    parser.add_argument(
        "--country", choices=("nl", "be"), default="nl", help="nl or be: decides the emergency numbers patients see"
    )
    parser.add_argument("--username", required=True, help="the admin's username")
    parser.add_argument("--email", default="", help="the admin's e-mail address (for password resets)")
    parser.add_argument("--first-name", default="", help="the admin's first name")
    parser.add_argument("--last-name", default="", help="the admin's last name")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password as one line from standard input"
    )
    parser.set_defaults(run=run)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise InvalidInput("password", "give it with --password-stdin, or run the command in a terminal")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise InvalidInput("password", "the two passwords are not the same")
    return first


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rugpad.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def run(args: argparse.Namespace) -> int:
    for field, value, limit in (("practice", args.practice, 200), ("username", args.username, 150)):
        if not value.strip():
            raise InvalidInput(field, "must not be empty")
        if len(value) > limit or any(ord(ch) < 32 for ch in value):
            raise InvalidInput(field, f"at most {limit} characters on one line")
    password = _password(args)
    _setup_django()
    from django.contrib.auth import password_validation
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils import translation

    from rugpad.web.practice.accounts import AccountError, do_create_practice_with_admin
    from rugpad.web.practice.models import Role, User

    translation.activate("en")
    details = {"email": args.email.strip(), "first_name": args.first_name.strip(), "last_name": args.last_name.strip()}
    checks: list[tuple[str, Any]] = [
        ("username", lambda: UnicodeUsernameValidator()(args.username)),
        ("email", lambda: validate_email(details["email"]) if details["email"] else None),
        (
            "password",
            lambda: password_validation.validate_password(
                password, User(username=args.username, role=Role.ADMIN, **details)
            ),
        ),
    ]
    for field, check in checks:
        try:
            check()
        except ValidationError as error:
            raise InvalidInput(field, " ".join(str(message).rstrip(".") + "." for message in error.messages)) from None
    try:
        practice, admin = do_create_practice_with_admin(
            practice_name=args.practice.strip(),
            country=args.country,
            username=args.username,
            password=password,
            **details,
        )
    except AccountError as error:
        raise InvalidInput(error.field, error.message) from None
    print(
        f"created practice {practice.name!r} ({practice.country}) and its practice admin {admin.get_username()!r}; "
        "sign in at /login/ (rugpad serve) and invite clinicians from Accounts"
    )
    return 0
