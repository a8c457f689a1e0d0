"""The exercise library model: what an exercise is, how much of it to do, and how exercises form ladders.

The library itself is content (``content/data/exercises/*.yaml``); this module only holds the shapes and the pure
rules on them, so the web app, the PDF and the coach read one definition.

A ladder is a chain of exercises linked both ways (``A.progression == B`` exactly when ``B.regression == A``)::

    bridge  ->  single-leg-bridge          (regression <- ... -> progression)

The therapist moves a patient one rung up or down; the dose on each rung is its starting dose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from rugpad.core.errors import InvalidInput
from rugpad.core.text import DEFAULT_LANG, Text, listing, phrase
from rugpad.core.vocab import Evidence, Lang, Region

__all__ = [
    "CONDITION_TAGS",
    "NO_SYNONYMS",
    "Dose",
    "DoseKind",
    "Exercise",
    "Purpose",
    "Suitability",
    "Synonyms",
    "allowed_for",
    "ladder",
]


class Purpose(StrEnum):
    """What the exercise is for; one per exercise."""

    MOBILITY = "mobility"
    MOTOR_CONTROL = "motor_control"
    STRENGTH = "strength"
    ENDURANCE = "endurance"
    NEURAL_MOBILITY = "neural_mobility"
    RELAXATION = "relaxation"
    GRADED_ACTIVITY = "graded_activity"


class DoseKind(StrEnum):
    """How the dose is counted.

    hold: hold for seconds, repeated (optionally in sets); reps: repetitions in sets (optionally with rest);
    duration: minutes of continuous activity.
    """

    HOLD = "hold"
    REPS = "reps"
    DURATION = "duration"


CONDITION_TAGS: frozenset[str] = frozenset(
    {"hernia_diagnosed", "recent_surgery", "severe_arthrosis", "osteoporosis", "radicular", "high_reactivity"}
)
"""Tags an exercise may list as caution or contra-indication.

