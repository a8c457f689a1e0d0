"""A practice at scale, for the data-scale benchmark (`bench/bench_scale.py`) and the query-count test.

`populate(patients)` grows the demo practice (`rugpad.web.demo.load_demo`, loaded first if absent) to `patients`
patients in all, fast: rows are written with `bulk_create` in batches, a chunk of patients per transaction, never
through the actions (one action per row would take hours at 100,000 patients). The demo logins keep their own
records, so their pages are what a benchmark times, among the filler:

- a handful of clinicians (the demo's two and more), each with an equal share of the filler patients;
- patients with Dutch-looking names (first names × surname bases × tussenvoegsels, some double surnames: thousands of
  distinct last names, so search and sort meet a realistic spread), some with a portal login;
- per patient one episode (some an earlier, closed one as well): most closed, some open with their next evaluation
  in the coming weeks, a few with a red flag (raised, or acted on and awaiting the doctor; a few closed episodes
  carry a flag the doctor confirmed). Each episode's records — intake, screening, examination, triage, questionnaires,
  red flags with their events — are copies of a demo episode of the same kind (the engine's real answers), moved to
  the filler episode's dates; the latest episode without an open red flag has a treatment plan (a copy of a demo
  plan: one version, its items), with education modules assigned; a closed episode without a confirmed flag was
  discharged nine weeks after its start (a copy of the demo's discharge report, without its PDF), so the
  outcome dashboard meets closures spread over the years;
- per *active* patient (all of them unless `active` says fewer) about `per_patient` diary entries and as many
  exercise set logs (grouped in guided sessions) — the bulk of the rows: 100,000 patients × 50 is 5 million of each.

The demo patients with a login get diary entries and set logs up to `per_patient` as well, so their history is as
long as a filler patient's. No audit event is written: the audit log is append-only and chained
one event at a time (its queryset refuses `bulk_create`), so it stays as the demo left it.

The records carry their own dates (`recorded_at`, `created_at`…), not the moment of the fill: while a chunk is
written, the `auto_now_add` of the filled models is switched off (and restored after).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from rugpad.web.care.models import (
    OPEN_STAGES,
    Episode,
    EpisodeStatus,
    Examination,
    FlagEventKind,
    FlagStage,
    InstrumentResponse,
    Intake,
    Patient,
    RedFlag,
    RedFlagEvent,
    ResponseStatus,
    Screening,
    TriageRecord,
    index_names,
)
from rugpad.web.demo import DEMO_PASSWORD, PRACTICE_NAME, load_demo
from rugpad.web.outcomes import summary
from rugpad.web.outcomes.models import EducationAssignment, EpisodeOutcome, GpReport, ReportKind
from rugpad.web.plans.models import (
    Effort,
    ExerciseSessionLog,
    ExerciseSetLog,
    ItemKind,
    PlanItem,
    PlanVersion,
    TreatmentPlan,
    VersionItem,
)
from rugpad.web.portal.models import DiaryEntry, ExercisesChoice, MedicationChoice
from rugpad.web.practice.models import Discipline, Practice, Role, User

M = TypeVar("M", bound=models.Model)

CHUNK_PATIENTS = 1_000
"""Patients written per transaction (with all their rows: about 100 × this many at 50 rows each per patient)."""
BATCH = 2_000
"""Rows per INSERT (Django lowers it where the database allows fewer variables)."""

FIRST_NAMES_FEMALE = (
    "Anna", "Anouk", "Astrid", "Bianca", "Carla", "Daphne", "Demi", "Eline", "Els", "Esther", "Eva", "Femke", "Fleur",
    "Hanneke", "Ilse", "Iris", "Janneke", "Jasmijn", "Julia", "Karin", "Lieke", "Lisa", "Lotte", "Maaike", "Manon",
    "Marieke", "Marloes", "Mirjam", "Nienke", "Noor", "Petra", "Renske", "Roos", "Sanne", "Saskia", "Sophie",
    "Tessa", "Wilma", "Yara", "Zoë", "Fatima", "Aisha", "Samira", "Elif", "Meryem", "Anja", "Ingrid", "Truus",
)  # fmt: skip
FIRST_NAMES_MALE = (
    "Arjen", "Bart", "Bas", "Bram", "Daan", "Dirk", "Erik", "Frank", "Gerrit", "Hans", "Henk", "Jan", "Jeroen",
    "Joost", "Jort", "Kees", "Koen", "Lars", "Luuk", "Maarten", "Mark", "Martijn", "Niels", "Pieter", "Rik", "Robbert",
    "Ruud", "Sander", "Sem", "Stijn", "Thijs", "Tim", "Tom", "Wouter", "Youssef", "Mohamed", "Ahmed", "Mehmet", "Emre",
    "Wim", "Willem", "Jasper", "Sjoerd", "Hidde", "Douwe", "Gijs", "Teun", "Floris",
)  # fmt: skip
SURNAME_BASES = (
    "Jong", "Jansen", "Vries", "Berg", "Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "Boer", "Mulder",
    "Groot", "Bos", "Vos", "Peters", "Hendriks", "Leeuwen", "Dekker", "Brouwer", "Wit", "Dijkstra", "Smits", "Graaf",
    "Linden", "Kok", "Jacobs", "Haan", "Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn", "Bruin", "Heijden", "Schouten",
    "Beek", "Willems", "Vliet", "Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "Dam", "Wal", "Prins", "Blom",
    "Huisman",
    "Peeters", "Kuipers", "Veenstra", "Kramer", "Postma", "Bosch", "Wouters", "Koning", "Vink", "Scholten", "Claes",
    "Molenaar", "Timmermans", "Kuiper", "Post", "Haas", "Meer", "Groen", "Yilmaz", "Kaya", "Amrani", "Idrissi",
    "Hermans", "Evers", "Lammers", "Verbeek", "Martens", "Sluis", "Bergman", "Hofman", "Stam", "Kroon", "Pol",
    "Zwart", "Wijk", "Gerritsen", "Hoek", "Boom", "Ruiter", "Sanders", "Jonker", "Koopman", "Mol", "Sloot", "Dool",
    "Hoogland", "Aalbers", "Roos", "Kamp", "Rietveld", "Zijlstra", "Brink", "Wolters", "Lange", "Meulen", "Geerts",
    "Huizinga", "Tol", "Steen", "Keizer", "Goossens", "Wagenaar", "Hoven", "Oosterhout", "Poel", "Gerrits", "Velde",
)  # fmt: skip
TUSSENVOEGSELS = ("", "", "", "", "de ", "van ", "van der ", "van den ", "van de ", "ter ", "ten ", "in 't ", "El ")
GP_PRACTICES = ("Huisartsenpraktijk Centrum", "Gezondheidscentrum Oost", "Huisartsen De Linde", "Praktijk Zuid")

OPEN_ARCHETYPES = (("de Vries", 3), ("El Amrani", 2), ("Jansen", 2), ("Smit", 3), ("Mulder", 2), ("Yilmaz", 1),
                   ("Claes", 1), ("Peeters", 2), ("Hendriks", 1), ("Bos", 2))  # fmt: skip
"""Demo patients whose episode an open filler episode copies (last name, weight): no red flag open."""
FLAGGED_ARCHETYPES = (("Bakker", FlagStage.RAISED), ("Visser", FlagStage.ACTED))
"""Demo episodes with an open red flag: nobody acted yet (cauda equina), or the GP was called (fracture)."""
CLOSED_ARCHETYPES = (("de Wit", 5), ("Mulder", 1), ("Smit", 1), ("El Amrani", 1))
"""Closed filler episodes copy these (Henk de Wit: discharged with every measurement moment done)."""
REFERRED_ARCHETYPE = "Bakker"
"""Closed filler episodes with a red flag a doctor confirmed (the patient was referred) copy this one."""
PLAN_OF_REGION = {"low_back": "de Vries", "neck": "Smit"}
"""Whose plan (and education) a filler episode of each region copies."""


@dataclass(frozen=True)
class Shares:
    """How the filler is spread; the defaults describe a practice, the test raises them so small sizes show them."""

    open_episode: float = 0.08
    """Latest episodes still open (the rest were discharged)."""
    earlier_episode: float = 0.2
    """Patients with an earlier, closed episode as well."""
    open_flag: float = 0.01
    """Open episodes with a red flag still open (raised or awaiting the doctor)."""
    referred: float = 0.005
    """Closed episodes that ended with a red flag confirmed by the doctor."""
    account: float = 0.3
    """Patients with a portal login."""


@dataclass
class Filled:
    """What one call added: rows per table and the time it took."""

    patients: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, number: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + number

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Archetype:
    """A demo episode's records, read once, to be copied onto filler episodes."""

    episode: Episode
    intake: Intake | None
    screening: Screening | None
    examination: Examination | None
    triage: TriageRecord | None
    responses: list[InstrumentResponse]
    flags: list[tuple[RedFlag, list[RedFlagEvent]]]


