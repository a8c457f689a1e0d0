"""Invariants of the triage, checked with hypothesis over random cases built from the real vocabulary."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rugpad import engine
from rugpad.core.vocab import Lang, ManipulationVerdict, Urgency

SIGNS = sorted(engine.rulebook().signs)
CAUDA_EQUINA = sorted(s for s, sign in engine.rulebook().signs.items() if sign.group == "cauda_equina")


def optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that may also be null (= not known)."""
    return st.none() | values


cases = st.fixed_dictionaries(
    {"region": st.sampled_from(["low_back", "neck"])},
    optional={
        "age": optional(st.integers(0, 120)),
        "sex": optional(st.sampled_from(["female", "male", "other"])),
        "duration_weeks": optional(st.floats(0, 200, allow_nan=False)),
        "course": optional(st.sampled_from(["improving", "not_improving", "worsening", "recurrent"])),
        "signs": st.lists(st.sampled_from(SIGNS), max_size=8, unique=True),
        "startback": optional(
            st.fixed_dictionaries({str(i): st.integers(0, 1) for i in range(1, 9)} | {"9": st.integers(0, 4)})
        ),
        "psychosocial_dominant": optional(st.booleans()),
        "work_absence_weeks": optional(st.floats(0, 60, allow_nan=False)),
    },
)


def _with(case: dict[str, Any], extra: list[str]) -> dict[str, Any]:
    return {**case, "signs": sorted({*case.get("signs", []), *extra})}


@settings(max_examples=300)
@given(cases, st.lists(st.sampled_from(SIGNS), min_size=1, max_size=4))
def test_adding_a_sign_never_lowers_the_urgency(case: dict[str, Any], extra: list[str]) -> None:
    before = engine.triage(case).urgency
    after = engine.triage(_with(case, extra)).urgency
    assert after.rank <= before.rank


@settings(max_examples=300)
@given(cases, st.sampled_from(CAUDA_EQUINA))
def test_any_case_with_a_cauda_equina_sign_is_an_emergency(case: dict[str, Any], sign: str) -> None:
    result = engine.triage(_with(case, [sign]))
    assert result.urgency is Urgency.EMERGENCY
    assert result.profile is None
    assert result.manipulation is ManipulationVerdict.CONTRAINDICATED


@settings(max_examples=300)
@given(cases, st.lists(st.sampled_from(SIGNS), min_size=1, max_size=4))
def test_the_manipulation_verdict_never_gets_less_strict_when_signs_are_added(
    case: dict[str, Any], extra: list[str]
) -> None:
    before = engine.triage(case).manipulation
    after = engine.triage(_with(case, extra)).manipulation
    assert after.rank >= before.rank


CONTRACT_KEYS = {"urgency", "red_flags", "risk", "profile", "radicular", "manipulation", "recommendations"}


@settings(max_examples=300)
@given(cases, st.sampled_from(["en", "nl"]))
def test_the_output_always_matches_the_contract_shape(case: dict[str, Any], lang: str) -> None:
    out: dict[str, Any] = engine.triage(case).to_dict(Lang(lang))
    assert set(out) >= CONTRACT_KEYS
    assert out["urgency"] in {"emergency", "urgent", "soon", "none"}
    assert out["risk"] in {None, "low", "medium", "high"}
    assert out["profile"] in ({None, "1", "2", "3"} if case["region"] == "low_back" else {None, "A", "B", "C", "D"})
    assert out["radicular"] in {True, False, None}
    assert out["manipulation"] in {"allowed", "caution", "contraindicated"}
    for flag in out["red_flags"]:
        assert {"id", "urgency", "action", "source"} <= set(flag)
        assert flag["urgency"] in {"emergency", "urgent", "soon"} and flag["action"]
    for rec in out["recommendations"]:
        assert {"id", "strength", "text", "source"} <= set(rec)
        assert rec["strength"] in {"do", "consider", "do_not"} and rec["text"]
    if out["red_flags"]:
        assert out["urgency"] != "none"
    else:
        assert out["urgency"] == "none"
    # Only a flag whose rule stops the pathway takes the profile away (axSpA does not: exercise is first-line care).
    assert out["pathway_stopped"] == any(flag["stops_pathway"] for flag in out["red_flags"])
    if out["pathway_stopped"]:
        assert out["profile"] is None
