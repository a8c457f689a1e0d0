"""Input bounds through the web app (issue 9, item 4): a bad-input test per field kind — dates, texts, whole numbers,
finite numbers — through the forms and the API routes, each refused with a message at its field (or a 422 naming
it) and nothing stored; the programme PDF and calendar robust for a plan start stored before the bounds existed;
every name printed as written. NUL bytes are what PostgreSQL cannot store: run this file on both databases."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rugpad import engine
from rugpad.web.care import actions
from rugpad.web.care.models import InstrumentResponse, Intake, Patient, RedFlag, RedFlagEvent
from rugpad.web.demo import SB_LOW, as_user
from rugpad.web.fields import BOUNDED_ATTRIBUTE
from rugpad.web.outcomes.models import GpReport
from rugpad.web.plans import actions as plan_actions
from rugpad.web.plans import clinical as plan_clinical
from rugpad.web.plans.models import ExerciseSetLog, PlanVersion
from rugpad.web.portal.models import DiaryEntry
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current
from tests.web.portal.helpers import diary_post

NUL = "\x00"
INTAKE = {"complaint": "Pijn laag in de rug.", "help_request": "Weer kunnen werken."}


@pytest.fixture
def planned(world: World) -> World:
    """Patient A's episode scored low-risk with a two-exercise plan (as in tests/web/plans/conftest.py)."""
    actions.do_record_response(as_user(world.clinician), world.episode, "startback", SB_LOW)
    library = plan_clinical.exercise_library()
    specs = [plan_clinical.clinician_exercise(library[e], "allowed") for e in ("bridge", "cat-camel")]
    plan_actions.do_save_version(as_user(world.clinician), world.episode, specs, change="test plan")
    return world


def _errors(response: Any, form: str = "form") -> dict[str, Any]:
    return dict(response.context[form].errors)


# --- every form field has a bound -------------------------------------------------------------------------------

FORM_MODULES = ("care", "outcomes", "plans", "portal", "practice", "twofactor")
FORM_ARGUMENTS: dict[str, dict[str, Any]] = {
    "ScreeningForm": {"region": "low_back"},
    "InstrumentForm": {"definition": None},  # filled in below with the PSK definition (items and activities)
    "OverrideForm": {"region": "low_back"},
    "DoseForm": {"kind": "reps", "per_side": False},
    "AcceptInvitationForm": {"patient": None},
}
UNBOUNDED_BY_FORMAT = (
    forms.ChoiceField,
    forms.BooleanField,
    forms.NullBooleanField,
    forms.UUIDField,
    forms.SlugField,
    forms.EmailField,
)
"""Fields whose format already bounds them: a choice from a list, a yes/no, a UUID, an ASCII slug, an address."""


def _forms() -> Iterator[tuple[str, type[forms.BaseForm]]]:
    for app in FORM_MODULES:
        module = importlib.import_module(f"rugpad.web.{app}.forms")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield f"{app}.{name}", value


def test_every_field_of_every_form_carries_a_bound(db: None) -> None:
    from rugpad.core.exercises import DoseKind

    arguments = FORM_ARGUMENTS | {
        "InstrumentForm": {"definition": engine.instrument("psk")},
        "DoseForm": {"kind": DoseKind.REPS, "per_side": False},
        "AcceptInvitationForm": {"patient": Patient(first_name="A", last_name="B")},
    }
    unbounded = []
    found = 0
    for qualified, form_class in _forms():
        found += 1
        form = form_class(**arguments.get(form_class.__name__, {}))
        for name, field in form.fields.items():
            if isinstance(field, UNBOUNDED_BY_FORMAT) or isinstance(field.widget, forms.PasswordInput):
                continue
            if not hasattr(field, BOUNDED_ATTRIBUTE):
                unbounded.append(f"{qualified}.{name} ({type(field).__name__})")
    assert found >= 15
    assert unbounded == [], "fields without the bounds of rugpad.web.fields:\n" + "\n".join(unbounded)


# --- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("born", ["1899-12-31", "0001-01-01", "9999-12-31"])
def test_a_birth_date_outside_1900_to_today_is_refused(world: World, born: str) -> None:
    before = Patient.objects.count()
    response = client_for(world.clinician).post(
        reverse("patient_new"), {"first_name": "Jan", "last_name": "Oud", "date_of_birth": born, "sex": "male"}
    )
    assert response.status_code == 200 and "date_of_birth" in _errors(response)
    assert Patient.objects.count() == before


