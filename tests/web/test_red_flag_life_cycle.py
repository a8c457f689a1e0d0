"""The red-flag life cycle through the web app: raised (by a screening sign) → action recorded → assessed by the GP
or specialist (excluded: the pathway resumes; confirmed: the episode closes), or withdrawn; and what the episode
page, the dashboard, the plan generator and the patient's guided session say at every stage.

Facts §2.1a: a red flag is raised, acted on, then assessed by a doctor; care resumes once it is excluded; a new sign
raises a new flag. KNGF 2021 B.1.3: suspicion or doubt → contact the GP. Issue 8, items 2 and 5.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.web.audit.models import AuditEvent
from rugpad.web.care import actions
from rugpad.web.care.models import Episode, EpisodeStatus, RedFlag, RedFlagEvent
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans.clinical import clinician_exercise, exercise_library
from rugpad.web.portal.models import Alert
from tests.web.conftest import TODAY, World, client_for
from tests.web.portal.helpers import diary_post

CAUDA = "rf.cauda_equina"


def screen(world: World, *signs: str) -> None:
    actions.do_save_screening(as_user(world.clinician), world.episode, list(signs), notes="")


def when(minutes_ago: int = 5) -> str:
    """A time in the form's datetime-local format."""
    return (timezone.localtime() - dt.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def post_event(
    client: Client, flag: RedFlag, kind: str, note: str = "", counterpart: str = "", at: str | None = None
) -> tuple[int, str]:
    response = client.post(
        reverse("red_flag_event", args=[flag.pk]),
        {"kind": kind, "note": note, "counterpart": counterpart, "at": at or when()},
    )
    return response.status_code, response.content.decode()


def episode_page(world: World) -> str:
    response = client_for(world.clinician).get(reverse("episode_detail", args=[world.episode.pk]))
    assert response.status_code == 200
    return response.content.decode()


def dashboard(world: World) -> str:
    return client_for(world.clinician).get(reverse("home")).content.decode()


def session_page(world: World) -> str:
    return client_for(world.patient_user).get(reverse("plans_session"), {"all": "1"}).content.decode()


def summaries(flag: RedFlag) -> list[str]:
    """The audit summaries written about this flag (writes only; views are logged too), oldest first."""
    events = AuditEvent.objects.filter(object_type="redflag", object_id=str(flag.pk)).exclude(action="view")
    return [e.summary for e in events.order_by("at", "id")]


@pytest.fixture
def planned(world: World) -> World:
    """Patient A's episode scored low-risk (profile 1) with a two-exercise plan (as in tests/web/plans/conftest.py)."""
    actions.do_record_response(as_user(world.clinician), world.episode, "startback", SB_LOW)
    library = exercise_library()
    specs = [clinician_exercise(library[ref], "allowed") for ref in ("bridge", "cat-camel")]
    plan_actions.do_save_version(as_user(world.clinician), world.episode, specs, change="test plan")
    return world


@pytest.fixture
def flagged(planned: World) -> World:
    """Patient A's planned episode after a screening that found saddle anaesthesia (cauda equina, facts §2.1)."""
    screen(planned, "saddle_anaesthesia")
    return planned


def the_flag(world: World) -> RedFlag:
    return RedFlag.objects.get(episode=world.episode)


# --- raised ---------------------------------------------------------------------------------------------------------


def test_a_screening_sign_raises_a_stored_flag_with_its_audit_event(flagged: World) -> None:
    flag = the_flag(flagged)
    assert (flag.rule_id, flag.origin, flag.stage, flag.urgency, flag.signs) == (
        CAUDA,
        "record",
        "raised",
        "emergency",
        ["saddle_anaesthesia"],
    )
    assert flag.raised_by == flagged.clinician
    assert summaries(flag) == [f"red flag raised: {CAUDA} (emergency, record)"]
    event = AuditEvent.objects.get(object_type="redflag", object_id=str(flag.pk), action="create")
    assert (event.patient_id, event.actor) == (flagged.patient.pk, flagged.clinician)


def test_the_episode_page_shows_the_banner_with_the_flag_and_its_next_step(flagged: World) -> None:
    flag = the_flag(flagged)
    page = episode_page(flagged)
    assert 'id="alarm"' in page and f'id="flag-{flag.pk}"' in page
    assert "Vermoeden van caudasyndroom" in page
    assert reverse("red_flag_event", args=[flag.pk]) in page  # the form to record the action
    assert 'id="gate"' in page  # "the care pathway waits", with the reason
    assert 'class="badge allowed"' not in page


def test_the_dashboard_lists_the_open_flag(flagged: World) -> None:
    assert f"#flag-{the_flag(flagged).pk}" in dashboard(flagged)


def test_while_the_flag_is_open_no_plan_is_proposed_and_the_patient_gets_no_exercises(flagged: World) -> None:
    generate = client_for(flagged.clinician).get(reverse("plans_generate", args=[flagged.episode.pk]))
    assert generate.status_code == 400
    body = generate.content.decode()
    assert "plan-error" in body and "proposal-item" not in body
    session = session_page(flagged)
    assert "red-flag-notice" in session and 'id="session-exercises"' not in session and "btn-begin" not in session
    assert client_for(flagged.patient_user).get(reverse("plans_my_pdf")).status_code == 409


# --- refused steps: nothing is stored -------------------------------------------------------------------------------


def test_an_action_without_a_note_is_refused_at_the_note_field_and_nothing_is_stored(flagged: World) -> None:
    flag = the_flag(flagged)
    client = client_for(flagged.clinician)
    before = AuditEvent.objects.exclude(action="view").count()
    status, page = post_event(client, flag, "action", note="   ", counterpart="GP Jansen")
    assert status == 400
    assert re.search(r'<div class="field has-error">\s*<label for="id_note">', page), "the message is at the note"
    assert "Dit veld is verplicht" in page
    assert not RedFlagEvent.objects.exists()
    flag.refresh_from_db()
    assert flag.stage == "raised"
    assert AuditEvent.objects.exclude(action="view").count() == before


def test_an_assessment_before_any_action_is_refused_in_dutch(flagged: World) -> None:
    flag = the_flag(flagged)
    status, page = post_event(
        client_for(flagged.clinician), flag, "excluded", note="MRI normaal", counterpart="neuroloog dr. Smit"
    )
    assert status == 400
    assert "leg eerst de genomen actie vast" in page
    assert not RedFlagEvent.objects.exists()
    flag.refresh_from_db()
    assert flag.stage == "raised"


def test_an_assessment_needs_who_assessed(flagged: World) -> None:
    flag = the_flag(flagged)
    client = client_for(flagged.clinician)
    assert post_event(client, flag, "action", note="Huisarts gebeld", counterpart="huisarts Jansen")[0] == 302
    status, page = post_event(client, flag, "excluded", note="Geen caudasyndroom", counterpart="")
    assert status == 400
    assert "Noem de huisarts of specialist die het heeft beoordeeld." in page
    flag.refresh_from_db()
    assert flag.stage == "acted" and flag.events.count() == 1


@pytest.mark.parametrize("at", ["future", "before_raised", "not_a_time"])
def test_a_time_in_the_future_or_before_the_flag_is_refused(flagged: World, at: str) -> None:
    flag = the_flag(flagged)
    value = {
        "future": when(minutes_ago=-120),
        "before_raised": (timezone.localtime(flag.raised_at) - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "not_a_time": "gisteren",
    }[at]
    status, page = post_event(client_for(flagged.clinician), flag, "action", note="Gebeld", at=value)
    assert status == 400
    assert re.search(r'<div class="field has-error">\s*<label for="id_at">', page), "the message is at the time"
    assert not RedFlagEvent.objects.exists()
    flag.refresh_from_db()
    assert flag.stage == "raised"


def test_an_unknown_kind_is_refused_not_a_server_error(flagged: World) -> None:
    status, _page = post_event(client_for(flagged.clinician), the_flag(flagged), "deleted", note="x")
    assert status == 400
    assert not RedFlagEvent.objects.exists()


# --- the life cycle -------------------------------------------------------------------------------------------------


def test_action_then_exclusion_resumes_the_pathway(flagged: World) -> None:
    flag = the_flag(flagged)
    client = client_for(flagged.clinician)

    status, _ = post_event(
        client, flag, "action", note="Patiënt naar de SEH gestuurd", counterpart="SEH UMC Utrecht", at=when(30)
    )
    assert status == 302
    flag.refresh_from_db()
    assert flag.stage == "acted"
    action = flag.events.get()
    assert (action.kind, action.note, action.counterpart, action.recorded_by) == (
        "action",
        "Patiënt naar de SEH gestuurd",
        "SEH UMC Utrecht",
        flagged.clinician,
    )
    # Acted is still open: the doctor has not assessed it yet.
    assert "red-flag-notice" in session_page(flagged)
    assert f"#flag-{flag.pk}" in dashboard(flagged)
    page = episode_page(flagged)
    assert 'id="alarm"' in page and "Patiënt naar de SEH gestuurd" in page

    status, _ = post_event(client, flag, "excluded", note="MRI normaal", counterpart="neuroloog dr. Smit")
    assert status == 302
    flag.refresh_from_db()
    assert flag.stage == "excluded"
    assert list(flag.events.values_list("kind", flat=True)) == ["action", "excluded"]
    assert summaries(flag) == [
        f"red flag raised: {CAUDA} (emergency, record)",
        f"red flag {CAUDA}: action → acted",
        f"red flag {CAUDA}: excluded → excluded",
    ]

    session = session_page(flagged)
    assert 'id="session-exercises"' in session and "red-flag-notice" not in session
    assert client_for(flagged.patient_user).get(reverse("plans_my_pdf")).status_code == 200
    assert f"#flag-{flag.pk}" not in dashboard(flagged)
    generate = client_for(flagged.clinician).get(reverse("plans_generate", args=[flagged.episode.pk]))
    assert generate.status_code == 200 and "proposal-item" in generate.content.decode()
    page = episode_page(flagged)
    assert 'id="alarm"' not in page and 'id="gate"' not in page
    assert 'id="closed-flags"' in page and "neuroloog dr. Smit" in page
    episode = Episode.objects.get(pk=flagged.episode.pk)
    assert episode.status == EpisodeStatus.OPEN


def test_a_confirmed_flag_refers_the_patient_and_closes_the_episode(flagged: World) -> None:
    flag = the_flag(flagged)
    client = client_for(flagged.clinician)
    assert post_event(client, flag, "action", note="Huisarts gebeld", counterpart="huisarts Jansen")[0] == 302
    assert post_event(client, flag, "confirmed", note="Caudasyndroom; geopereerd", counterpart="neurochirurg")[0] == 302
    flag.refresh_from_db()
    assert flag.stage == "confirmed"
    episode = Episode.objects.get(pk=flagged.episode.pk)
    assert episode.status == EpisodeStatus.CLOSED
    closing = AuditEvent.objects.get(object_type="episode", object_id=str(episode.pk), action="update")
    assert closing.summary == f"episode closed: referred ({CAUDA} confirmed)"
    assert summaries(flag)[-1] == f"red flag {CAUDA}: confirmed → confirmed"
    # Closed for rugpad care: nothing to do for the patient, nothing on the dashboard.
    assert "red-flag-notice" in session_page(flagged)
    assert f"#flag-{flag.pk}" not in dashboard(flagged)
    # A closed flag stays closed: no further step is accepted.
    assert post_event(client, flag, "withdrawn", note="toch niet")[0] == 400
    assert flag.events.count() == 2


def test_a_diary_flag_withdrawn_with_a_note_is_closed(planned: World) -> None:
    """A flag raised from the patient's diary in error (a box ticked by mistake) is withdrawn with a note; nothing in
    the clinician's records raises it again."""
    from tests.web.portal.helpers import diary_post

    client_for(planned.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    flag = the_flag(planned)
    assert (flag.origin, flag.stage) == ("diary", "raised")
    client = client_for(planned.clinician)
    assert post_event(client, flag, "withdrawn", note="")[0] == 400  # a note is required for this step too
    assert post_event(client, flag, "action", note="Gebeld", counterpart="patiënt", at=when(4))[0] == 302
    status, _ = post_event(client, flag, "withdrawn", note="Patiënt belde: per ongeluk aangevinkt")
    assert status == 302
    flag.refresh_from_db()
    assert flag.stage == "withdrawn"
    assert RedFlag.objects.filter(episode=planned.episode).count() == 1
    assert summaries(flag)[-1] == f"red flag {CAUDA}: withdrawn → withdrawn"
    assert 'id="session-exercises"' in session_page(planned)
    assert f"#flag-{flag.pk}" not in dashboard(planned)


def test_a_screening_flag_withdrawn_while_the_sign_is_still_recorded_is_raised_again(flagged: World) -> None:
    """The safer reading (core/flags.py): the records still say the sign is present, so a fresh flag is raised; the
    clinician corrects the screening first, then withdraws."""
    first = the_flag(flagged)
    client = client_for(flagged.clinician)
    assert post_event(client, first, "withdrawn", note="Verkeerd aangevinkt")[0] == 302
    again = RedFlag.objects.filter(episode=flagged.episode).exclude(pk=first.pk).get()
    assert (again.rule_id, again.stage) == (CAUDA, "raised")

    screen(flagged)  # the corrected screening: nothing present
    assert post_event(client, again, "withdrawn", note="Screening gecorrigeerd")[0] == 302
    assert not RedFlag.objects.filter(episode=flagged.episode, stage__in=["raised", "acted"]).exists()
    assert 'id="session-exercises"' in session_page(flagged)


def test_after_exclusion_the_same_sign_raises_nothing_but_a_new_sign_raises_a_new_flag(flagged: World) -> None:
    """Facts §2.1a: a new sign raises a new flag; the same signs a doctor assessed do not."""
    flag = the_flag(flagged)
    client = client_for(flagged.clinician)
    post_event(client, flag, "action", note="Huisarts gebeld", counterpart="huisarts Jansen")
    post_event(client, flag, "excluded", note="Geen caudasyndroom", counterpart="huisarts Jansen")

    screen(flagged, "saddle_anaesthesia")  # screened again, same finding
    assert list(RedFlag.objects.filter(episode=flagged.episode).values_list("stage", flat=True)) == ["excluded"]
    assert 'id="session-exercises"' in session_page(flagged)

    screen(flagged, "saddle_anaesthesia", "bladder_dysfunction")  # a new sign of the same rule
    new = RedFlag.objects.filter(episode=flagged.episode).exclude(pk=flag.pk).get()
    assert (new.rule_id, new.stage, new.origin) == (CAUDA, "raised", "record")
    assert "bladder_dysfunction" in new.signs
    assert summaries(new) == [f"red flag raised: {CAUDA} (emergency, record)"]
    assert "red-flag-notice" in session_page(flagged)
    assert f"#flag-{new.pk}" in dashboard(flagged)


# --- an episode not screened yet ------------------------------------------------------------------------------------


def test_a_new_episode_not_screened_says_so_and_promises_nothing(world: World) -> None:
    """Issue 8: before screening the page said "Rode vlaggen: geen" and "Manipulatie: toegestaan" in green, with a
    raw Python dict in the "undecided" text."""
    world.episode.status = EpisodeStatus.CLOSED
    world.episode.save()
    episode = actions.do_open_episode(
        as_user(world.clinician), world.patient, region="low_back", started_on=TODAY, onset_on=TODAY
    )
    page = client_for(world.clinician).get(reverse("episode_detail", args=[episode.pk])).content.decode()
    assert "nog niet gescreend" in page
    assert "geen open" not in page and 'class="badge none"' not in page
    assert 'class="badge allowed"' not in page and "toegestaan" not in page.split('id="result"')[1].split("</dl>")[0]
    assert "niet beoordeeld tot er is gescreend" in page
    assert "vul aan: de STarT Back-vragenlijst" in page  # the undecided text, in words (no field id)
    assert 'id="gate"' in page
    assert "{'" not in page and "{&#x27;" not in page
    assert not RedFlag.objects.filter(episode=episode).exists()


def test_the_undecided_text_never_shows_a_raw_dict(flagged: World) -> None:
    page = episode_page(flagged)
    assert "{'" not in page and "{&#x27;" not in page


# --- what the review of the first version found -------------------------------------------------------------------


def test_discharge_is_refused_while_a_red_flag_is_open_and_the_dashboard_keeps_it(flagged: World) -> None:
    """Closing an episode would hide its open red flag: discharge waits until a doctor has assessed it."""
    response = client_for(flagged.clinician).post(
        reverse("outcomes_discharge", args=[flagged.episode.pk]),
        {"lang": "nl", "treatment": "x", "advice": "y", "reason": "patiënt stopt", "confirm": "on"},
    )
    assert response.status_code == 400 and "rode vlag" in response.content.decode()
    flagged.episode.refresh_from_db()
    assert flagged.episode.status == EpisodeStatus.OPEN
    flag = RedFlag.objects.get(episode=flagged.episode)
    # Even an episode closed some other way (a confirmed flag of another rule) keeps its open flags on the dashboard.
    Episode.objects.filter(pk=flagged.episode.pk).update(status=EpisodeStatus.CLOSED)
    assert f"#flag-{flag.pk}" in dashboard(flagged)


def test_a_diary_alarm_in_a_second_open_episode_stops_the_exercises_of_the_first(planned: World) -> None:
    """The diary keeps an alarm with the newest open episode; the patient exercises from another one's plan."""
    newer = actions.do_open_episode(
        as_user(planned.clinician), planned.patient, region="neck", started_on=TODAY, onset_on=None
    )
    Episode.objects.filter(pk=newer.pk).update(started_on=TODAY + dt.timedelta(days=1))
    assert "data-exercise" in session_page(planned) or "bridge" in session_page(planned)
    client_for(planned.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    assert RedFlag.objects.get().episode_id == newer.pk
    page = session_page(planned)
    assert "red-flag-notice" in page and "bridge" not in page


def test_a_flag_that_time_alone_raised_is_stored_when_the_episode_is_opened(world: World) -> None:
    """An age passing a rule's threshold raises a flag without any new record: it is kept (and on the dashboard)."""
    patient = world.patient
    screen(world, "long_term_corticosteroids")
    assert not RedFlag.objects.exists()
    patient.date_of_birth = TODAY.replace(year=TODAY.year - 75)
    patient.save()
    episode_page(world)
    flag = RedFlag.objects.get()
    assert flag.origin == "record" and flag.stage == "raised"
    assert f"#flag-{flag.pk}" in dashboard(world)
    episode_page(world)
    assert RedFlag.objects.count() == 1, "stored once"


def test_a_diary_report_is_withdrawn_only_after_somebody_spoke_with_the_patient(world: World) -> None:
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    flag = RedFlag.objects.get()
    status, _page = post_event(client_for(world.clinician), flag, "withdrawn", note="per ongeluk aangevinkt")
    assert status == 400
    assert RedFlag.objects.get().stage == "raised"
    status, _page = post_event(
        client_for(world.clinician), flag, "action", note="Gebeld: per ongeluk aangevinkt", counterpart="patiënt"
    )
    assert status == 302
    status, _page = post_event(client_for(world.clinician), flag, "withdrawn", note="per ongeluk aangevinkt")
    assert status == 302 and RedFlag.objects.get().stage == "withdrawn"


def test_an_alarm_alert_without_an_episode_is_never_closed_without_a_message(world: World) -> None:
    world.episode.status = EpisodeStatus.CLOSED
    world.episode.save(update_fields=["status"])
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    alert = Alert.objects.get()
    client_for(world.clinician).post(reverse("portal_acknowledge", args=[alert.pk]), {"message": ""})
    assert Alert.objects.get().acknowledged_at is None
