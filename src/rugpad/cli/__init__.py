"""The `rugpad` command. Each sub-command lives in its own module with `register(subparsers)`.

The shape of `score`, `triage`, `instruments` and `explain` is a contract other tools rely on
(see ../shared/contracts/cli.md): JSON on stdout, exit 2 with a one-line message for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from rugpad.cli._io import fail
from rugpad.core.errors import InvalidInput

COMMAND_MODULES = ("score", "triage", "evaluate", "instruments", "explain", "serve", "audit", "backup", "restore")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rugpad", description="Care pathway software for back and neck pain.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"rugpad.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