@dataclass
class _PlanTemplate:
    version: PlanVersion
    items: list[PlanItem]
    modules: list[str]

    @property
    def exercises(self) -> list[int]:
        return [n for n, item in enumerate(self.items) if item.kind == ItemKind.EXERCISE]


@dataclass
class _Templates:
    archetypes: dict[str, _Archetype]
    plans: dict[str, _PlanTemplate]
    discharge: GpReport | None = None
    """The demo's discharge report, copied (without its PDF) onto every discharged filler episode."""

    @classmethod
    def read(cls, practice: Practice) -> _Templates:
        names = {n for n, _w in OPEN_ARCHETYPES + CLOSED_ARCHETYPES} | {n for n, _s in FLAGGED_ARCHETYPES}
        names |= {REFERRED_ARCHETYPE, *PLAN_OF_REGION.values()}
        archetypes: dict[str, _Archetype] = {}
        plans: dict[str, _PlanTemplate] = {}
        for name in sorted(names):
            episode = Episode.objects.filter(patient__practice=practice, patient__last_name=name).order_by("id").first()
            if episode is None:
                continue
            archetypes[name] = _Archetype(
                episode=episode,
                intake=episode.latest("intakes"),
                screening=episode.latest("screenings"),
                examination=episode.latest("examinations"),
                triage=episode.latest("triages"),
                responses=list(episode.responses.order_by("id")),
                flags=[(flag, list(flag.events.order_by("id"))) for flag in episode.red_flags.order_by("id")],
            )
        for region, name in PLAN_OF_REGION.items():
            plan = TreatmentPlan.objects.filter(episode__patient__practice=practice, episode__patient__last_name=name)
            version = PlanVersion.objects.filter(plan__in=plan).order_by("-number").first()
            if version is not None:
                modules = list(
                    EducationAssignment.objects.filter(episode_id=version.plan.episode_id)
                    .order_by("order", "module_id")
                    .values_list("module_id", flat=True)
                )
                plans[region] = _PlanTemplate(version, list(version.ordered_items()), modules)
        discharge = GpReport.objects.filter(episode__patient__practice=practice, kind=ReportKind.DISCHARGE)
        return cls(archetypes, plans, discharge.order_by("id").first())