@pytest.fixture
def flag(world: World) -> RedFlag:
    actions.do_save_screening(as_user(world.clinician), world.episode, ["saddle_anaesthesia"], notes="")
    found = RedFlag.objects.filter(episode=world.episode).first()
    assert found is not None
    return found


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "1899-12-31T23:59", "9999-12-31T23:59"])
def test_a_red_flag_step_dated_far_outside_care_is_refused_at_its_field_not_a_500(
    world: World, flag: RedFlag, at: str
) -> None:
    response = client_for(world.clinician).post(
        reverse("red_flag_event", args=[flag.pk]), {"kind": "action", "note": "Huisarts gebeld", "at": at}
    )
    assert response.status_code == 400
    assert "at" in _errors(response, "failed_form")
    assert "1900" in response.content.decode()  # the message says which dates are possible
    assert not RedFlagEvent.objects.filter(flag=flag).exists()


def test_a_plan_start_in_the_year_9999_is_refused_and_the_plan_keeps_its_dates(planned: World) -> None:
    before = current(planned)
    response = client_for(planned.clinician).post(
        reverse("plans_edit_meta", args=[planned.episode.pk]),
        {"starts_on": "9999-12-31", "weeks": "6", "sessions_per_week": "2"},
    )
    assert response.status_code == 400
    assert current(planned).pk == before.pk and current(planned).starts_on == before.starts_on


def test_a_plan_start_within_a_year_is_accepted(planned: World) -> None:
    start = timezone.localdate() + dt.timedelta(days=30)
    response = client_for(planned.clinician).post(
        reverse("plans_edit_meta", args=[planned.episode.pk]),
        {"starts_on": start.isoformat(), "weeks": "6", "sessions_per_week": "2"},
    )
    assert response.status_code in (200, 302) and current(planned).starts_on == start


@pytest.fixture
def far_future_plan(planned: World) -> World:
    """A plan whose start was stored as 9999-12-31 before the form refused it."""
    PlanVersion.objects.filter(pk=current(planned).pk).update(starts_on=dt.date(9999, 12, 31), weeks=52)
    return planned


@pytest.mark.parametrize(
    ("who", "route"),
    [
        ("clinician", "plans_episode_pdf"),
        ("clinician", "plans_episode_ics"),
        ("patient", "plans_my_pdf"),
        ("patient", "plans_my_ics"),
        ("clinician", "plans_episode"),
        ("clinician", "plans_versions"),
        ("patient", "plans_my_exercises"),
    ],
)
def test_a_stored_plan_start_in_9999_still_gives_the_programme(far_future_plan: World, who: str, route: str) -> None:
    user = far_future_plan.clinician if who == "clinician" else far_future_plan.patient_user
    args = [far_future_plan.episode.pk] if who == "clinician" else []
    response = client_for(user).get(reverse(route, args=args))
    assert response.status_code == 200


def test_a_diary_day_in_the_year_1_is_refused(world: World) -> None:
    response = client_for(world.patient_user).post(reverse("portal_diary"), diary_post(day="0001-01-01"))
    assert response.status_code == 200 and "day" in _errors(response)
    assert not DiaryEntry.objects.exists()


def test_a_session_result_dated_in_the_year_1_is_refused(planned: World) -> None:
    entry = _session_entry(planned, done_at="0001-01-01T00:00:00+00:00")
    response = _post_session(planned, entry)
    assert response.status_code == 400 and "done_at" in response.json()["errors"]


# --- texts ------------------------------------------------------------------------------------------------------


def test_a_100000_character_intake_is_refused_and_nothing_is_stored(world: World) -> None:
    response = client_for(world.clinician).post(
        reverse("episode_intake", args=[world.episode.pk]), INTAKE | {"complaint": "a" * 100_000}
    )
    assert response.status_code == 200 and "complaint" in _errors(response)
    assert "10000" in str(_errors(response)["complaint"]) or "10.000" in str(_errors(response)["complaint"])
    assert not Intake.objects.filter(episode=world.episode).exists()


def test_an_intake_with_line_breaks_and_tabs_is_kept_as_written(world: World) -> None:
    complaint = "Pijn bij bukken.\r\n\tUitstraling naar het linkerbeen."
    client_for(world.clinician).post(
        reverse("episode_intake", args=[world.episode.pk]), INTAKE | {"complaint": complaint}
    )
    assert Intake.objects.get(episode=world.episode).complaint == complaint


@pytest.mark.parametrize("field", ["complaint", "medication", "goals"])
@pytest.mark.parametrize("bad", [NUL, "\x1b[2J", "\x7f"])
def test_control_characters_in_an_intake_text_are_refused(world: World, field: str, bad: str) -> None:
    response = client_for(world.clinician).post(
        reverse("episode_intake", args=[world.episode.pk]), INTAKE | {field: f"tekst{bad}meer"}
    )
    assert response.status_code == 200 and field in _errors(response)
    assert not Intake.objects.filter(episode=world.episode).exists()


