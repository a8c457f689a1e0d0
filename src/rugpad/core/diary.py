"""The alarm questions of the patient diary, and how their answers become triage input.

Each question is asked in the patient's words and maps to sign ids of ``rules/signs.yaml``; the triage decides
the urgency and the action, so a "yes" is judged by exactly the same red-flag rules as a clinician's screening.

    answered question ids --triage_payloads--> [{"region": ..., "signs": [...]}, ...] --engine.triage--> urgency

A question may name the region whose rules judge it (``triage_region``): the stroke-like signs (sudden severe
headache with double vision) have red-flag rules for the neck only, yet they are just as alarming in a patient
treated for low back pain, so those questions are judged by the neck rules for every patient (the safer choice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = ["AlarmQuestion", "triage_payloads"]


@dataclass(frozen=True, slots=True)
class AlarmQuestion:
    id: str
    question: Text
    """Asked of the patient, plain language."""
    signs: tuple[str, ...]
    """Sign ids of the red-flag rules that a "yes" means."""
    regions: frozenset[Region]
    """The patients it is asked of (by the region of their episode)."""
    triage_region: Region | None
    """The region whose rules judge a "yes"; None: the patient's own region."""
    source: str
    evidence: Evidence


def triage_payloads(
    questions: Mapping[str, AlarmQuestion], answered: Iterable[str], region: Region
) -> list[dict[str, object]]:
    """One triage payload per region that judges the answered questions, signs sorted (stable and comparable)."""
    signs: dict[Region, set[str]] = {}
    for index, question_id in enumerate(answered):
        question = questions.get(question_id)
        if question is None:
            raise InvalidInput(f"alarm[{index}]", f"unknown alarm question {question_id!r}")
        signs.setdefault(question.triage_region or region, set()).update(question.signs)
    return [{"region": str(r), "signs": sorted(s)} for r, s in sorted(signs.items())]
