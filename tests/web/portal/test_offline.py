"""The installable patient app: the service worker and manifest routes, the offline cache id only on a patient's
pages, and the diary's keyed saves (an offline queue sent twice, a double tap) storing one entry."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from rugpad.web.middleware import CONTENT_SECURITY_POLICY
from rugpad.web.portal.models import DiaryEntry
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post


def _queue(client: Client, **fields: object) -> tuple[int, dict[str, object]]:
    response = client.post(reverse("portal_diary_queue"), json.dumps(fields), content_type="application/json")
    return response.status_code, response.json() if response["Content-Type"].startswith("application/json") else {}


def test_the_service_worker_is_served_from_the_root_with_its_scope_and_the_pages_to_keep(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    first_line = response.content.decode().split("\n", 1)[0]
    config = json.loads(first_line.removeprefix("self.RUGPAD = ").removesuffix(";"))
    assert {"/me/", "/plans/session/", "/plans/me/", "/portal/diary/", "/outcomes/me/"} <= set(config["pages"])
    assert config["follow"] == ["/outcomes/me/modules/"]
    assert "/static/plans/session.js" in config["assets"] and "/static/rugpad/app.js" in config["assets"]
    assert 'addEventListener("fetch"' in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "name"), [("nl", "rugpad: mijn oefeningen en dagboek"), ("en", "rugpad: my exercises and diary")]
)
def test_the_manifest_opens_the_patient_s_home_standalone_in_the_page_s_language(
    client: Client, lang: str, name: str
) -> None:
    response = client.get(reverse("web_manifest"), {"lang": lang})
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["name"], manifest["lang"], manifest["start_url"], manifest["display"]) == (
        name,
        lang,
        "/me/",
        "standalone",
    )
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    assert any(i["purpose"] == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:  # every icon it names exists, at the size it says
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon
        assert Path(found).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_policy_allows_the_worker_and_manifest_from_rugpad_only() -> None:
    # worker-src falls back to script-src and manifest-src to default-src: both 'self', nothing looser added
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == directives["script-src"] == "'self'"
    assert directives.get("worker-src", "'self'") == directives.get("manifest-src", "'self'") == "'self'"


def test_only_a_patient_s_pages_carry_an_offline_id_and_a_new_sign_in_gets_a_new_one(world: World) -> None:
    def script_tag(client: Client, url: str) -> str:
        body = client.get(url).content.decode()
        start = body.index('<script src="/static/rugpad/pwa.js"')
        return body[start : body.index("</script>", start)]

    first = script_tag(client_for(world.patient_user), reverse("portal_diary"))
    second = script_tag(client_for(world.patient_user), reverse("portal_diary"))
    assert 'data-offline="' in first and f'data-owner="{world.patient_user.pk}"' in first
    assert first != second  # another session, another cache
    assert "data-offline" not in script_tag(client_for(world.clinician), reverse("home"))
    assert "data-offline" not in script_tag(Client(), reverse("login"))
    for page in (reverse("portal_diary"), reverse("home"), reverse("login")):  # icons and manifest on every page
        body = client_for(world.patient_user if page != reverse("home") else world.clinician).get(page).content
        assert b'rel="icon"' in body and b'rel="manifest"' in body and b'rel="apple-touch-icon"' in body


def test_a_queued_entry_is_stored_once_however_often_it_is_sent(world: World) -> None:
    client = client_for(world.patient_user)
    key = str(uuid.uuid4())
    entry = {"key": key, "owner": world.patient_user.pk, "pain_now": 6, "exercises": "no", "alarms": []}
    entry["day"] = diary_post()["day"]
    assert _queue(client, **entry)[0] == 201
    status, body = _queue(client, **entry)
    assert status == 200 and body["created"] is False
    stored = DiaryEntry.objects.get(patient=world.patient)
    assert (stored.pain_now, stored.exercises, str(stored.key)) == (6, "no", key)


def test_a_queued_alarm_answer_raises_the_red_flag_like_the_form(world: World) -> None:
    client = client_for(world.patient_user)
    entry = {"key": str(uuid.uuid4()), "pain_now": 3, "alarms": ["bladder"], "day": diary_post()["day"]}
    assert _queue(client, **entry)[0] == 201
    stored = DiaryEntry.objects.get(patient=world.patient)
    assert stored.alarms == ["bladder"] and stored.alarm_flags
    assert world.episode.red_flags.filter(reference=f"diary:{stored.pk}").exists()


def test_a_queued_entry_is_refused_naming_the_field_and_nothing_is_stored(world: World) -> None:
    client = client_for(world.patient_user)
    day = diary_post()["day"]
    status, body = _queue(client, key=str(uuid.uuid4()), pain_now=11, day=day)
    assert status == 400 and "pain_now" in body["errors"]  # type: ignore[operator]
    status, body = _queue(client, pain_now=4, day=day)
    assert status == 400 and "key" in body["errors"]  # type: ignore[operator]
    bad = client.post(reverse("portal_diary_queue"), "{", content_type="application/json")
    assert bad.status_code == 400
    assert not DiaryEntry.objects.exists()


def test_an_entry_queued_under_another_login_is_kept_back_and_a_key_of_another_patient_is_refused(
    world: World,
) -> None:
    day = diary_post()["day"]
    key = str(uuid.uuid4())
    assert _queue(client_for(world.other_patient_user), key=key, pain_now=2, day=day)[0] == 201
    client = client_for(world.patient_user)
    assert _queue(client, key=str(uuid.uuid4()), owner=world.other_patient_user.pk, pain_now=4, day=day)[0] == 409
    status, body = _queue(client, key=key, pain_now=4, day=day)
    assert status == 400 and "key" in body["errors"]  # type: ignore[operator]
    assert not DiaryEntry.objects.filter(patient=world.patient).exists()


@pytest.mark.parametrize("who", ["anonymous", "clinician", "admin"])
def test_only_a_patient_can_queue_diary_entries(world: World, who: str) -> None:
    user = {"anonymous": None, "clinician": world.clinician, "admin": world.admin}[who]
    status, _body = _queue(client_for(user), key=str(uuid.uuid4()), pain_now=4, day=diary_post()["day"])
    assert status == (302 if user is None else 404)
    assert not DiaryEntry.objects.exists()


def test_the_form_sent_twice_with_its_key_stores_one_entry(world: World) -> None:
    client = client_for(world.patient_user)
    data = diary_post(key=str(uuid.uuid4()))
    first = client.post(reverse("portal_diary"), data)
    second = client.post(reverse("portal_diary"), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert DiaryEntry.objects.filter(patient=world.patient).count() == 1


def test_the_basics_alone_are_a_complete_entry(world: World) -> None:
    client = client_for(world.patient_user)
    response = client.post(
        reverse("portal_diary"), {"pain_now": "2", "exercises": "partly", "day": diary_post()["day"]}
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(patient=world.patient)
    assert (entry.pain_now, entry.exercises, entry.sleep_quality, entry.note) == (2, "partly", None, "")


def test_the_diary_page_puts_the_basics_first_and_the_optional_part_folded(world: World) -> None:
    body = client_for(world.patient_user).get(reverse("portal_diary")).content.decode()
    positions = [
        body.index(marker)
        for marker in (
            'id="id_pain_now"',
            'id="id_exercises"',
            'id="diary-save"',
            'id="alarm-questions"',
            'id="diary-more"',
            'id="id_sleep_quality"',
        )
    ]
    assert positions == sorted(positions)
    assert '<details class="more" id="diary-more">' in body  # folded
    assert "<details" not in body[: body.index('id="alarm-questions"')]  # the alarm questions are never folded