def populate(
    patients: int,
    *,
    per_patient: int = 50,
    active: int | None = None,
    clinicians: int = 6,
    shares: Shares | None = None,
    today: dt.date | None = None,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> Filled:
    """Grows the demo practice to `patients` patients in all (the demo's own included; nothing is added when it has
    that many already). `per_patient`: diary entries and set logs per active patient, on average; `active`: how many
    of the added patients get them (all when None); `clinicians`: the practice's clinicians in all (at least the
    demo's two). The same arguments give the same practice (`seed`)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    shares = shares or Shares()
    load_demo(today)
    practice = Practice.objects.get(name=PRACTICE_NAME)
    templates = _Templates.read(practice)
    staff = _clinicians(practice, clinicians)
    filled = Filled(patients=0, seconds=0.0)
    with _dated_records():
        _top_up_demo_patients(practice, templates, per_patient, today, filled)
    existing = Patient.objects.filter(practice=practice).count()
    to_add = max(0, patients - existing)
    active_left = to_add if active is None else max(0, min(active, to_add))
    password = make_password(DEMO_PASSWORD)  # one hash for every filler login (hashing is slow on purpose)
    for start in range(0, to_add, CHUNK_PATIENTS):
        size = min(CHUNK_PATIENTS, to_add - start)
        rng = random.Random(f"{seed}:{existing + start}")
        chunk_active = min(size, active_left)
        active_left -= chunk_active
        with transaction.atomic(), _dated_records():
            _fill_chunk(
                _Chunk(practice, templates, staff, shares, today, rng, existing + start, password, filled),
                size,
                chunk_active,
                per_patient,
            )
        filled.patients += size
        if progress is not None:
            progress(f"{existing + start + size:,} patients, {filled.total_rows:,} rows, "
                     f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    filled.seconds = time.perf_counter() - started
    return filled


# --- dates --------------------------------------------------------------------------------------------------------

_DATED_FIELDS: tuple[tuple[type[models.Model], str], ...] = (
    (Patient, "created_at"),
    (Episode, "created_at"),
    (Intake, "recorded_at"),
    (Screening, "recorded_at"),
    (Examination, "recorded_at"),
    (TriageRecord, "recorded_at"),
    (RedFlagEvent, "recorded_at"),
    (TreatmentPlan, "created_at"),
    (PlanVersion, "created_at"),
    (EducationAssignment, "assigned_at"),
    (GpReport, "created_at"),
    (DiaryEntry, "recorded_at"),
    (ExerciseSessionLog, "recorded_at"),
    (ExerciseSetLog, "recorded_at"),
)


@contextmanager
def _dated_records() -> Iterator[None]:
    """While filling, the models' `auto_now_add` fields keep the dates the filler gives them."""
    fields: list[Any] = [model._meta.get_field(name) for model, name in _DATED_FIELDS]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


@functools.lru_cache(maxsize=65_536)
def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _shifted(moment: dt.datetime | None, days: int) -> dt.datetime | None:
    return None if moment is None else moment + dt.timedelta(days=days)


def _copy(instance: models.Model, skip: Sequence[str] = ()) -> dict[str, Any]:
    """A row's own values (no id), to be written again under another episode."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.attname not in skip
    }


# --- people -------------------------------------------------------------------------------------------------------


def _clinicians(practice: Practice, count: int) -> list[User]:
    """The practice's clinicians, adding numbered colleagues up to `count` (the demo's two first)."""
    staff = list(User.objects.filter(practice=practice, role=Role.CLINICIAN).order_by("id"))
    missing = count - len(staff)
    if missing > 0:
        rng = random.Random(f"clinicians:{len(staff)}")
        password = make_password(DEMO_PASSWORD)
        new = [
            User(
                username=f"fysio{len(staff) + n + 1}",
                password=password,
                first_name=rng.choice(FIRST_NAMES_FEMALE + FIRST_NAMES_MALE),
                last_name=_last_name(rng),
                practice=practice,
                role=Role.CLINICIAN,
                discipline=rng.choice((Discipline.PHYSIOTHERAPIST, Discipline.MANUAL_THERAPIST)),
            )
            for n in range(missing)
        ]
        User.objects.bulk_create(new)
        staff = list(User.objects.filter(practice=practice, role=Role.CLINICIAN).order_by("id"))
    return staff


def _last_name(rng: random.Random) -> str:
    name = rng.choice(TUSSENVOEGSELS) + rng.choice(SURNAME_BASES)
    if rng.random() < 0.12:  # a double surname (partner's name first, as many Dutch women use)
        name = f"{rng.choice(TUSSENVOEGSELS)}{rng.choice(SURNAME_BASES)}-{name}"
    return name[0].upper() + name[1:] if name.startswith(("de ", "van ", "ter ", "ten ", "in ")) else name


@dataclass
class _Chunk:
    practice: Practice
    templates: _Templates
    staff: list[User]
    shares: Shares
    today: dt.date
    rng: random.Random
    first_index: int
    password: str
    filled: Filled

    def create(self, model: type[M], rows: list[M]) -> list[M]:
        if rows:
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            self.filled.count(model._meta.label, len(rows))
        return rows

    def weighted(self, choices: Sequence[tuple[str, int]]) -> str:
        present = [(name, weight) for name, weight in choices if name in self.templates.archetypes]
        return self.rng.choices([n for n, _w in present], weights=[w for _n, w in present])[0]


@dataclass
class _EpisodeSpec:
    patient: Patient
    archetype: _Archetype
    episode: Episode
    flag_stage: str | None = None
    """The stage the copied red flags get (None: the archetype's flags are not copied)."""
    latest: bool = True


def _fill_chunk(chunk: _Chunk, size: int, active: int, per_patient: int) -> None:
    rng, today = chunk.rng, chunk.today
    patients: list[Patient] = []
    accounts: list[User] = []
    for n in range(size):
        index = chunk.first_index + n
        female = rng.random() < 0.55
        first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
        last = _last_name(rng)
        born = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(365 * 70))
        patient = Patient(
            practice=chunk.practice,
            clinician=chunk.staff[index % len(chunk.staff)],
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sex="female" if female else "male",
            email=f"patient{index}@example.nl" if rng.random() < 0.7 else "",
            phone=f"06-{rng.randrange(10_000_000, 99_999_999)}",
            gp_name=rng.choice(GP_PRACTICES),
            created_at=_at(today - dt.timedelta(days=rng.randrange(5 * 365)), 9),
        )
        if rng.random() < chunk.shares.account:
            user = User(
                username=f"patient{index}",
                password=chunk.password,
                first_name=first,
                last_name=last,
                practice=chunk.practice,
                role=Role.PATIENT,
            )
            accounts.append(user)
            patient.user = user
        patients.append(patient)
    chunk.create(User, accounts)
    for patient in patients:
        if patient.user is not None:
            patient.user_id = patient.user.pk
    chunk.create(Patient, patients)
    index_names(patients)  # the name search's words, which `Patient.save` would have written

    specs = _episodes(chunk, patients)
    chunk.create(Episode, [s.episode for s in specs])
    _records(chunk, specs)
    _discharges(chunk, specs)
    latest = [s for s in specs if s.latest]
    plans = _plans(chunk, [s for s in latest if s.flag_stage not in (FlagStage.RAISED, FlagStage.ACTED)])
    bulk = _Bulk()
    for spec in latest[:active]:
        episode = spec.episode
        end = today - dt.timedelta(days=1) if episode.status == EpisodeStatus.OPEN else _end_of(episode)
        days = [end - dt.timedelta(days=k) for k in range(per_patient)]
        _diary(bulk, rng, spec.patient.pk, episode.pk, spec.patient.user_id, days)
        plan = plans.get(episode.pk)
        if plan is not None:
            _set_logs(bulk, rng, spec.patient.pk, plan, per_patient, end, before=None)
    bulk.flush(chunk.filled)
    chunk.filled.count(EpisodeOutcome._meta.label, summary.refresh([s.episode.pk for s in specs]))


