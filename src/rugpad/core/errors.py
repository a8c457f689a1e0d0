"""The one exception the core raises for bad input."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that cannot be used, with the offending field named.

    `field` is a path such as ``"odi: item 4"`` or ``"signs[2]"``; `str(error)` is the one-line message
    that the CLI prints and the web forms show next to the field.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
