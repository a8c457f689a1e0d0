"""Every write of a plan or a session log. Each action owns its transaction and writes its audit events inside it;
a refused save (contra-indicated exercise, caution without confirmation, bad dose) raises before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.models import Episode, Patient
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import summary
from rugpad.web.outcomes.actions import do_assign_modules
from rugpad.web.plans.clinical import item_checker, pathway_gate, reason_text
from rugpad.web.plans.models import (
    ExerciseSessionLog,
    ExerciseSetLog,
    ItemKind,
    PlanItem,
    PlanSettings,
    PlanVersion,
    TreatmentPlan,
    VersionItem,
)
from rugpad.web.plans.specs import ItemSpec, row_fields, spec_of
from rugpad.web.practice.models import Practice, request_user

DEFAULT_WEEKS = 6
"""Plan length when neither the proposal nor the practice gives one: the lower end of KNGF 2021's 6-12 weeks to
return to the earlier activity level (source eval-kngf-lbp-2021); the clinician changes it per plan."""


def _checked(
    request: HttpRequest, episode: Episode, specs: Sequence[ItemSpec], confirm: Collection[str]
) -> tuple[list[ItemSpec], list[ItemSpec]]:
    """The specs with their suitability as of now; refuses a contra-indicated exercise and an unconfirmed caution.
    Returns (specs, newly confirmed cautions)."""
    gate = pathway_gate(episode)
    if not gate.may_proceed:  # not screened, a red flag open, or closed: no plan change but a removal
        raise InvalidInput("plan", " ".join(reason.get(reader_lang()) for reason in gate.reasons))
    checked: list[ItemSpec] = []
    confirmed: list[ItemSpec] = []
    now = timezone.now()
    check_item = (
        item_checker(episode) if any(s.kind in (ItemKind.EXERCISE, ItemKind.TECHNIQUE) for s in specs) else None
    )
    for spec in specs:
        if spec.kind not in (ItemKind.EXERCISE, ItemKind.TECHNIQUE):
            checked.append(spec)
            continue
        assert check_item is not None
        check = check_item(spec.ref)
        reason = f": {reason_text(check, Lang.EN)}" if check.reasons else ""
        if check.suitability == "contraindicated":
            raise InvalidInput(f"exercise {spec.ref}", f"contra-indicated for this patient{reason}")
        spec = replace(spec, suitability=check.suitability)
        if check.suitability == "caution" and spec.confirmed_by_id is None:
            if spec.ref not in confirm:
                raise InvalidInput(f"exercise {spec.ref}", f"needs your explicit confirmation (caution){reason}")
            spec = replace(spec, confirmed_by_id=request_user(request).pk, confirmed_at=now)
            confirmed.append(spec)
        checked.append(spec)
    return checked, confirmed


@transaction.atomic
def do_save_version(
    request: HttpRequest,
    episode: Episode,
    specs: Sequence[ItemSpec],
    *,
    change: str,
    confirm: Collection[str] = (),
    starts_on: dt.date | None = None,
    weeks: int | None = None,
    sessions_per_week: int | None = None,
    recheck: bool = True,
) -> PlanVersion:
    """Stores the items as the plan's next version (the first one creates the plan); earlier versions stay. An item
    the previous version already holds unchanged is listed again, not copied (see `_place_items`).

    `recheck=False` is for a removal only: the remaining items were checked when they were stored, and taking one
    away can only make the plan safer, so it is allowed even while a red flag is open (when the core refuses every
    check)."""
    specs, confirmed = _checked(request, episode, specs, confirm) if recheck else (list(specs), [])
    plan, created = TreatmentPlan.objects.get_or_create(episode=episode)
    previous = plan.current()
    own = PlanSettings.objects.filter(practice_id=episode.patient.practice_id).first()
    version = PlanVersion.objects.create(
        plan=plan,
        number=(previous.number + 1) if previous else 1,
        created_by=request_user(request),
        change=change[:300],
        starts_on=starts_on or (previous.starts_on if previous else timezone.localdate()),
        weeks=weeks or (previous.weeks if previous else None) or (own and own.weeks) or DEFAULT_WEEKS,
        sessions_per_week=sessions_per_week
        or (previous.sessions_per_week if previous else None)
        or (own.sessions_per_week if own else None),
    )
    _place_items(plan, previous, version, specs)
    # The plan reaches the patient at once: its programme (the newest version) and its education modules, in the
    # same transaction; modules given before stay as they were (read or not).
    do_assign_modules(request, episode, [s.ref for s in specs if s.kind == ItemKind.EDUCATION and s.ref])
    record(
        request,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        version,
        patient_id=episode.patient_id,
        summary=f"plan version {version.number}: {change}",
    )
    for spec in confirmed:
        record(
            request,
            AuditAction.UPDATE,
            version,
            patient_id=episode.patient_id,
            summary=f"caution confirmed for exercise {spec.ref} (plan version {version.number})",
        )
    summary.refresh_episode(episode)  # the outcome dashboard's adherence follows the current version
    return version


def _place_items(
    plan: TreatmentPlan, previous: PlanVersion | None, version: PlanVersion, specs: Sequence[ItemSpec]
) -> None:
    """Lists the specs as the version's items: a spec equal in every stored field to an item of the previous
    version reuses that row (each row once), any other spec is a new row. So a plan's item rows grow with what its
    changes add or change, never with changes × items, and a set log's item stays the row the patient saw."""
    unused: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for item in previous.ordered_items() if previous else ():
        unused.setdefault(_identity(row_fields(spec_of(item))), []).append(item.pk)
    item_ids: list[int | None] = []
    new_items: list[PlanItem] = []
    for spec in specs:
        fields = row_fields(spec)
        same = unused.get(_identity(fields))
        if same:
            item_ids.append(same.pop(0))
        else:
            item_ids.append(None)
            new_items.append(PlanItem(plan=plan, **fields))
    created = iter(PlanItem.objects.bulk_create(new_items))
    VersionItem.objects.bulk_create(
        VersionItem(version=version, item_id=item_id if item_id is not None else next(created).pk, position=index)
        for index, item_id in enumerate(item_ids)
    )