def test_a_2000000_character_gp_report_is_refused(world: World) -> None:
    for field in ("treatment", "advice"):
        data = {"lang": "nl", "treatment": "Oefentherapie.", "advice": "Blijf bewegen."} | {field: "a" * 2_000_000}
        response = client_for(world.clinician).post(reverse("outcomes_new_report", args=[world.episode.pk]), data)
        assert response.status_code != 302
        assert not GpReport.objects.exists()


def test_a_gp_report_with_a_nul_byte_is_refused(world: World) -> None:
    data = {"lang": "nl", "treatment": f"Oefentherapie.{NUL}", "advice": "Blijf bewegen."}
    response = client_for(world.clinician).post(reverse("outcomes_new_report", args=[world.episode.pk]), data)
    assert response.status_code != 302 and not GpReport.objects.exists()


@pytest.mark.parametrize("moment", [f"intake{NUL}", "intake\x1b", "x" * 41])
def test_a_questionnaire_sent_with_a_bad_moment_is_refused_and_not_stored(world: World, moment: str) -> None:
    client = client_for(world.clinician)
    response = client.post(reverse("episode_request_instrument", args=[world.episode.pk, "nprs"]), {"moment": moment})
    assert response.status_code == 302
    assert not InstrumentResponse.objects.filter(episode=world.episode, instrument="nprs").exists()
    page = client.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["error"]


def test_a_questionnaire_sent_with_a_moment_is_stored(world: World) -> None:
    client_for(world.clinician).post(
        reverse("episode_request_instrument", args=[world.episode.pk, "nprs"]), {"moment": "herevaluatie"}
    )
    assert InstrumentResponse.objects.get(episode=world.episode, instrument="nprs").moment == "herevaluatie"


