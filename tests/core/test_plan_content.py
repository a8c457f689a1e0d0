"""The plan rules as content: complete, sourced, and refused when a change would make a plan unsafe."""

from __future__ import annotations

import copy

import pytest

from rugpad.content import ContentError, load_sources, read_yaml
from rugpad.content import plans as plans_module
from rugpad.content.plans import load_plan_rules
from rugpad.core.plan_rules import PRACTICE_SETTING, Cause, TechniqueKind
from rugpad.core.vocab import Evidence, ManipulationVerdict


def test_every_cause_has_a_label_in_both_languages_and_a_rule():
    rules = load_plan_rules()
    assert set(rules.causes) == set(Cause)
    assert {rule.cause for rule in rules.rules if rule.cause} == set(Cause)


def test_practice_settings_are_never_presented_as_guideline_fact():
    settings = load_plan_rules().settings
    assert (settings.source_id, settings.evidence) == (PRACTICE_SETTING, Evidence.UNVERIFIED)
    assert load_sources()[PRACTICE_SETTING].evidence is Evidence.UNVERIFIED
    for rule_id in ("plan.goal.psk", "plan.goal.psk-no-baseline", "plan.sessions"):
        fixed = load_plan_rules().fixed[rule_id]
        assert (fixed.source_id, fixed.evidence) == (PRACTICE_SETTING, Evidence.UNVERIFIED)


def test_manipulation_is_limited_by_every_verdict_other_than_allowed():
    (manipulation,) = [t for t in load_plan_rules().techniques.values() if t.kind is TechniqueKind.MANIPULATION]
    assert {verdict: manipulation.on_verdict[verdict] for verdict in ManipulationVerdict} == {
        ManipulationVerdict.ALLOWED: "allowed",
        ManipulationVerdict.CAUTION: "caution",
        ManipulationVerdict.CONTRAINDICATED: "contraindicated",
    }


def test_every_technique_is_used_by_some_rule():
    rules = load_plan_rules()
    used = {technique for rule in rules.rules for technique in rule.techniques}
    assert used == set(rules.techniques)


def _load_with(monkeypatch: pytest.MonkeyPatch, path: str, change) -> None:
    original = read_yaml

    def patched(relative_path: str):
        data = copy.deepcopy(original(relative_path))
        return change(data) or data if relative_path == path else data

    monkeypatch.setattr(plans_module, "read_yaml", patched)
    plans_module.load_plan_rules.__wrapped__()


def test_a_manipulation_that_ignores_the_verdict_is_refused(monkeypatch):
    def loosen(data):
        next(t for t in data if t["kind"] == "manipulation")["on_verdict"]["caution"] = "allowed"

    with pytest.raises(ContentError, match="must follow the verdict exactly"):
        _load_with(monkeypatch, "plans/techniques.yaml", loosen)


def test_a_base_rule_that_could_leave_a_plan_without_exercise_is_refused(monkeypatch):
    def start_with_a_caution_purpose(data):
        next(r for r in data if r["id"] == "plan.programme.low_back.1")["purposes"] = ["neural_mobility"]

    with pytest.raises(ContentError, match="a plan could end up without exercise"):
        _load_with(monkeypatch, "plans/programmes.yaml", start_with_a_caution_purpose)


def test_a_profile_without_a_base_rule_is_refused(monkeypatch):
    def drop_profile_b(data):
        return [r for r in data if r["id"] != "plan.programme.neck.B"]

    with pytest.raises(ContentError, match="neck profile B: needs exactly one base rule"):
        _load_with(monkeypatch, "plans/programmes.yaml", drop_profile_b)


def test_evidence_stronger_than_the_source_is_refused(monkeypatch):
    def overclaim(data):
        data["rules"][0]["evidence"] = "verified"

    with pytest.raises(ContentError, match="stronger than its source"):
        _load_with(monkeypatch, "plans/causes.yaml", overclaim)


def test_a_goal_template_with_an_unknown_placeholder_is_refused(monkeypatch):
    def typo(data):
        next(r for r in data if r["id"] == "plan.goal.psk")["template"]["en"] = "{activty} by week {week}"

    with pytest.raises(ContentError, match="template"):
        _load_with(monkeypatch, "plans/package.yaml", typo)