def _discharges(chunk: _Chunk, specs: list[_EpisodeSpec]) -> None:
    """Each closed episode that no doctor's confirmation closed gets its discharge report, nine weeks in."""
    template = chunk.templates.discharge
    if template is None:
        return
    chunk.create(
        GpReport,
        [
            GpReport(episode_id=s.episode.pk, kind=ReportKind.DISCHARGE, lang=template.lang, content=template.content,
                     pdf=b"", created_by_id=s.episode.created_by_id, created_at=_at(_end_of(s.episode), 16))
            for s in specs
            if s.episode.status == EpisodeStatus.CLOSED and s.flag_stage != FlagStage.CONFIRMED
        ],
    )  # fmt: skip


def _end_of(episode: Episode) -> dt.date:
    return episode.started_on + dt.timedelta(days=63)


def _episodes(chunk: _Chunk, patients: list[Patient]) -> list[_EpisodeSpec]:
    rng, today, shares = chunk.rng, chunk.today, chunk.shares
    specs: list[_EpisodeSpec] = []
    for patient in patients:
        clinician = patient.clinician
        latest_open = rng.random() < shares.open_episode
        if rng.random() < shares.earlier_episode:
            started = today - dt.timedelta(days=rng.randrange(400, 5 * 365))
            specs.append(_closed(chunk, patient, clinician, started, latest=False))
        if latest_open:
            flagged = rng.random() < shares.open_flag
            name, stage = rng.choice(FLAGGED_ARCHETYPES) if flagged else (chunk.weighted(OPEN_ARCHETYPES), None)
            if name not in chunk.templates.archetypes:
                name, stage = chunk.weighted(OPEN_ARCHETYPES), None
            archetype = chunk.templates.archetypes[name]
            started = today - dt.timedelta(days=rng.randrange(0, 36))
            template = archetype.episode
            review = template.next_evaluation_on
            episode = Episode(
                patient=patient,
                region=template.region,
                started_on=started,
                onset_on=started - (template.started_on - template.onset_on) if template.onset_on else None,
                status=EpisodeStatus.OPEN,
                next_evaluation_on=started + (review - template.started_on) if review else None,
                created_by=clinician,
                created_at=_at(started, 9),
            )
            specs.append(_EpisodeSpec(patient, archetype, episode, stage))
        else:
            started = today - dt.timedelta(days=rng.randrange(70, 400))
            specs.append(_closed(chunk, patient, clinician, started, latest=True))
    return specs