The first four are triage `signs`; `radicular` is the triage outcome; `high_reactivity` is the KNGF 2021 pain
reactivity of radicular pain (high reactivity: aim at pain reduction first).
"""

_REQUIRED: Mapping[DoseKind, tuple[str, ...]] = {
    DoseKind.HOLD: ("hold_seconds", "repetitions"),
    DoseKind.REPS: ("repetitions", "sets"),
    DoseKind.DURATION: ("minutes",),
}
_OPTIONAL: Mapping[DoseKind, tuple[str, ...]] = {
    DoseKind.HOLD: ("sets",),
    DoseKind.REPS: ("rest_seconds",),
    DoseKind.DURATION: (),
}
_AMOUNTS = ("hold_seconds", "repetitions", "sets", "rest_seconds", "minutes")


@dataclass(frozen=True, slots=True)
class Dose:
    """A starting dose and how often to do it; rejects a dose that is incomplete or mixed for its kind."""

    kind: DoseKind
    hold_seconds: int | None = None
    repetitions: int | None = None
    sets: int | None = None
    rest_seconds: int | None = None
    minutes: int | None = None
    times_per_day: int | None = None
    days_per_week: int | None = None
    per_side: bool = False
    """Repetitions count for each side (left and right) separately."""

    def __post_init__(self) -> None:
        allowed = _REQUIRED[self.kind] + _OPTIONAL[self.kind]
        for name in _AMOUNTS:
            value = getattr(self, name)
            if name in _REQUIRED[self.kind] and value is None:
                raise InvalidInput(f"dose: {name}", f"required for a {self.kind} dose")
            if name not in allowed and value is not None:
                raise InvalidInput(f"dose: {name}", f"does not belong to a {self.kind} dose")
        if self.times_per_day is None and self.days_per_week is None:
            raise InvalidInput("dose", "needs times_per_day and/or days_per_week")
        for name in (*_AMOUNTS, "times_per_day", "days_per_week"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise InvalidInput(f"dose: {name}", f"{value!r} is not a whole number of 1 or more")
        if self.days_per_week is not None and self.days_per_week > 7:
            raise InvalidInput("dose: days_per_week", f"{self.days_per_week} is out of range 1..7")
        if self.per_side and self.repetitions is None:
            raise InvalidInput("dose: per_side", f"a {self.kind} dose has no repetitions to count per side")

    def describe(self, lang: Lang | str = DEFAULT_LANG) -> str:
        """The dose in plain words, e.g. ``"Houd 20 seconden vast, 3 herhalingen, 3 keer per dag"``."""
        text = self.words().get(lang)
        return text[:1].upper() + text[1:]

    def words(self) -> Text:
        """The dose in every language, as `describe` says it (not capitalised); the words are the ``exercises.*``
        phrases of the catalogue."""
        parts: list[Text] = []
        if self.hold_seconds is not None:
            parts.append(_HOLD.format(duration=_count(self.hold_seconds, _SECOND)))
        if self.repetitions is not None:
            repetitions = _count(self.repetitions, _REPETITION)
            parts.append(_PER_SIDE.format(amount=repetitions) if self.per_side else repetitions)
        if self.sets is not None:
            parts.append(_count(self.sets, _SET))
        if self.rest_seconds is not None:
            parts.append(_REST.format(duration=_count(self.rest_seconds, _SECOND)))
        if self.minutes is not None:
            parts.append(_count(self.minutes, _MINUTE))
        if self.times_per_day is not None:
            parts.append(_times_per_day(self.times_per_day))
        if self.days_per_week is not None:
            parts.append(_PER_WEEK.format(amount=_count(self.days_per_week, _DAY)))
        return listing(parts, _SEPARATOR, _SEPARATOR)


_HOLD = phrase("exercises.hold")
_REST = phrase("exercises.rest")
_PER_SIDE = phrase("exercises.per_side")
_PER_WEEK = phrase("exercises.per_week")
_SEPARATOR = phrase("text.list_more")
_SECOND = (phrase("exercises.second.one"), phrase("exercises.second.other"))
_MINUTE = (phrase("exercises.minute.one"), phrase("exercises.minute.other"))
_REPETITION = (phrase("exercises.repetition.one"), phrase("exercises.repetition.other"))
_SET = (phrase("exercises.set.one"), phrase("exercises.set.other"))
_DAY = (phrase("exercises.day.one"), phrase("exercises.day.other"))
"""Counted words: the phrase for a count of one and for any other count (a dose counts from 1 up, so the French
rule that 0 is singular too never applies)."""


def _count(number: int, forms: tuple[Text, Text]) -> Text:
    return (forms[0] if number == 1 else forms[1]).format(count=number)


def _times_per_day(count: int) -> Text:
    if count == 1:  # "once a day"
        return phrase("exercises.times_per_day.one")
    if count == 2:  # "twice a day"
        return phrase("exercises.times_per_day.two")
    return phrase("exercises.times_per_day.other").format(count=count)


class Synonyms:
    """Everyday words a person may search an exercise by, per language ("vogel" for the bird-dog). Search only: a
    synonym carries no clinical meaning. Built like a `Text`: ``Synonyms(nl=("vogel",), en=("bird dog",))``."""

    __slots__ = ("_words",)

    def __init__(self, words: Mapping[Lang | str, Iterable[str]] | None = None, /, **by_lang: Iterable[str]) -> None:
        checked: dict[Lang, tuple[str, ...]] = {}
        for code, listed in {**(words or {}), **by_lang}.items():
            try:
                lang = Lang(code)
            except ValueError:
                raise InvalidInput(f"synonyms: {code}", "is not a language rugpad speaks") from None
            found = tuple(listed)
            for word in found:
                if not isinstance(word, str) or not word.strip():
                    raise InvalidInput(f"synonyms: {lang}", f"{word!r} is not a word")
            if found:
                checked[lang] = found
        self._words = checked

    def get(self, lang: Lang | str) -> tuple[str, ...]:
        return self._words.get(Lang(lang), ())

    @property
    def languages(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in Lang if lang in self._words)

    def every(self) -> tuple[str, ...]:
        """The words of every language, in `Lang`'s order (Dutch first)."""
        return tuple(word for lang in Lang for word in self._words.get(lang, ()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Synonyms) and self._words == other._words

    def __hash__(self) -> int:
        return hash(frozenset(self._words.items()))

    def __repr__(self) -> str:
        return f"Synonyms({ {lang.value: words for lang, words in self._words.items()}!r})"


NO_SYNONYMS = Synonyms()
"""An exercise without everyday search words."""


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise as a patient sees it and a therapist prescribes it."""

    id: str
    name: Text
    regions: frozenset[Region]
    purpose: Purpose
    position: Text
    """The starting position."""
    steps: tuple[Text, ...]
    """Numbered steps, in order."""
    technique: tuple[Text, ...]
    """Technique points; every strength exercise has them."""
    dose: Dose
    progression: str | None
    """Id of the next, harder exercise on the ladder; None at the top."""
    regression: str | None
    """Id of the next, easier exercise on the ladder; None at the bottom."""
    cautions: frozenset[str]
    """Condition tags (CONDITION_TAGS) for which the therapist checks before prescribing."""
    contraindications: frozenset[str]
    """Condition tags for which the exercise is not prescribed."""
    caution_text: Text | None
    illustration: str
    """File name of the SVG under ``content/data/exercises/svg/``."""
    source_id: str
    evidence: Evidence
    """How well the exercise and its dose are sourced; a dose no source gives is `unverified`."""
    alternative_dose: Dose | None = None
    """A second dose the source gives as an equal alternative."""
    synonyms: Synonyms = NO_SYNONYMS
    """Everyday words the library search also matches, in every language."""


Suitability = Literal["allowed", "caution", "contraindicated"]


def allowed_for(exercise: Exercise, contraindication_tags: Iterable[str]) -> Suitability:
    """Whether the exercise suits a patient with these condition tags; the strictest match wins."""
    tags = frozenset(contraindication_tags)
    if tags & exercise.contraindications:
        return "contraindicated"
    if tags & exercise.cautions:
        return "caution"
    return "allowed"


def ladder(library: Mapping[str, Exercise], exercise_id: str) -> tuple[Exercise, ...]:
    """The whole ladder `exercise_id` stands on, easiest first; a lone exercise is a ladder of one."""
    if exercise_id not in library:
        raise InvalidInput("exercise", f"unknown exercise {exercise_id!r}")
    bottom = library[exercise_id]
    seen = {bottom.id}
    while bottom.regression is not None:
        bottom = _linked(library, bottom.regression, seen)
    chain = [bottom]
    seen = {bottom.id}
    while chain[-1].progression is not None:
        chain.append(_linked(library, chain[-1].progression, seen))
    return tuple(chain)


def _linked(library: Mapping[str, Exercise], exercise_id: str, seen: set[str]) -> Exercise:
    if exercise_id not in library:
        raise InvalidInput("exercise", f"ladder links to unknown exercise {exercise_id!r}")
    if exercise_id in seen:
        raise InvalidInput("exercise", f"ladder through {exercise_id!r} is a cycle")
    seen.add(exercise_id)
    return library[exercise_id]
