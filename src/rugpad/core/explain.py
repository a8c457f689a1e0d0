"""Why a rule exists: the explanation a clinician sees, generated from the rule itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rugpad.core.text import Source, Text
from rugpad.core.vocab import Evidence, Lang

__all__ = ["Explanation", "RuleKind"]


class RuleKind(StrEnum):
    SIGN = "sign"
    RED_FLAG = "red_flag"
    RECOMMENDATION = "recommendation"
    MANIPULATION = "manipulation"
    STRATIFICATION = "stratification"


@dataclass(frozen=True, slots=True)
class Explanation:
    """One rule in plain words: what it is called, what it says, when it applies and what it rests on.

    `outcome` is the rule's effect as a vocabulary value (an urgency, a strength, a verdict or a profile).
    `note` says what the clinician should know about the evidence, e.g. why an unverified rule is still used.
    """

    rule_id: str
    kind: RuleKind
    name: Text
    text: Text
    condition: Text
    outcome: str
    source: Source
    evidence: Evidence
    note: Text | None = None

    def to_dict(self, lang: Lang = Lang.EN) -> dict[str, object]:
        return {
            "id": self.rule_id,
            "kind": str(self.kind),
            "name": self.name.get(lang),
            "text": self.text.get(lang),
            "condition": self.condition.get(lang),
            "outcome": self.outcome,
            "source": {"id": self.source.id, "citation": self.source.citation, "url": self.source.url},
            "evidence": str(self.evidence),
            "note": self.note.get(lang) if self.note else None,
        }
