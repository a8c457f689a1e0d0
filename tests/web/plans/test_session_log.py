"""The guided session's results: idempotent by key, validated before anything is stored, and shown to the clinician
with the core's progression advice."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rugpad.web.plans.models import ExerciseSessionLog, ExerciseSetLog
from tests.web.conftest import World, client_for
from tests.web.plans.conftest import current


def _entry(world: World, **changes: Any) -> dict[str, Any]:
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
        "settled_since_last": True,
    } | changes


def _post(client: Any, entry: dict[str, Any]) -> Any:
    return client.post(reverse("plans_session_log"), json.dumps(entry), content_type="application/json")


def test_the_same_key_twice_stores_one_entry(planned: World) -> None:
    client = client_for(planned.patient_user)
    entry = _entry(planned)
    first, second = _post(client, entry), _post(client, entry)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and second.json()["created"] is False
    assert ExerciseSetLog.objects.filter(key=entry["key"]).count() == 1
    assert ExerciseSessionLog.objects.count() == 1


def test_entries_of_one_session_share_the_session(planned: World) -> None:
    client = client_for(planned.patient_user)
    session_key = str(uuid.uuid4())
    _post(client, _entry(planned, session_key=session_key))
    _post(client, _entry(planned, session_key=session_key, exercise_id="cat-camel"))
    session = ExerciseSessionLog.objects.get(key=session_key)
    assert session.entries.count() == 2 and session.patient == planned.patient


def test_pain_eleven_is_refused_naming_the_field_and_nothing_is_stored(planned: World) -> None:
    response = _post(client_for(planned.patient_user), _entry(planned, pain_during=11))
    assert response.status_code == 400
    assert "pain_during" in response.json()["errors"]
    assert ExerciseSetLog.objects.count() == 0 and ExerciseSessionLog.objects.count() == 0


def test_a_done_exercise_needs_a_pain_rating(planned: World) -> None:
    entry = _entry(planned)
    del entry["pain_during"]
    response = _post(client_for(planned.patient_user), entry)
    assert response.status_code == 400 and "pain_during" in response.json()["errors"]


def test_a_skipped_exercise_needs_no_pain_rating(planned: World) -> None:
    entry = _entry(planned, skipped=True)
    del entry["pain_during"]
    assert _post(client_for(planned.patient_user), entry).status_code == 201


def test_another_patients_key_cannot_be_reused(planned: World) -> None:
    from rugpad.web.demo import as_user
    from rugpad.web.plans import actions
    from rugpad.web.plans.clinical import clinician_exercise, exercise_library

    actions.do_save_version(
        as_user(planned.other_clinician),
        planned.other_episode,
        [clinician_exercise(exercise_library()["bridge"], "allowed")],
        change="plan b",
    )
    entry = _entry(planned)
    assert _post(client_for(planned.patient_user), entry).status_code == 201
    response = _post(client_for(planned.other_patient_user), entry | {"item_id": None})
    assert response.status_code == 400
    assert ExerciseSetLog.objects.filter(session__patient=planned.other_patient).count() == 0


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(pain=st.integers(min_value=-5, max_value=20))
def test_only_pain_zero_to_ten_is_ever_stored(planned: World, pain: int) -> None:
    response = _post(client_for(planned.patient_user), _entry(planned, pain_during=pain))
    assert (response.status_code == 201) == (0 <= pain <= 10)
    assert all(0 <= p <= 10 for p in ExerciseSetLog.objects.values_list("pain_during", flat=True))


def test_the_clinician_sees_the_entries_with_progression_advice(planned: World) -> None:
    client = client_for(planned.patient_user)
    _post(client, _entry(planned, pain_during=8))
    _post(client, _entry(planned, exercise_id="cat-camel", item_id=None, pain_during=1, settled_since_last=True))
    body = client_for(planned.clinician).get(reverse("plans_entries", args=[planned.episode.pk])).content.decode()
    assert "prog-pain-above-limit" in body  # 8 > the default limit of 5: regress
    assert "prog-dose-step-up" in body  # low pain, settled: progress
    assert body.count("<tr data-key=") == 2


def test_patient_home_shows_todays_programme_from_the_plan(db: None) -> None:
    """The portal's home page lists the plan's exercises for today and links to the guided session."""
    import datetime as dt

    from django.test import Client

    from rugpad.web.demo import load_demo
    from rugpad.web.plans.queries import todays_programme
    from rugpad.web.practice.models import User

    load_demo(dt.date.today())
    sanne = User.objects.get(username="sanne")
    html = todays_programme(sanne.patient_profile, dt.date.today())
    assert html is not None and "/plans/session/" in html
    client = Client()
    client.force_login(sanne)
    assert "/plans/session/" in client.get("/me/").content.decode()


def _with_plan_b(world: World) -> None:
    from rugpad.web.demo import as_user
    from rugpad.web.plans import actions
    from rugpad.web.plans.clinical import clinician_exercise, exercise_library

    actions.do_save_version(
        as_user(world.other_clinician),
        world.other_episode,
        [clinician_exercise(exercise_library()["bridge"], "allowed")],
        change="plan b",
    )


@pytest.mark.parametrize("field", ["key", "session_key"])
def test_another_patients_key_answers_exactly_like_a_malformed_key(planned: World, field: str) -> None:
    """Nothing in the answer tells a stored key of someone else from garbage: same status, same body."""
    _with_plan_b(planned)
    entry = _entry(planned)
    assert _post(client_for(planned.patient_user), entry).status_code == 201
    other = client_for(planned.other_patient_user)
    fresh = {"key": str(uuid.uuid4()), "session_key": str(uuid.uuid4())}
    reused = _post(other, _entry(planned, item_id=None, **(fresh | {field: entry[field]})))
    malformed = _post(other, _entry(planned, item_id=None, **(fresh | {field: "not-a-key"})))
    assert reused.status_code == malformed.status_code == 400
    assert reused.json() == malformed.json() == {"errors": {field: [malformed.json()["errors"][field][0]]}}
    assert "already" not in reused.content.decode()
    assert ExerciseSetLog.objects.filter(session__patient=planned.other_patient).count() == 0


def test_a_race_lost_to_another_patients_key_is_a_clean_refusal(planned: World, monkeypatch: Any) -> None:
    """The unique key wins the race for the other patient's request: the loser gets the uniform 400, never a 500."""
    from django.db import IntegrityError

    from rugpad.web.plans import actions

    _with_plan_b(planned)
    create = actions._create_entry

    def other_request_wins(request: Any, patient: Any, plan: Any, entry: dict[str, Any]) -> Any:
        other_plan = planned.other_episode.treatment_plan
        create(request, planned.other_patient, other_plan, entry | {"item_id": None})
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(actions, "_create_entry", other_request_wins)
    entry = _entry(planned)
    response = _post(client_for(planned.patient_user), entry)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["key"]
    assert not ExerciseSetLog.objects.filter(session__patient=planned.patient).exists()