def _identity(fields: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The stored fields as one hashable key (the texts by language are mappings)."""
    return tuple(sorted((name, tuple(sorted(v.items())) if isinstance(v, dict) else v) for name, v in fields.items()))


@transaction.atomic
def do_save_plan_settings(request: HttpRequest, practice: Practice, **values: int | None) -> PlanSettings:
    own, _created = PlanSettings.objects.get_or_create(practice=practice)
    for name, value in values.items():
        setattr(own, name, value)
    own.updated_by = request_user(request)
    own.save()
    record(request, AuditAction.UPDATE, own, summary="practice plan settings changed")
    return own


def do_log_entry(
    request: HttpRequest, patient: Patient, plan: TreatmentPlan, entry: dict[str, Any]
) -> tuple[ExerciseSetLog, bool]:
    """Stores one exercise result of a guided session; the same key twice returns the first row (created=False).
    A key (or session key) of another patient raises InvalidInput; the caller answers it like any invalid key.

    The insert is tried first (a new result is the common case, one query less); a key already stored fails the
    unique constraint, the transaction rolls back, and the stored row is answered instead."""
    try:
        return _create_entry(request, patient, plan, entry), True
    except IntegrityError:  # the key was stored before, or by a twin request at the same moment
        existing = _stored(patient, entry["key"])
        if existing is None:
            raise InvalidInput("key", "could not be stored") from None
        return existing, False


def _stored(patient: Patient, key: Any) -> ExerciseSetLog | None:
    """The row already stored under this key for this patient; InvalidInput when another patient holds the key."""
    existing = ExerciseSetLog.objects.filter(key=key).select_related("session").first()
    if existing is not None and existing.session.patient_id != patient.pk:
        raise InvalidInput("key", "already used")
    return existing


@transaction.atomic
def _create_entry(request: HttpRequest, patient: Patient, plan: TreatmentPlan, entry: dict[str, Any]) -> ExerciseSetLog:
    session, session_is_new = ExerciseSessionLog.objects.get_or_create(
        key=entry["session_key"],
        defaults={
            "plan": plan,
            "version": plan.current,  # called only when the session is new
            "patient": patient,
            "started_at": entry.get("started_at") or timezone.now(),
            "settled_since_last": entry.get("settled_since_last"),
        },
    )
    if session.patient_id != patient.pk:
        raise InvalidInput("session_key", "already used")
    item_id = entry.get("item_id")
    item = PlanItem.objects.filter(pk=item_id, plan=plan).first() if item_id is not None else None
    row = ExerciseSetLog.objects.create(
        key=entry["key"],
        session=session,
        item=item,
        exercise_id=entry["exercise_id"],
        skipped=bool(entry.get("skipped")),
        sets_done=entry.get("sets_done") or 0,
        reps_done=entry.get("reps_done"),
        hold_seconds=entry.get("hold_seconds"),
        minutes=entry.get("minutes"),
        pain_during=entry.get("pain_during"),
        effort=entry.get("effort") or "",
        done_at=entry.get("done_at") or timezone.now(),
    )
    record(
        request,
        AuditAction.CREATE,
        row,
        patient_id=patient.pk,
        summary=f"exercise {row.exercise_id} {'skipped' if row.skipped else 'done'} (pain {row.pain_during})",
    )
    summary.count_exercise(row, session, session_is_new)
    return row


def new_key() -> uuid.UUID:
    return uuid.uuid4()