def _closed(chunk: _Chunk, patient: Patient, clinician: User | None, started: dt.date, latest: bool) -> _EpisodeSpec:
    referred = chunk.rng.random() < chunk.shares.referred and REFERRED_ARCHETYPE in chunk.templates.archetypes
    archetype = chunk.templates.archetypes[REFERRED_ARCHETYPE if referred else chunk.weighted(CLOSED_ARCHETYPES)]
    template = archetype.episode
    episode = Episode(
        patient=patient,
        region=template.region,
        started_on=started,
        onset_on=started - (template.started_on - template.onset_on) if template.onset_on else None,
        status=EpisodeStatus.CLOSED,
        next_evaluation_on=None,
        created_by=clinician,
        created_at=_at(started, 9),
    )
    return _EpisodeSpec(patient, archetype, episode, FlagStage.CONFIRMED if referred else None, latest)


def _records(chunk: _Chunk, specs: list[_EpisodeSpec]) -> None:
    """Each episode's intake, screening, examination, triage, questionnaires and red flags, copied from its
    archetype and moved to its dates."""
    intakes, screenings, examinations, triages, responses = [], [], [], [], []
    flags: list[tuple[RedFlag, list[RedFlagEvent]]] = []
    for spec in specs:
        archetype, episode = spec.archetype, spec.episode
        clinician_id = episode.created_by_id
        first = _at(episode.started_on, 9)
        shift = (episode.started_on - archetype.episode.started_on).days
        base = {"episode_id": episode.pk, "recorded_by_id": clinician_id, "recorded_at": first}
        skip = ("episode_id", "recorded_by_id", "recorded_at")
        if archetype.intake is not None:
            intakes.append(Intake(**_copy(archetype.intake, skip), **base))
        if archetype.screening is not None:
            screenings.append(Screening(**_copy(archetype.screening, skip), **base))
        if archetype.examination is not None:
            examinations.append(Examination(**_copy(archetype.examination, skip), **base))
        if archetype.triage is not None:
            triages.append(TriageRecord(**_copy(archetype.triage, skip), **base))
        closed = episode.status == EpisodeStatus.CLOSED
        for response in archetype.responses:
            if closed and response.status == ResponseStatus.REQUESTED:
                continue  # a discharged episode waits for no questionnaire
            row = InstrumentResponse(**_copy(response, ("episode_id", "filled_by_id")), episode_id=episode.pk)
            row.requested_at = _shifted(response.requested_at, shift)
            row.completed_at = _shifted(response.completed_at, shift)
            row.filled_by_id = clinician_id if response.status == ResponseStatus.COMPLETED else None
            responses.append(row)
        if spec.flag_stage is not None:
            for flag, events in archetype.flags:
                flags.append(_flag_copy(episode, flag, events, spec.flag_stage, first))
    chunk.create(Intake, intakes)
    chunk.create(Screening, screenings)
    chunk.create(Examination, examinations)
    chunk.create(TriageRecord, triages)
    chunk.create(InstrumentResponse, responses)
    chunk.create(RedFlag, [flag for flag, _events in flags])
    for flag, events in flags:
        for event in events:
            event.flag_id = flag.pk
    chunk.create(RedFlagEvent, [event for _flag, events in flags for event in events])


