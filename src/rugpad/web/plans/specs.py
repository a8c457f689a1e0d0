"""A plan item as plain data, between the engine's proposal, the editor and the stored `PlanItem` rows.

Editing never changes a stored row: the editor takes the current version's items as specs, changes the list and
saves it as the next version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any

from rugpad.core.exercises import Dose, DoseKind
from rugpad.core.text import Text
from rugpad.web.plans.models import ItemKind, Origin, PlanItem

EMPTY = Text()
DOSE_FIELDS = ("hold_seconds", "repetitions", "sets", "rest_seconds", "minutes", "times_per_day", "days_per_week")


@dataclass(frozen=True, slots=True)
class ItemSpec:
    kind: str
    ref: str = ""
    text: Text = EMPTY
    dose: Dose | None = None
    rule_id: str = ""
    source_id: str = ""
    evidence: str = ""
    why: Text = EMPTY
    origin: str = Origin.PROPOSED
    suitability: str = "allowed"
    confirmed_by_id: int | None = None
    confirmed_at: dt.datetime | None = None

    def with_dose(self, dose: Dose) -> ItemSpec:
        return replace(self, dose=dose)


def spec_of(item: PlanItem) -> ItemSpec:
    return ItemSpec(
        kind=item.kind,
        ref=item.ref,
        text=Text(item.text),
        dose=dose_of(item),
        rule_id=item.rule_id,
        source_id=item.source_id,
        evidence=item.evidence,
        why=Text(item.why),
        origin=item.origin,
        suitability=item.suitability,
        confirmed_by_id=item.caution_confirmed_by_id,
        confirmed_at=item.caution_confirmed_at,
    )


def dose_of(item: PlanItem) -> Dose | None:
    if item.kind != ItemKind.EXERCISE or not item.dose_kind:
        return None
    values = {name: getattr(item, name) for name in DOSE_FIELDS}
    return Dose(kind=DoseKind(item.dose_kind), per_side=item.per_side, **values)


def row_fields(spec: ItemSpec) -> dict[str, Any]:
    """The `PlanItem` column values of a spec (without version and position)."""
    dose = spec.dose
    values: dict[str, Any] = {
        "kind": spec.kind,
        "ref": spec.ref,
        "text": spec.text.as_dict(),
        "dose_kind": dose.kind.value if dose else "",
        "per_side": dose.per_side if dose else False,
        "rule_id": spec.rule_id,
        "source_id": spec.source_id,
        "evidence": spec.evidence,
        "why": spec.why.as_dict(),
        "origin": spec.origin,
        "suitability": spec.suitability,
        "caution_confirmed_by_id": spec.confirmed_by_id,
        "caution_confirmed_at": spec.confirmed_at,
    }
    for name in DOSE_FIELDS:
        values[name] = getattr(dose, name) if dose else None
    return values


assert {f.name for f in fields(Dose)} >= set(DOSE_FIELDS)
