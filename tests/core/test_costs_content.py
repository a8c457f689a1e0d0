"""The cost content loads and is validated: a malformed file is refused naming the file and the field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rugpad.content import ContentError, read_yaml
from rugpad.content import costs as loader
from rugpad.core.costs import ASSUMPTION_VALUES, Country, SessionKind
from rugpad.core.vocab import Evidence


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Any], None]]:
    """Serve one content file's data as given; the loaders' caches are cleared before and after."""

    def serve(path: str, data: Any) -> None:
        monkeypatch.setattr(loader, "read_yaml", lambda p: data if p == path else read_yaml(p))

    for cached in (loader.load_cost_rules, loader.load_session_kind_names, loader.load_assumption_texts):
        cached.cache_clear()
    yield serve
    for cached in (loader.load_cost_rules, loader.load_session_kind_names, loader.load_assumption_texts):
        cached.cache_clear()


def test_the_shipped_cost_content_is_complete() -> None:
    rules = loader.load_cost_rules()
    assert set(rules) == set(Country)
    assert all(rule.evidence in Evidence for country in rules.values() for rule in country)
    assert set(loader.load_session_kind_names()) == set(SessionKind)
    assert set(loader.load_assumption_texts()) == set(ASSUMPTION_VALUES)


def _rules_with(**changes: Any) -> dict[str, Any]:
    raw = read_yaml(loader.RULES)
    raw["countries"]["nl"][0] = raw["countries"]["nl"][0] | changes
    return raw


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"evidence": "certain"}, "costs/rules.yaml: countries: nl: 0: evidence"),
        ({"source": "no-such-source"}, "costs/rules.yaml: countries: nl: 0: source"),
        ({"kind": "lottery"}, "costs/rules.yaml: countries: nl: 0: kind"),
        ({"practice_fills": ["tariff_of_the_moon"]}, "costs/rules.yaml: countries: nl: 0: practice_fills"),
        ({"name": {"en": "Basic"}}, "costs/rules.yaml: countries: nl: 0: name"),
        ({"name": {"nl": "Basis", "de": "Grund"}}, "costs/rules.yaml: countries: nl: 0: name: de"),
    ],
)
def test_a_malformed_rule_is_refused_naming_file_and_field(
    patched: Callable[[str, Any], None], changes: dict[str, Any], named: str
) -> None:
    patched(loader.RULES, _rules_with(**changes))
    with pytest.raises(ContentError, match=re.escape(named)):
        loader.load_cost_rules()


def test_an_assumption_with_a_placeholder_the_core_does_not_fill_is_refused(
    patched: Callable[[str, Any], None],
) -> None:
    raw = read_yaml(loader.ASSUMPTIONS)
    raw["used_this_year"] = {"nl": "Al {gebruikt} gehad.", "en": "Had {used}."}
    patched(loader.ASSUMPTIONS, raw)
    with pytest.raises(ContentError, match=re.escape("costs/assumptions.yaml: used_this_year: nl: placeholders")):
        loader.load_assumption_texts()


def test_a_session_kind_without_words_is_refused(patched: Callable[[str, Any], None]) -> None:
    raw = read_yaml(loader.KINDS)
    del raw["home_visit"]
    patched(loader.KINDS, raw)
    with pytest.raises(ContentError, match=r"costs/session_kinds.yaml: missing \['home_visit'\]"):
        loader.load_session_kind_names()