def test_a_race_lost_to_the_same_patients_retry_returns_the_stored_row(planned: World, monkeypatch: Any) -> None:
    from django.db import IntegrityError

    from rugpad.web.plans import actions

    create = actions._create_entry

    def retry_wins(request: Any, patient: Any, plan: Any, entry: dict[str, Any]) -> Any:
        create(request, patient, plan, entry)
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(actions, "_create_entry", retry_wins)
    entry = _entry(planned)
    response = _post(client_for(planned.patient_user), entry)
    assert response.status_code == 200 and response.json()["created"] is False
    assert ExerciseSetLog.objects.get(key=entry["key"]).pk == response.json()["id"]


@pytest.mark.parametrize(
    ("field", "offset"),
    [
        ("done_at", dt.timedelta(days=-8)),
        ("done_at", dt.timedelta(minutes=15)),
        ("started_at", dt.timedelta(days=-365)),
        ("started_at", dt.timedelta(days=30)),
    ],
)
def test_a_time_outside_the_last_week_is_refused_naming_the_field(
    planned: World, field: str, offset: dt.timedelta
) -> None:
    when = (timezone.now() + offset).isoformat()
    response = _post(client_for(planned.patient_user), _entry(planned, **{field: when}))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field] and field in response.json()["errors"][field][0]
    assert ExerciseSetLog.objects.count() == 0 and ExerciseSessionLog.objects.count() == 0


@pytest.mark.parametrize("offset", [dt.timedelta(days=-6, hours=-23), dt.timedelta(minutes=9), dt.timedelta(0)])
def test_a_time_within_the_last_week_is_kept_as_sent(planned: World, offset: dt.timedelta) -> None:
    when = timezone.now() + offset
    entry = _entry(planned, done_at=when.isoformat(), started_at=when.isoformat())
    assert _post(client_for(planned.patient_user), entry).status_code == 201
    stored = ExerciseSetLog.objects.get(key=entry["key"])
    assert abs(stored.done_at - when) < dt.timedelta(seconds=1)


def test_a_result_queued_under_another_login_is_never_stored(planned: World) -> None:
    """The script stamps each queued result with the login it was made under; the server refuses a mismatch with
    409 (the script keeps it for its owner) and stores nothing."""
    _with_plan_b(planned)
    response = _post(client_for(planned.other_patient_user), _entry(planned, owner=planned.patient_user.pk))
    assert response.status_code == 409 and "owner" in response.json()["errors"]
    assert ExerciseSetLog.objects.count() == 0
    own = _post(client_for(planned.patient_user), _entry(planned, owner=planned.patient_user.pk))
    assert own.status_code == 201
