"""The alarm questions of the patient diary, and how their answers become triage input.

Each question is asked in the patient's words and maps to sign ids of ``rules/signs.yaml``; the triage decides
the urgency and the action, so a "yes" is judged by exactly the same red-flag rules as a clinician's screening.

    answered question ids --triage_payloads--> [{"region": ..., "signs": [...]}, ...] --engine.triage--> urgency

Each question asks about one sign only, so a "yes" means exactly one thing. Most signs are an alarm on their own;
numbness in one arm or leg is not (facts 2.1a: one feature is rarely enough), but with a history of cancer or an
infection feature on the episode's records it is a new deficit: suspected cord compression or epidural abscess.
That is why `engine.alarm_firings` judges the answers together with the records.

A question may name the region whose rules judge it (``triage_region``); none needs it today, because the
stroke-like signs (sudden severe headache, double vision, trouble speaking or swallowing, a sudden fall, a numb
face) have a low back rule of their own (rf.acute_neurological_low_back) besides the neck rule, so a patient's own
region judges every answer.

Free text (a message to the clinician) is never triaged: a red flag needs a yes to a question that asks one thing.
But words that name an alarm sign ("kan niet meer plassen") mean the patient must read at once when to call whom,
without waiting for an answer. `alarm_phrases_in` finds such words; the web shows the contact module, nothing more.

    text --normalise_words--> " kan niet meer plassen " --phrase found--> the alarm question ids it names
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = ["AlarmPhrase", "AlarmQuestion", "alarm_phrases_in", "normalise_words", "triage_payloads"]


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


@dataclass(frozen=True, slots=True)
class AlarmPhrase:
    """Words in a patient's free text that name the sign of one alarm question (any language)."""

    question: str
    """The alarm question whose sign the words name."""
    words: tuple[str, ...]
    """Each a phrase as `normalise_words` leaves it: lower case, no accents, single spaces, no punctuation."""
    source: str
    evidence: Evidence


def normalise_words(text: str) -> str:
    """Lower case, accents dropped, every run of non-letters and non-digits one space, with a space at each end:
    a phrase is found on whole words only (" plas " is not inside " plassen ")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return f" {' '.join(letters.split())} "


def alarm_phrases_in(text: str, phrases: Sequence[AlarmPhrase]) -> tuple[str, ...]:
    """The alarm question ids whose words occur in `text`, in the order of `phrases`, each once. A negation
    ("geen koorts") still counts: showing the instructions once too often is the safer mistake."""
    words = normalise_words(text)
    found: list[str] = []
    for phrase in phrases:
        if phrase.question not in found and any(f" {w} " in words for w in phrase.words):
            found.append(phrase.question)
    return tuple(found)
