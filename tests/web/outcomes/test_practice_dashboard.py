"""The practice outcome dashboard against a small practice computed by hand.

Practice A (the `world` fixture's, plus the patients below), period = the last 12 months up to today:

clinician A, low back, six patients P1-P6 started 120 days ago, and the fixture's patient (started recently):

    patient  NPRS first→latest   ODI first→latest   verdicts (NPRS / ODI)           responder
    P1       8 → 3               40 → 20            improved / improved              yes
    P2       6 → 5               40 → 36            not important / not important    no
    P3       5 → 4 (recent)      40 → 20 (recent)   not important / improved         no (pain judged, not improved)
    P4       4 → 6               40 → 20            worsened / improved              no (a worsening)
    P5       3 → 2               40                 improved (30 % of 3) / –         not judged (function unknown)
    P6       3 → 3               40 → 40            not important / not important    no

    NPRS: 2 of 6 improved importantly (P1, P5) → 33 %; ODI: 3 of 5 (P1, P3, P4) → 60 %; responders 1 of 5 → 20 %.

    P1 and P2 are discharged today (P1 with end-moment questionnaires, P2 without: a drop-out); P3-P6 and the
    fixture's patient stay open. Home programme (plans P1-P5: one exercise 2 days a week, started 30 days ago → 5
    weeks → 10 exercise days): 10, 5, 0, 8, 3 done → 100, 50, 0, 80, 30 % → mean 52 %.
    Open without contact for 42 days: P6 only (P3 answered 10 days ago; P4 and P5 logged exercise; the fixture's
    patient started less than 42 days ago).
    Red flags raised 10 days ago on P3, P4, P5, P6 (two) and the fixture's patient; first action after 1, 2, 3, 4 and
    10 hours, the fixture patient's none yet → median 3.0 h, mean 4.0 h, 1 awaiting.
    End-moment questionnaires: P1's two completed, P3-P6 one sent each → 2 of 6 = 33 %.

clinician B, neck, three patients Q1-Q3 (a group of fewer than 5: hidden, in the clinician and region tables); Q1's
red flag acted on after 5 hours and confirmed by the GP → referred and closed; Q2 and Q3 never answered anything
(open without contact). The whole practice then has 10 patients, 3 episodes closed, 1 referral, 3 open without
contact, hours to action 1, 2, 3, 4, 5, 10 → median 3.5, mean 4.2.

Practice B gets five patients whose pain fell from 9 to 1: none of it may reach practice A's numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import Episode, InstrumentResponse, Patient, RedFlag, ResponseStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes import actions as outcome_actions
from rugpad.web.outcomes import clock, summary
from rugpad.web.outcomes.practice_dashboard import Period, practice_groups
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library
from rugpad.web.plans.models import TreatmentPlan
from rugpad.web.practice.models import Role, User
from tests.web.conftest import World, client_for
from tests.web.outcomes.helpers import ODI_20, ODI_36, ODI_40, fill

TODAY = timezone.localdate()
STARTED = TODAY - dt.timedelta(days=120)
NAMES = ("Alfaro", "Bravon", "Charlton", "Deltour", "Echterhof", "Foxley")


def nprs(value: int) -> dict[str, int]:
    return {"1": value}


def _patient(clinician: User, last_name: str, region: str, started: dt.date = STARTED) -> Episode:
    request = as_user(clinician)
    patient = actions.do_create_patient(
        request, first_name="Zoë", last_name=last_name, date_of_birth=dt.date(1970, 5, 5), sex="female"
    )
    episode = actions.do_open_episode(request, patient, region=region, started_on=started, onset_on=started)
    actions.do_save_screening(request, episode, [], notes="")
    return episode


def _plan(clinician: User, episode: Episode, done: int) -> None:
    """One exercise 2 days a week from 30 days ago (5 plan weeks, 10 exercise days); `done` logged, at most 2 a week."""
    spec = clinician_exercise(exercise_library()["bridge"], "allowed")
    assert spec.dose is not None
    spec = dataclasses.replace(spec, dose=dataclasses.replace(spec.dose, days_per_week=2))
    starts = TODAY - dt.timedelta(days=30)
    plan_actions.do_save_version(as_user(clinician), episode, [spec], change="test", starts_on=starts, weeks=8)
    plan = TreatmentPlan.objects.get(episode=episode)
    item = plan.current().ordered_items()[0]  # type: ignore[union-attr]
    patient = episode.patient
    for index in range(done):
        day = starts + dt.timedelta(days=7 * (index // 2) + index % 2)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        plan_actions.do_log_entry(
            as_user(clinician), patient, plan,
            {"key": uuid.uuid4(), "session_key": uuid.uuid4(), "item_id": item.pk, "exercise_id": "bridge",
             "sets_done": 1, "pain_during": 2, "settled_since_last": True, "started_at": at, "done_at": at},
        )  # fmt: skip


def _flag(clinician: User, episode: Episode, sign: str, acted_after_hours: float | None) -> RedFlag:
    request = as_user(clinician)
    before = set(RedFlag.objects.filter(episode=episode).values_list("pk", flat=True))
    screening = episode.latest("screenings")
    actions.do_save_screening(request, episode, [*screening.signs, sign], notes="")
    flag = RedFlag.objects.filter(episode=episode).exclude(pk__in=before).get()
    raised = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=10), dt.time(9, 0)))
    RedFlag.objects.filter(pk=flag.pk).update(raised_at=raised)
    flag.refresh_from_db()
    if acted_after_hours is not None:
        at = raised + dt.timedelta(hours=acted_after_hours)
        actions.do_record_flag_event(request, flag, kind="action", at=at, note="GP called")
    return flag


@dataclasses.dataclass
class Practice:
    world: World
    clinician_b: User
    episodes: dict[str, Episode]


def _build(world: World) -> Practice:
    a = world.clinician
    b = User.objects.create_user(
        "bea.bos", password="pw-123456789", practice=world.practice, role=Role.CLINICIAN, first_name="Bea",
        last_name="Bos",
    )  # fmt: skip
    a.first_name, a.last_name = "Ada", "Anker"
    a.save()
    ep = {name: _patient(a, name, "low_back") for name in NAMES}
    later, recent = STARTED + dt.timedelta(days=30), TODAY - dt.timedelta(days=10)
    scores = {  # name: (nprs first, nprs latest, odi first, odi latest or None, latest on)
        "Alfaro": (8, 3, ODI_40, ODI_20, STARTED + dt.timedelta(days=90)),
        "Bravon": (6, 5, ODI_40, ODI_36, later),
        "Charlton": (5, 4, ODI_40, ODI_20, recent),
        "Deltour": (4, 6, ODI_40, ODI_20, later),
        "Echterhof": (3, 2, ODI_40, None, later),
        "Foxley": (3, 3, ODI_40, ODI_40, later),
    }
    for name, (first, latest, odi_first, odi_latest, on) in scores.items():
        moment = "end" if name == "Alfaro" else ""
        fill(a, ep[name], "nprs", nprs(first), STARTED, moment="intake")
        fill(a, ep[name], "odi", odi_first, STARTED, moment="intake")
        fill(a, ep[name], "nprs", nprs(latest), on, moment=moment)
        if odi_latest is not None:
            fill(a, ep[name], "odi", odi_latest, on, moment=moment)
    sent = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=5), dt.time(8, 0)))
    for name in ("Charlton", "Deltour", "Echterhof", "Foxley"):
        InstrumentResponse.objects.create(
            episode=ep[name], instrument="nprs", moment="end", status=ResponseStatus.REQUESTED, requested_at=sent
        )
    for name, done in zip(NAMES[:5], (10, 5, 0, 8, 3), strict=True):
        _plan(a, ep[name], done)
    for name in ("Alfaro", "Bravon"):
        outcome_actions.do_discharge(
            as_user(a), ep[name], treatment="t", advice="a", today=TODAY, reason="patient stopped coming"
        )
    for name, hours in (("Charlton", 1), ("Deltour", 2), ("Echterhof", 3), ("Foxley", 4)):
        _flag(a, ep[name], "saddle_anaesthesia", hours)
    _flag(a, ep["Foxley"], "progressive_weakness", 10)
    _flag(a, world.episode, "saddle_anaesthesia", None)
    for name in ("Qwerty", "Rumbold", "Stavros"):
        ep[name] = _patient(b, name, "neck")
    q1 = _flag(b, ep["Qwerty"], "saddle_anaesthesia", 5)
    confirmed = q1.raised_at + dt.timedelta(hours=30)
    actions.do_record_flag_event(as_user(b), q1, kind="confirmed", at=confirmed, note="Confirmed", counterpart="Dr. GP")
    for index in range(5):  # practice B: large improvements that must not count for practice A
        other = _patient(world.other_clinician, f"Other{index}", "low_back")
        fill(world.other_clinician, other, "nprs", nprs(9), STARTED)
        fill(world.other_clinician, other, "nprs", nprs(1), later)
    return Practice(world, b, ep)


@pytest.fixture
def practice(world: World, monkeypatch: pytest.MonkeyPatch) -> Practice:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    built = _build(world)
    # `fill` and `_flag` move records to past dates behind the actions' backs: the summary is rebuilt from the
    # records, as `manage.py rebuild_outcome_summary` would (test_practice_dashboard_summary.py holds the actions'
    # own upkeep to that rebuild)
    summary.rebuild()
    return built


def _group(groups: dict, breakdown: str, key: object):  # type: ignore[no-untyped-def,type-arg]
    return next(g for g in groups[breakdown] if g.key == key)


def test_the_numbers_are_those_computed_by_hand(practice: Practice) -> None:
    groups = practice_groups(practice.world.practice.pk, Period.default(TODAY), TODAY)
    total = _group(groups, "all", None)
    assert total.patients == 10
    assert (total.get("episodes"), total.get("started"), total.get("closed_in")) == (10, 10, 3)
    assert (total.get("m_nprs"), total.get("i_nprs")) == (6, 2)
    assert (total.get("m_odi"), total.get("i_odi")) == (5, 3)
    assert (total.get("responder_yes"), total.get("responder_no")) == (1, 4)
    assert (total.get("adherence_n"), round(total.get("adherence_sum"), 6)) == (5, 2.6)
    assert (total.get("referred"), total.get("dropout_closed"), total.get("dropout_open")) == (1, 1, 3)
    assert total.moments["end"] == [6, 2]
    assert total.moments["intake"] == [12, 12]
    assert (total.acted, total.awaiting, total.median_hours) == (6, 1, 3.5)
    assert total.mean_hours == pytest.approx(25 / 6)
    a = _group(groups, "clinician", practice.world.clinician.pk)
    assert a.patients == 7 and a.shown
    assert (a.acted, a.awaiting, a.median_hours, a.mean_hours) == (5, 1, 3.0, pytest.approx(4.0))
    assert (a.get("closed_in"), a.get("referred"), a.get("dropout_open")) == (2, 0, 1)
    b = _group(groups, "clinician", practice.clinician_b.pk)
    assert b.patients == 3 and not b.shown
    assert _group(groups, "region", "low_back").patients == 7
    assert not _group(groups, "region", "neck").shown


def test_the_page_shows_the_shares_hides_small_groups_and_names_no_patient(practice: Practice) -> None:
    response = client_for(practice.world.admin).get(reverse("outcomes_practice"))
    assert response.status_code == 200
    html = response.content.decode()
    total = html[html.index('id="total"') : html.index('id="breakdown-clinician"')]
    assert 'data-key="patients">10<' in total
    assert 'data-key="responders">20% (1/5)<' in total
    assert 'data-key="adherence">52%<' in total
    assert 'data-key="median_hours">3.5<' in total and 'data-key="mean_hours">4.2<' in total
    assert "33% (2/6)" in html  # NPRS, and the end moment
    assert "60% (3/5)" in html  # ODI
    clinicians = html[html.index('id="breakdown-clinician"') : html.index('id="breakdown-region"')]
    assert "Ada Anker" in clinicians and "Bea Bos" in clinicians
    bea = clinicians[clinicians.index("Bea Bos") :].split("</tr>")[0]
    assert "minder dan 5 patiënten" in bea and "%" not in bea
    assert "Ostelo" in html  # the MCIDs' source, as a citation
    _assert_no_patient(practice, html)


def _assert_no_patient(practice: Practice, text: str) -> None:
    for patient in Patient.objects.all():
        assert patient.last_name not in text and str(patient) not in text
    assert "/patients/" not in text and "/episodes/" not in text
    ids = {str(e.pk) for e in Episode.objects.all()} | {str(p.pk) for p in Patient.objects.all()}
    assert not re.search(r"(patient|episode)[^<>]{0,12}\b(" + "|".join(ids) + r")\b", text, re.IGNORECASE)


def test_the_csv_holds_the_same_numbers_as_the_page(practice: Practice) -> None:
    client = client_for(practice.world.admin)
    html = client.get(reverse("outcomes_practice")).content.decode()
    response = client.get(reverse("outcomes_practice_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    _assert_no_patient(practice, text)
    lines = list(csv.reader(io.StringIO(text)))
    header, rows = lines[0], [row for row in lines[1:] if len(row) > 2]
    practice_row = dict(zip(header, rows[0], strict=True))
    assert practice_row["Patiënten"] == "10"
    for column, value in practice_row.items():
        if column not in ("Uitsplitsing", "Groep") and value:
            assert f">{value}<" in html, (column, value)
    bea = next(row for row in rows if row[1] == "Bea Bos")
    assert bea[2] == "minder dan 5 patiënten" and not any(bea[3:])


def test_another_practice_sees_only_its_own_patients(practice: Practice) -> None:
    groups = practice_groups(practice.world.other_clinician.practice_id or 0, Period.default(TODAY), TODAY)
    total = _group(groups, "all", None)
    assert total.patients == 6  # the fixture's patient B and five others
    assert (total.get("m_nprs"), total.get("i_nprs")) == (5, 5)
    html = client_for(practice.world.other_clinician).get(reverse("outcomes_practice")).content.decode()
    assert "Ada Anker" not in html and 'data-key="patients">6<' in html


def test_a_period_leaves_out_what_happened_outside_it(practice: Practice) -> None:
    period = Period(TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=200))
    groups = practice_groups(practice.world.practice.pk, period, TODAY)
    assert groups["all"] == []  # every episode started later
    response = client_for(practice.world.admin).get(
        reverse("outcomes_practice"), {"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"}
    )
    assert response.status_code == 200 and "Minder dan 5 patiënten" in response.content.decode()


def test_a_period_ending_before_it_starts_is_refused_naming_the_field(practice: Practice) -> None:
    response = client_for(practice.world.admin).get(
        reverse("outcomes_practice"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "komt vóór het begin" in body and "minder dan 5 patiënten wordt niet getoond" in body
    response = client_for(practice.world.admin).get(reverse("outcomes_practice"), {"start": "gisteren"})
    assert response.status_code == 400


def test_each_view_is_one_list_event_naming_the_dashboard_without_patients(practice: Practice) -> None:
    client = client_for(practice.world.admin)
    before = AuditEvent.objects.count()
    client.get(reverse("outcomes_practice"))
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.patient_id) for e in events] == [("list", None)]
    assert events[0].summary.startswith("practice outcome dashboard") and events[0].summary.endswith(": 10 patients")


def test_the_query_count_does_not_grow_with_the_practice(practice: Practice) -> None:
    """Counting the figures (the page's "compute again", as the nightly job does) costs the same queries."""
    client = client_for(practice.world.admin)
    client.get(reverse("outcomes_practice"))  # warm caches (content, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.post(reverse("outcomes_practice")).status_code == 302
    for index in range(4):
        episode = _patient(practice.world.clinician, f"More{index}", "neck")
        fill(practice.world.clinician, episode, "ndi", {str(i): 1 for i in range(1, 11)}, STARTED)
        _flag(practice.world.clinician, episode, "saddle_anaesthesia", 2)
    with CaptureQueriesContext(connection) as large:
        assert client.post(reverse("outcomes_practice")).status_code == 302
    assert 'data-key="patients">14<' in client.get(reverse("outcomes_practice")).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("name", ["outcomes_practice", "outcomes_practice_csv"])
def test_only_the_practice_staff_may_look(world: World, name: str) -> None:
    url = reverse(name)
    assert client_for(world.admin).get(url).status_code == 200
    assert client_for(world.clinician).get(url).status_code == 200
    assert client_for(world.other_clinician).get(url).status_code == 200  # their own practice's numbers
    assert client_for(world.patient_user).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