def test_a_psk_activity_with_a_nul_byte_is_refused_in_the_form(world: World) -> None:
    response = client_for(world.clinician).post(
        reverse("episode_instrument", args=[world.episode.pk, "psk"]),
        {"item_1": "5", "activity_1": f"Fietsen{NUL}", "item_2": "4", "activity_2": "Tillen"},
    )
    assert response.status_code == 200 and "activity_1" in _errors(response)
    assert not world.episode.responses.filter(instrument="psk").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("counterpart", "Dr. Jansen\nhuisarts"), ("note", f"Gebeld{NUL}"), ("note", "Gebeld\x1b")],
)
def test_a_red_flag_step_with_control_characters_is_refused(
    world: World, flag: RedFlag, field: str, value: str
) -> None:
    data = {"kind": "action", "note": "Huisarts gebeld", "counterpart": "Huisarts Jansen"} | {field: value}
    at = (timezone.localtime() - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(world.clinician).post(reverse("red_flag_event", args=[flag.pk]), data | {"at": at})
    assert response.status_code == 400 and field in _errors(response, "failed_form")
    assert not RedFlagEvent.objects.filter(flag=flag).exists()


def test_a_diary_note_with_an_escape_sequence_is_refused(world: World) -> None:
    response = client_for(world.patient_user).post(reverse("portal_diary"), diary_post(note="Moe\x1b[31m"))
    assert "note" in _errors(response) and not DiaryEntry.objects.exists()


def test_a_patient_name_with_a_line_break_is_refused(world: World) -> None:
    response = client_for(world.clinician).post(
        reverse("patient_new"),
        {"first_name": "Jan\r\nEvil", "last_name": "Jansen", "date_of_birth": "1980-01-01", "sex": "male"},
    )
    assert "first_name" in _errors(response)


# --- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["٣", "۳", "３", "३"])
def test_non_ascii_digits_are_refused_as_answers(world: World, typed: str) -> None:
    response = client_for(world.clinician).post(
        reverse("episode_instrument", args=[world.episode.pk, "nprs"]), {"item_1": typed}
    )
    assert response.status_code == 200 and "item_1" in _errors(response)
    assert "0-9" in str(_errors(response)["item_1"])
    assert not world.episode.responses.filter(instrument="nprs").exists()


def test_non_ascii_digits_are_refused_in_the_diary_and_the_plan(planned: World) -> None:
    diary = client_for(planned.patient_user).post(reverse("portal_diary"), diary_post(minutes_walked="٣٠"))
    assert "minutes_walked" in _errors(diary)
    meta = client_for(planned.clinician).post(
        reverse("plans_edit_meta", args=[planned.episode.pk]),
        {"starts_on": timezone.localdate().isoformat(), "weeks": "٦"},
    )
    assert meta.status_code == 400


def test_an_intake_weeks_off_work_in_arabic_indic_digits_is_refused(world: World) -> None:
    response = client_for(world.clinician).post(
        reverse("episode_intake", args=[world.episode.pk]), INTAKE | {"work_absence_weeks": "٣"}
    )
    assert "work_absence_weeks" in _errors(response)


def _session_entry(world: World, **changes: Any) -> dict[str, Any]:
    bridge = current(world).items.get(ref="bridge")
    return {
        "key": str(uuid.uuid4()),
        "session_key": str(uuid.uuid4()),
        "item_id": bridge.pk,
        "exercise_id": "bridge",
        "sets_done": 1,
        "reps_done": 10,
        "pain_during": 3,
        "effort": "ok",
    } | changes


def _post_session(world: World, entry: dict[str, Any] | str) -> Any:
    body = entry if isinstance(entry, str) else json.dumps(entry)
    return client_for(world.patient_user).post(reverse("plans_session_log"), body, content_type="application/json")


@pytest.mark.parametrize("raw", ["1e999", "NaN", "-Infinity", "2.5", '"٣"', "99999999999999999999999"])
def test_a_session_result_with_an_unusable_number_is_refused_naming_it(planned: World, raw: str) -> None:
    body = json.dumps(_session_entry(planned)).replace('"reps_done": 10', f'"reps_done": {raw}')
    response = _post_session(planned, body)
    assert response.status_code == 400 and "reps_done" in response.json()["errors"]
    assert not ExerciseSetLog.objects.exists()


def test_a_huge_item_id_is_refused_not_a_database_error(planned: World) -> None:
    response = _post_session(planned, _session_entry(planned, item_id=10**30))
    assert response.status_code == 400 and "item_id" in response.json()["errors"]


# --- the API ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [("1e999", "inf"), ("NaN", "nan"), ("-Infinity", "-inf")])
def test_api_triage_with_an_infinite_age_answers_422_naming_it(world: World, raw: str, shown: str) -> None:
    response = client_for(world.clinician).post(
        "/api/triage", f'{{"region": "neck", "age": {raw}}}', content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {"detail": f"age: {shown} is not a finite number", "field": "age"}


def test_api_triage_with_infinite_weeks_answers_422_naming_it(world: World) -> None:
    response = client_for(world.clinician).post(
        "/api/triage", '{"region": "neck", "duration_weeks": 1e999}', content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "duration_weeks"


def test_api_psk_activity_with_a_nul_byte_answers_422_and_stores_nothing(world: World) -> None:
    body = {"answers": {"1": 5, "2": 4}, "activities": {"1": f"Fietsen{NUL}naar werk", "2": "Tillen"}}
    response = client_for(world.clinician).post(
        f"/api/episodes/{world.episode.pk}/responses/psk", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "activities.1"
    assert not world.episode.responses.filter(instrument="psk").exists()


def test_api_questionnaire_answers_with_a_nul_byte_answer_422(world: World) -> None:
    response = client_for(world.clinician).post(
        f"/api/episodes/{world.episode.pk}/responses/nprs", {"answers": {"1": NUL}}, content_type="application/json"
    )
    assert response.status_code == 422 and not world.episode.responses.exists()


def test_api_questionnaire_for_an_instrument_named_with_a_nul_byte_answers_422_or_404(world: World) -> None:
    response = client_for(world.clinician).post(
        f"/api/episodes/{world.episode.pk}/responses/nprs%00", {"answers": {"1": 3}}, content_type="application/json"
    )
    assert response.status_code in (404, 422) and not world.episode.responses.exists()


def test_the_action_refuses_a_moment_with_a_nul_byte_whoever_calls_it(world: World) -> None:
    from rugpad.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="moment"):
        actions.do_request_response(as_user(world.clinician), world.episode, "nprs", moment=f"x{NUL}")
    with pytest.raises(InvalidInput, match="moment"):
        actions.do_record_response(as_user(world.clinician), world.episode, "nprs", {"1": 3}, moment=f"x{NUL}")
    assert not world.episode.responses.exists()


# --- the programme PDF prints every name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"), [("Ayşe", "Yılmaz"), ("Łukasz", "Wałęsa"), ("Σοφία", "Παπαδοπούλου"), ("Анна", "Иванова")]
)
def test_the_programme_pdf_prints_names_outside_latin_1(planned: World, first: str, last: str) -> None:
    Patient.objects.filter(pk=planned.patient.pk).update(first_name=first, last_name=last)
    for user, route, args in (
        (planned.clinician, "plans_episode_pdf", [planned.episode.pk]),
        (planned.patient_user, "plans_my_pdf", []),
    ):
        response = client_for(user).get(reverse(route, args=args))
        assert response.status_code == 200
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert f"{first} {last}" in text
