"""How rugpad reads another system's coded data (FHIR codings and texts) — the types of ``data/interop/cds.yaml``.

Only look-ups live here: which region a diagnosis code names, which screening sign a finding code names, which
order is imaging of the spine or an opioid, and which care-pathway rules such an order meets. What is clinically
true of a patient is still decided by the triage, from the signs these look-ups find.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rugpad.core.text import Text
from rugpad.core.vocab import Evidence, Region

__all__ = ["CodeEntry", "InteropCodes", "OrderKind", "OverrideReason", "WordList"]


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code of an outside code system and what it means to rugpad: a region or a sign."""

    system: str
    code: str
    display: str
    evidence: Evidence
    """`verified` for rugpad's own code systems; `unverified` for a standard code not checked in its code system."""
    region: Region | None = None
    sign: str | None = None


@dataclass(frozen=True, slots=True)
class WordList:
    """Words that name something in an order's free text, matched at the start of a word, case-insensitively
    (``oxycodon`` matches "Oxycodone 5 mg")."""

    words: tuple[str, ...]
    _pattern: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        alternatives = "|".join(re.escape(word.lower()) for word in sorted(self.words, key=len, reverse=True))
        object.__setattr__(self, "_pattern", re.compile(rf"(?<!\w)(?:{alternatives})") if self.words else None)

    def found_in(self, texts: Iterable[str]) -> bool:
        pattern = self._pattern
        return pattern is not None and any(pattern.search(text.lower()) for text in texts)


@dataclass(frozen=True, slots=True)
class OrderKind:
    """A kind of order a CDS client may be about to place (imaging of the spine, an opioid) and the care-pathway
    rules (`do_not` recommendations) it goes against when the triage lists them for the patient."""

    id: str
    name: Text
    resource_types: frozenset[str]
    codes: Mapping[tuple[str, str], Region | None]
    """Codes that name the order itself, with the region they image (None: the patient's regions)."""
    code_prefixes: Mapping[str, tuple[str, ...]]
    """Per code system, code prefixes that name the kind (an ATC group)."""
    words: WordList
    """Words in the order's text or a coding's display that name the kind."""
    categories: frozenset[tuple[str, str]]
    """Order categories that name the kind (imaging); such an order also needs a region (body site or words)."""
    body_sites: Mapping[tuple[str, str], Region]
    region_words: Mapping[Region, WordList]
    needs_region: bool
    """True for imaging: an order is of the spine only when a region is named; an opioid is for the patient."""
    do_not_rules: tuple[str, ...]
    only_without_red_flags: bool
    """The rule's own wording limits it to patients without a red flag ("no imaging without a red flag")."""
    evidence: Evidence

    def match(
        self,
        codings: Iterable[tuple[str, str]],
        texts: Iterable[str],
        categories: Iterable[tuple[str, str]] = (),
        body_sites: Iterable[tuple[str, str]] = (),
    ) -> frozenset[Region] | None:
        """None when an order with these codings, texts (code text and displays), categories and body sites is not
        of this kind; else the regions it concerns (empty: every region of the patient)."""
        codings, texts = list(codings), list(texts)
        regions: set[Region] = set()
        named = False
        for system, code in codings:
            if (system, code) in self.codes:
                named = True
                region = self.codes[(system, code)]
                if region is not None:
                    regions.add(region)
            elif any(code.startswith(prefix) for prefix in self.code_prefixes.get(system, ())):
                named = True
        named = named or self.words.found_in(texts) or not self.categories.isdisjoint(categories)
        if not named:
            return None
        regions.update(self.body_sites[site] for site in body_sites if site in self.body_sites)
        regions.update(region for region, words in self.region_words.items() if words.found_in(texts))
        if self.needs_region and not regions:
            return None
        return frozenset(regions)


@dataclass(frozen=True, slots=True)
class OverrideReason:
    """A reason a clinician may give for going ahead with an order against a card (a CDS Hooks override reason)."""

    system: str
    code: str
    display: Text


@dataclass(frozen=True, slots=True)
class InteropCodes:
    """Everything ``data/interop/cds.yaml`` declares, ready for look-up."""

    region_system: str
    sign_system: str
    override_system: str
    regions: Mapping[tuple[str, str], CodeEntry]
    signs: Mapping[tuple[str, str], CodeEntry]
    questionnaires: Mapping[str, str]
    """Canonical URL of a questionnaire (without ``|version``) → what it is: ``startback``, ``screening`` (each
    item's linkId is a sign id) or ``alarm`` (each linkId is one of the portal's alarm questions)."""
    orders: tuple[OrderKind, ...]
    override_reasons: tuple[OverrideReason, ...]
    absent_values: frozenset[tuple[str, str]] = frozenset()
    """Codes of an Observation's coded value that mean "absent" (any other value, or none, counts as present)."""

    def region_of(self, system: str, code: str) -> Region | None:
        """The region a diagnosis code names (rugpad's region codes included), or None."""
        if system == self.region_system:
            try:
                return Region(code)
            except ValueError:
                return None
        entry = self.regions.get((system, code))
        return entry.region if entry else None

    def sign_of(self, system: str, code: str, known_signs: frozenset[str]) -> str | None:
        """The screening sign a finding code names (rugpad's sign codes are the sign ids), or None."""
        if system == self.sign_system:
            return code if code in known_signs else None
        entry = self.signs.get((system, code))
        return entry.sign if entry else None

    def questionnaire_kind(self, canonical: str) -> str | None:
        return self.questionnaires.get(canonical.partition("|")[0])