def _flag_copy(
    episode: Episode, flag: RedFlag, events: list[RedFlagEvent], stage: str, raised: dt.datetime
) -> tuple[RedFlag, list[RedFlagEvent]]:
    copy = RedFlag(
        **_copy(flag, ("episode_id", "raised_by_id", "raised_at", "stage", "is_open")),  # the same practice and urgency
        episode_id=episode.pk,
        raised_by_id=episode.created_by_id,
        raised_at=raised,
        stage=stage,
        is_open=stage in OPEN_STAGES,
    )
    by = episode.created_by_id
    later = raised + dt.timedelta(hours=1)
    if stage == FlagStage.RAISED:
        return copy, []
    copied = [
        RedFlagEvent(
            **_copy(e, ("flag_id", "recorded_by_id", "at", "recorded_at")),
            recorded_by_id=by,
            at=later,
            recorded_at=later,
        )
        for e in events
    ]
    if not copied:
        note = "Huisarts gebeld; patiënt kan vandaag terecht."
        copied = [RedFlagEvent(kind=FlagEventKind.ACTION, note=note, counterpart="huisarts", recorded_by_id=by,
                               at=later, recorded_at=later)]  # fmt: skip
    if stage == FlagStage.CONFIRMED:
        done = raised + dt.timedelta(days=1)
        copied.append(RedFlagEvent(kind=FlagEventKind.CONFIRMED, note="Bevestigd door de huisarts; verwezen.",
                                   counterpart="huisarts", recorded_by_id=by, at=done, recorded_at=done))  # fmt: skip
    return copy, copied


@dataclass
class _FilledPlan:
    plan: TreatmentPlan
    version: PlanVersion
    items: list[PlanItem]
    exercises: list[PlanItem]


def _plans(chunk: _Chunk, specs: list[_EpisodeSpec]) -> dict[int, _FilledPlan]:
    """A copy of the demo plan of the episode's region (one version with its items) and its education."""
    templates = chunk.templates.plans
    with_plan = [(s, templates[s.episode.region]) for s in specs if s.episode.region in templates]
    plans = chunk.create(
        TreatmentPlan,
        [TreatmentPlan(episode_id=s.episode.pk, created_at=_at(s.episode.started_on, 10)) for s, _t in with_plan],
    )
    versions = chunk.create(
        PlanVersion,
        [
            PlanVersion(
                **_copy(t.version, ("plan_id", "created_by_id", "created_at", "starts_on", "number")),
                number=1,
                plan_id=plan.pk,
                created_by_id=s.episode.created_by_id,
                created_at=_at(s.episode.started_on, 10),
                starts_on=s.episode.started_on,
            )
            for (s, t), plan in zip(with_plan, plans, strict=True)
        ],
    )
    # items and their places as plain rows (14 or so a plan: a model instance each would cost a third of the fill)
    columns = [f.column for f in PlanItem._meta.concrete_fields]
    ids = _reserve_ids(PlanItem, sum(len(t.items) for _s, t in with_plan))
    item_rows: list[list[Any]] = []
    place_rows: list[tuple[int, int, int]] = []
    items_of: list[list[PlanItem]] = []
    for (s, t), plan, version in zip(with_plan, plans, versions, strict=True):
        items = []
        for position, item in enumerate(t.items):
            values = _copy(item) | {"id": ids[len(item_rows)], "plan_id": plan.pk}
            if item.caution_confirmed_by_id is not None:
                values |= {"caution_confirmed_by_id": s.episode.created_by_id,
                           "caution_confirmed_at": _at(s.episode.started_on, 10)}  # fmt: skip
            item_rows.append([values[c] for c in columns])
            place_rows.append((version.pk, values["id"], position))
            items.append(PlanItem(**values) if item.kind == ItemKind.EXERCISE else item)
        items_of.append(items)
    _write(PlanItem, columns, item_rows, chunk.filled)
    _write(VersionItem, ("version_id", "item_id", "position"), place_rows, chunk.filled)
    chunk.create(
        EducationAssignment,
        [
            EducationAssignment(
                episode_id=s.episode.pk,
                module_id=module,
                order=order,
                assigned_at=_at(s.episode.started_on, 10),
                assigned_by_id=s.episode.created_by_id,
                read_at=_at(s.episode.started_on + dt.timedelta(days=order + 1), 21) if order < 2 else None,
            )
            for s, t in with_plan
            for order, module in enumerate(t.modules)
        ],
    )
    return {
        s.episode.pk: _FilledPlan(plan, version, items, [items[n] for n in t.exercises])
        for (s, t), plan, version, items in zip(with_plan, plans, versions, items_of, strict=True)
    }


