"""ServiceRequest: the referrals rugpad records. A referral is the action step of a red flag's life cycle
(`RedFlagEvent` of kind `action`: "referred to or contacted", to whom, when, with its note); each becomes one
request whose reason is the `Flag`.

Priority comes from the flag's urgency and status from its stage, both as the engine's episode state reports them:
acted on and awaiting the doctor → active; excluded or confirmed by the doctor → completed; withdrawn as raised in
error → revoked. A discharge report's advice to see the GP again is a sentence of the GP letter (the
DocumentReference), not a stored referral, so it is not repeated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from rugpad.core.episode import EpisodeState, FlagView
from rugpad.core.flags import FlagStage
from rugpad.core.vocab import Lang, Urgency
from rugpad.web.care.access import reach
from rugpad.web.care.models import FlagEventKind, RedFlagEvent
from rugpad.web.fhir.codes import code_system
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.practice.models import User

PRIORITY = {
    Urgency.EMERGENCY: "stat",
    Urgency.URGENT: "urgent",
    Urgency.SOON: "routine",
    Urgency.NONE: "routine",
}
"""rugpad's urgency words in FHIR's request-priority codes (a naming map: emergency = now; urgent = the same or the
next day; soon = within weeks)."""

STATUS = {
    FlagStage.RAISED: "active",
    FlagStage.ACTED: "active",
    FlagStage.EXCLUDED: "completed",
    FlagStage.CONFIRMED: "completed",
    FlagStage.WITHDRAWN: "revoked",
}


def records(user: User) -> QuerySet[RedFlagEvent]:
    """Every referral (a red flag's action step) of the episodes the user may see, with when its flag last
    changed (a later assessment changes the request's status)."""
    latest = RedFlagEvent.objects.filter(flag=OuterRef("flag")).order_by("-recorded_at", "-id").values("recorded_at")
    return (
        RedFlagEvent.objects.filter(reach(user, "flag__episode__patient__"), kind=FlagEventKind.ACTION)
        .select_related("flag__episode__patient", "recorded_by")
        .annotate(last_changed=Subquery(latest[:1]))
    )


def _flag_view(event: RedFlagEvent, state: EpisodeState) -> FlagView | None:
    key = str(event.flag_id)
    return next((flag for flag in state.flags if flag.record is not None and flag.record.key == key), None)


def build(rows: Sequence[RedFlagEvent], ctx: BuildContext) -> list[dict[str, Any]]:
    states = ctx.states([row.flag.episode for row in rows])
    return [_request(row, _flag_view(row, states[row.flag.episode_id]), ctx) for row in rows]


def _request(event: RedFlagEvent, view: FlagView | None, ctx: BuildContext) -> dict[str, Any]:
    flag = event.flag
    lang = Lang(ctx.lang)
    # the state knows every stored flag; the stored row is the fallback only if content dropped its rule
    urgency = view.urgency if view is not None else Urgency(flag.urgency)
    stage = view.stage if view is not None else FlagStage(flag.stage)
    name = view.name.get(lang) if view is not None else flag.rule_id
    episode = flag.episode
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(event.pk),
        "meta": {"lastUpdated": event.last_changed},  # type: ignore[attr-defined]
        "status": STATUS[stage],
        "intent": "order",
        "priority": PRIORITY[urgency],
        "code": {
            "coding": [{"system": code_system("red-flag"), "code": flag.rule_id, "display": name}],
            "text": name,
        },
        "subject": {"reference": f"Patient/{episode.patient_id}", "display": str(episode.patient)},
        "authoredOn": event.at,
        "reasonReference": [{"reference": f"Flag/{flag.pk}", "display": name}],
        "supportingInfo": [{"reference": f"EpisodeOfCare/{episode.pk}"}],
        "note": [{"text": event.note, "time": event.at}],
    }
    if event.recorded_by is not None:
        resource["requester"] = {"display": event.recorded_by.get_full_name() or event.recorded_by.get_username()}
    if event.counterpart:
        resource["performer"] = [{"display": event.counterpart}]
    return validated(resource)


KIND = register(
    ResourceKind(
        type="ServiceRequest",
        records=records,
        patient_field="flag__episode__patient_id",
        date_field="at",
        updated_field="last_changed",
        build=build,
    )
)
