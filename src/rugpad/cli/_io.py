"""Input and output shared by every CLI command: read a JSON file or stdin, write JSON, fail cleanly."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang

EXIT_INVALID_INPUT = 2


def read_payload(path: str) -> Mapping[str, Any]:
    """The JSON object in `path` (``-`` for standard input); InvalidInput when it is not one."""
    try:
        if path == "-":
            raw = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                raw = handle.read()
    except OSError as exc:
        raise InvalidInput("file", f"cannot read {path!r}: {exc.strerror}") from None
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput("file", f"not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except ValueError:  # an integer of more than 4,300 digits: Python refuses to read it
        raise InvalidInput("file", "holds a number too long to read") from None
    except RecursionError:
        raise InvalidInput("file", "is nested too deeply") from None
    if not isinstance(payload, dict):
        raise InvalidInput("file", "must hold a JSON object")
    return payload


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def fail(error: InvalidInput) -> NoReturn:
    """One line on stderr naming the field, exit code 2; never a traceback."""
    print(f"rugpad: {error}", file=sys.stderr)
    raise SystemExit(EXIT_INVALID_INPUT)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """`--format json|text` (JSON, the contract, by default) and `--lang nl|en` for the words in the output."""
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.add_argument("--lang", choices=[lang.value for lang in Lang], default=Lang.EN.value)


def emit(args: argparse.Namespace, as_json: Callable[[Lang], Any], as_text: Callable[[Lang], str]) -> int:
    """Writes the result as the options ask: JSON for tools, text for a clinician at a terminal."""
    lang = Lang(args.lang)
    if args.format == "text":
        print(as_text(lang))
    else:
        emit_json(as_json(lang))
    return 0
