"""Patient education: which reading modules a patient gets, and the plain-language measures that keep them short.

A module is written once per language (the texts live in ``rugpad/content/data/education/``); the core only
decides *which* modules fit a patient and in *what order*. The order matters clinically: the guidelines open
with reassurance ("de-dramatise, avoid an approach that is too medical", KCE 2017), so modules that take fear
away come before modules that ask something of the patient. The module on alarm signs goes to everybody.

Profiles are the care-pathway profiles of the triage: low back ``"1" | "2" | "3"`` (KNGF 2021), neck
``"A" | "B" | "C" | "D"`` (KNGF 2016). A module lists the profiles it is meant for, plus two special tokens:
``"radicular"`` (nerve pain in a leg or arm, on top of any profile) and ``"all"`` (every patient in its regions,
even when no profile could be decided, e.g. because a red flag stopped the pathway).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rugpad.core.errors import InvalidInput
from rugpad.core.rules import PROFILES  # the triage's profiles, re-exported: one definition
from rugpad.core.text import Text, phrase
from rugpad.core.vocab import Evidence, Region

__all__ = [
    "EVERY_PATIENT",
    "PROFILES",
    "RADICULAR",
    "UNCONFIRMED_MARK",
    "EducationModule",
    "average_sentence_words",
    "modules_for",
    "weakest_evidence",
    "word_count",
]

RADICULAR = "radicular"
"""Profile token: the module is for patients with suspected radicular (nerve root) pain."""

EVERY_PATIENT = "all"
"""Profile token: the module goes to every patient in its regions (the alarm-signs module)."""

UNCONFIRMED_MARK = phrase("education.unconfirmed")
"""Written right after a sentence that no source in the clinical facts file backs, so the reader can see it."""

_EVIDENCE_RANK = {Evidence.VERIFIED: 0, Evidence.SECONDARY: 1, Evidence.UNVERIFIED: 2}


@dataclass(frozen=True, slots=True)
class EducationModule:
    """One reading module for patients, in Dutch and English."""

    id: str
    """The slug, also the file name stem: ``why-back-pain-recovers``."""
    title: Text
    summary: Text
    """One line, shown in lists of modules."""
    body: Text
    """Markdown, per language."""
    regions: frozenset[Region]
    profiles: frozenset[str]
    """Profile codes, ``"radicular"`` and/or ``"all"`` (see the module docstring)."""
    order: int
    """Reading order; low numbers first. De-dramatising modules have the lowest numbers."""
    reading_minutes: int
    source_ids: tuple[str, ...]
    evidence: Evidence
    """The weakest evidence behind any sentence of the module."""

    def is_for(self, region: Region, profile: str | None, radicular: bool) -> bool:
        if region not in self.regions:
            return False
        if EVERY_PATIENT in self.profiles:
            return True
        # Without a profile the pathway is stopped or undecided (a red flag, missing data): advice on exercise,
        # scans or waiting could then mislead, so only the modules for every patient go out.
        return profile is not None and (profile in self.profiles or (radicular and RADICULAR in self.profiles))


def modules_for(
    library: Mapping[str, EducationModule], region: Region, profile: str | None, radicular: bool
) -> tuple[EducationModule, ...]:
    """The modules for one patient, in reading order (de-dramatising first, then by id for a stable order).

    `profile` is ``None`` when the pathway could not decide one (unknown, or stopped by a red flag): the patient
    then gets only the modules meant for every patient, whatever `radicular` says. An unknown profile for the
    region raises InvalidInput.
    """
    region = Region(region)
    if profile is not None and profile not in PROFILES[region]:
        known = ", ".join(sorted(PROFILES[region]))
        raise InvalidInput("profile", f"{profile!r} is not a {region} profile; known: {known}")
    chosen = (module for module in library.values() if module.is_for(region, profile, radicular))
    return tuple(sorted(chosen, key=lambda module: (module.order, module.id)))


def weakest_evidence(levels: Iterable[Evidence]) -> Evidence:
    """The least certain of `levels` (verified if there are none): a text is only as sure as its weakest claim."""
    return max(levels, key=_EVIDENCE_RANK.__getitem__, default=Evidence.VERIFIED)


_MARKUP = re.compile(r"^\s*(?:#+|[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _sentences(markdown: str) -> list[str]:
    """Sentences of a Markdown text; a heading or list item without a full stop counts as one sentence too."""
    sentences: list[str] = []
    for line in markdown.splitlines():
        line = _MARKUP.sub("", line).replace("**", "").replace("__", "")
        sentences.extend(part for part in _SENTENCE_END.split(line) if _WORD.search(part))
    return sentences


def word_count(markdown: str) -> int:
    return len(_WORD.findall(markdown))


def average_sentence_words(markdown: str) -> float:
    """Mean words per sentence: a simple readability proxy (B1 texts keep it at about 15 or less)."""
    sentences = _sentences(markdown)
    if not sentences:
        return 0.0
    return sum(len(_WORD.findall(sentence)) for sentence in sentences) / len(sentences)