# --- the bulk: diary and guided sessions ----------------------------------------------------------------------------

DIARY_COLUMNS = ("patient_id", "episode_id", "version", "current", "opened_at", "recorded_at", "recorded_by_id", "day",
                 "pain_now", "pain_exercise", "pain_next_morning", "exercises", "minutes_walked", "sleep_quality",
                 "medication", "note", "alarms", "alarm_payloads", "alarm_urgency", "alarm_flags")  # fmt: skip
SESSION_COLUMNS = ("id", "key", "plan_id", "version_id", "patient_id", "started_at", "settled_since_last",
                   "recorded_at")  # fmt: skip
SET_LOG_COLUMNS = ("key", "session_id", "item_id", "exercise_id", "skipped", "sets_done", "reps_done", "hold_seconds",
                   "minutes", "pain_during", "effort", "done_at", "recorded_at")  # fmt: skip


class _Bulk:
    """The three big tables (diary entries, sessions, set logs), written as plain rows — a model instance per row
    would cost most of the fill's time: PostgreSQL's COPY, or one `executemany` on SQLite. Values are converted to
    what the database stores as Django's fields would convert them (times in UTC, UUIDs, JSON)."""

    def __init__(self) -> None:
        self.diary: list[tuple[Any, ...]] = []
        self.sessions: list[list[Any]] = []
        self.set_logs: list[list[Any]] = []
        """Set-log rows whose `session_id` is still the index of their session in `sessions`."""

    def flush(self, filled: Filled) -> None:
        ids = _reserve_ids(ExerciseSessionLog, len(self.sessions))
        for session, pk in zip(self.sessions, ids, strict=True):
            session[0] = pk
        for log in self.set_logs:
            log[1] = ids[log[1]]
        _write(DiaryEntry, DIARY_COLUMNS, self.diary, filled)
        _write(ExerciseSessionLog, SESSION_COLUMNS, self.sessions, filled)
        _write(ExerciseSetLog, SET_LOG_COLUMNS, self.set_logs, filled)
        self.diary, self.sessions, self.set_logs = [], [], []


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, so that rows written without RETURNING can be referred to.
    Inside the fill's write transaction (SQLite: nobody else writes; PostgreSQL: taken from the sequence)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        top = int(cursor.fetchone()[0])
        return list(range(top + 1, top + 1 + count))


def _write(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], filled: Filled) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    by_column = {f.column: f for f in model._meta.concrete_fields}
    converters = [_converter(by_column[c]) for c in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_converted(row, converters))
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [_converted(row, converters) for row in rows],
            )
    filled.count(model._meta.label, len(rows))


def _converted(row: Sequence[Any], converters: Sequence[Callable[[Any], Any] | None]) -> list[Any]:
    return [v if c is None or v is None else c(v) for v, c in zip(row, converters, strict=True)]


def _converter(f: Any) -> Callable[[Any], Any] | None:
    if isinstance(f, models.JSONField):
        return json.dumps
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates, times, UUIDs and booleans itself
    if isinstance(f, models.DateTimeField):  # memoised: the filler's times repeat (a few a day)
        return functools.lru_cache(maxsize=65_536)(connection.ops.adapt_datetimefield_value)
    if isinstance(f, models.DateField):
        return functools.lru_cache(maxsize=65_536)(connection.ops.adapt_datefield_value)
    if isinstance(f, models.UUIDField):
        return lambda value: value.hex
    return None


