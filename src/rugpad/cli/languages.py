"""`rugpad languages`: the content check for languages — every content text or education module that lacks one of
the languages rugpad speaks. Exit 0 when the content is complete, 1 listing each gap (a reviewer's to-do list)."""

from __future__ import annotations

import argparse
from typing import Any

from rugpad import engine
from rugpad.core.vocab import Lang

EXIT_INCOMPLETE = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("languages", help="list content texts that lack a language")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    gaps = engine.missing_translations()
    spoken = ", ".join(lang.value for lang in Lang)
    if not gaps:
        print(f"content complete in every language ({spoken})")
        return 0
    for gap in gaps:
        print(gap)
    print(f"{len(gaps)} texts lack a language ({spoken})")
    return EXIT_INCOMPLETE
