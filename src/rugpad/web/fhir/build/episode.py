"""EpisodeOfCare and Condition: one episode of care seen twice — as the course of care (EpisodeOfCare: status,
period, the region and the KNGF profile as its types, the practice) and as the complaint it treats (Condition: the
region as body site, onset, clinical status, and as its stages the KNGF profile and whether a radicular syndrome is
present, in rugpad's code systems). Both share the
episode's id. Status, profile, radicular syndrome and referral are read from the engine's episode state.

- status: the state's `closed` (discharged, or referred after a doctor confirmed a red flag) → `finished` /
  Condition `inactive` (the care ended; rugpad does not claim the complaint resolved); else `active`.
- period end: the discharge report's time, or the confirming assessment's time for a referral; none while open.
- `meta.lastUpdated`: the episode's newest triage (every write to its records stores one) or its discharge, else
  its creation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from rugpad.core.episode import EpisodeState
from rugpad.core.flags import FlagEventKind, FlagStage
from rugpad.web.care.access import reach
from rugpad.web.care.models import Episode, Intake, TriageRecord
from rugpad.web.fhir.codes import coding, instant, reference
from rugpad.web.fhir.registry import BuildContext, ResourceKind, register
from rugpad.web.fhir.validate import validated
from rugpad.web.outcomes.models import GpReport
from rugpad.web.practice.models import User

REGION = {"low_back": "Low back", "neck": "Neck"}
"""The displays of rugpad's `region` code system (the core's Region values)."""
COMPLAINT = {"low_back": "Low back pain", "neck": "Neck pain"}
"""The displays of rugpad's `complaint` code system, one complaint per region."""
RADICULAR = {"low_back": ("lrs", "Lumbosacral radicular syndrome"), "neck": ("crs", "Cervical radicular syndrome")}
"""The codes of rugpad's `radicular-syndrome` system: whether the engine judged one present (`lrs-present`) or absent
(`lrs-absent`); no stage while it is undecided."""


def records(user: User) -> QuerySet[Episode]:
    newest_triage = TriageRecord.objects.filter(episode=OuterRef("pk")).order_by("-recorded_at", "-pk")
    discharge = GpReport.objects.filter(episode=OuterRef("pk"), kind="discharge").order_by("-created_at", "-pk")
    return (
        Episode.objects.filter(reach(user, "patient__"))
        .select_related("patient__practice")
        .annotate(discharged_at=Subquery(discharge.values("created_at")[:1]))
        .annotate(
            last_changed=Greatest(
                Coalesce(Subquery(newest_triage.values("recorded_at")[:1]), "created_at", output_field=DateTimeField()),
                Coalesce("discharged_at", "created_at", output_field=DateTimeField()),
            )
        )
    )


def _profile(region: str, profile: str) -> dict[str, Any]:
    words = "low back" if region == "low_back" else "neck"
    return {"coding": [coding("kngf-profile", profile, f"KNGF {words} profile {profile}")]}


def _ended(episode: Any, state: EpisodeState) -> dt.datetime | None:
    if not state.closed:
        return None
    for flag in state.flags:
        if flag.stage is FlagStage.CONFIRMED and flag.record is not None:
            return next((e.at for e in flag.record.events if e.kind is FlagEventKind.CONFIRMED), None)
    ended: dt.datetime | None = episode.discharged_at
    return ended


def _period(episode: Any, state: EpisodeState) -> dict[str, str]:
    period = {"start": episode.started_on.isoformat()}
    ended = _ended(episode, state)
    if ended is not None:
        period["end"] = instant(ended)
    return period


def episode_of_care(episode: Any, state: EpisodeState) -> dict[str, Any]:
    types = [{"coding": [coding("region", episode.region, REGION[episode.region])]}]
    if state.triage.profile:
        types.append(_profile(episode.region, state.triage.profile))
    return validated(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode.pk),
            "meta": {"lastUpdated": instant(episode.last_changed)},
            "status": "finished" if state.closed else "active",
            "type": types,
            "diagnosis": [{"condition": reference("Condition", episode.pk), "rank": 1}],
            "patient": reference("Patient", episode.patient_id),
            "managingOrganization": {"display": episode.patient.practice.name},
            "period": _period(episode, state),
        }
    )


def condition(episode: Any, state: EpisodeState, complaint: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(episode.pk),
        "meta": {"lastUpdated": instant(episode.last_changed)},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "inactive" if state.closed else "active",
                }
            ]
        },
        "code": {"coding": [coding("complaint", episode.region, COMPLAINT[episode.region])]},
        "bodySite": [{"coding": [coding("region", episode.region, REGION[episode.region])]}],
        "subject": reference("Patient", episode.patient_id),
        "recordedDate": episode.started_on.isoformat(),
    }
    if complaint:
        resource["code"]["text"] = complaint  # the complaint in the patient's words, from the newest intake
    if episode.onset_on:
        resource["onsetDateTime"] = episode.onset_on.isoformat()
    stages = []
    if state.triage.profile:
        stages.append({"summary": _profile(episode.region, state.triage.profile), "type": {"text": "KNGF profile"}})
    if state.triage.radicular is not None:
        code, words = RADICULAR[episode.region]
        judged = "present" if state.triage.radicular else "absent"
        stages.append(
            {
                "summary": {"coding": [coding("radicular-syndrome", f"{code}-{judged}", f"{words} {judged}")]},
                "type": {"text": "Radicular syndrome"},
            }
        )
    if stages:
        resource["stage"] = stages
    return validated(resource)


def build_episodes(rows: Sequence[Episode], ctx: BuildContext) -> list[dict[str, Any]]:
    states = ctx.states(rows)
    return [episode_of_care(episode, states[episode.pk]) for episode in rows]


def _complaints(rows: Sequence[Episode]) -> dict[int, str]:
    """The newest intake's complaint of each episode (one query for the page)."""
    complaints: dict[int, tuple[Any, str]] = {}
    for episode_id, at, pk, text in Intake.objects.filter(episode__in=[e.pk for e in rows]).values_list(
        "episode_id", "recorded_at", "pk", "complaint"
    ):
        if episode_id not in complaints or (at, pk) > complaints[episode_id][0]:
            complaints[episode_id] = ((at, pk), text)
    return {episode_id: text for episode_id, (_key, text) in complaints.items()}


def build_conditions(rows: Sequence[Episode], ctx: BuildContext) -> list[dict[str, Any]]:
    states = ctx.states(rows)
    complaints = _complaints(rows)
    return [condition(episode, states[episode.pk], complaints.get(episode.pk, "")) for episode in rows]


EPISODE_OF_CARE = register(
    ResourceKind(
        type="EpisodeOfCare",
        records=records,
        patient_field="patient_id",
        date_field="started_on",
        updated_field="last_changed",
        build=build_episodes,
    )
)
CONDITION = register(
    ResourceKind(
        type="Condition",
        records=records,
        patient_field="patient_id",
        date_field="started_on",
        updated_field="last_changed",
        build=build_conditions,
    )
)
