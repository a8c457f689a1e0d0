"""The `rugpad` command. Each sub-command lives in its own module with `register(subparsers)`.

The shape of `score`, `triage`, `instruments` and `explain` is a contract other tools rely on
(see docs/cli.md): JSON on stdout, exit 2 with a one-line message for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from rugpad.cli._io import fail
from rugpad.core.errors import InvalidInput

COMMAND_MODULES = (
    "score",
    "triage",
    "evaluate",
    "instruments",
    "explain",
    "serve",
    "worker",
    "audit",
    "backup",
    "restore",
    "createadmin",
    "languages",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `rugpad` parser with every sub-command, or with `only` that one (same usage, help and errors for it:
    argparse prints a sub-command's usage from its own parser), so a command imports just its own module."""
    parser = argparse.ArgumentParser(prog="rugpad", description="Care pathway software for back and neck pain.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        import_module(f"rugpad.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    # A known command first (``rugpad triage FILE``): load only its module; anything else (``--help``, a typo)
    # gets the full parser, whose help and "invalid choice" message list every command.
    first = arguments[0] if arguments else None
    parser = build_parser(first if first in COMMAND_MODULES else None)
    args = parser.parse_args(arguments)
    try:
        return int(args.run(args) or 0)
    except InvalidInput as error:
        fail(error)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