def _diary(bulk: _Bulk, rng: random.Random, patient_id: int, episode_id: int | None, user_id: int | None,
           days: list[dt.date]) -> None:  # fmt: skip
    for day in days:
        pain = rng.randrange(1, 8)
        evening = _at(day, 20, 30)
        exercises = rng.choice((ExercisesChoice.YES, ExercisesChoice.YES, ExercisesChoice.PARTLY, ExercisesChoice.NO))
        bulk.diary.append(
            (
                patient_id,
                episode_id,
                1,
                True,
                evening,
                evening,
                user_id,
                day,
                pain,
                min(pain + rng.randrange(0, 2), 10),
                pain,
                str(exercises),
                rng.randrange(0, 90),
                rng.randrange(3, 10),
                rng.choice(MedicationChoice.values),
                "",
                [],
                [],
                "",
                [],
            )
        )


def _set_logs(
    bulk: _Bulk, rng: random.Random, patient_id: int, plan: _FilledPlan, count: int, end: dt.date,
    before: dt.datetime | None,
) -> None:  # fmt: skip
    """About `count` set logs in guided sessions every other day back from `end` (or before `before`), one log per
    exercise of the plan a session."""
    if not plan.exercises or count <= 0:
        return
    per_session = len(plan.exercises)
    for number in range(math.ceil(count / per_session)):
        moment = _at(end - dt.timedelta(days=2 * number), 18, 30)
        if before is not None:
            moment = before - dt.timedelta(days=2 * (number + 1))
        index = len(bulk.sessions)
        bulk.sessions.append(
            [None, uuid.uuid4(), plan.plan.pk, plan.version.pk, patient_id, moment, rng.random() < 0.85, moment]
        )
        pain = rng.randrange(0, 6)
        for offset, item in enumerate(plan.exercises[: count - number * per_session]):
            done = moment + dt.timedelta(minutes=5 * offset)
            skipped = rng.random() < 0.05
            sets = item.sets or 1
            bulk.set_logs.append(
                [
                    uuid.uuid4(),
                    index,
                    item.pk,
                    item.ref,
                    skipped,
                    0 if skipped else sets,
                    None if skipped else (item.repetitions or 0) * sets or None,
                    item.hold_seconds,
                    item.minutes,
                    None if skipped else pain,
                    "" if skipped else str(Effort.OK if pain > 2 else Effort.EASY),
                    done,
                    done,
                ]
            )


def _top_up_demo_patients(
    practice: Practice, templates: _Templates, per_patient: int, today: dt.date, filled: Filled
) -> None:
    """The demo patients with a login get diary entries (on days their diary lacks, from yesterday back) and set logs
    (in sessions before their own) up to `per_patient` each, so the pages a benchmark times carry a filler patient's
    history."""
    rng = random.Random(f"demo:{per_patient}")
    bulk = _Bulk()
    demo = Patient.objects.filter(practice=practice, user__isnull=False, user__username__in=_demo_logins(practice))
    with transaction.atomic():
        for patient in demo.order_by("id"):
            episode = patient.episodes.order_by("-started_on", "-id").first()
            days = set(patient.diary_entries.values_list("day", flat=True))
            wanted = per_patient - len(days)
            free = (today - dt.timedelta(days=k) for k in range(1, 10 * 365))
            new_days = [day for day in free if day not in days][: max(0, wanted)]
            _diary(bulk, rng, patient.pk, episode.pk if episode else None, patient.user_id, new_days)
            plan = TreatmentPlan.objects.filter(episode__patient=patient, versions__isnull=False).first()
            version = plan.current() if plan is not None else None
            if plan is None or version is None:
                continue
            logged = ExerciseSetLog.objects.filter(session__patient=patient)
            wanted = per_patient - logged.count()
            first = ExerciseSessionLog.objects.filter(patient=patient).order_by("started_at").first()
            items = list(version.ordered_items())
            exercises = [item for item in items if item.kind == ItemKind.EXERCISE]
            filled_plan = _FilledPlan(plan, version, items, exercises)
            before = first.started_at if first is not None else _at(today, 18, 30)
            _set_logs(bulk, rng, patient.pk, filled_plan, wanted, today, before=before)
        bulk.flush(filled)
        summary.refresh(Episode.objects.filter(patient__in=demo).values_list("pk", flat=True))


def _demo_logins(practice: Practice) -> list[str]:
    """The patient logins the demo made (the filler's are all named `patient<n>`)."""
    users = User.objects.filter(practice=practice, role=Role.PATIENT).exclude(username__startswith="patient")
    return list(users.values_list("username", flat=True))
