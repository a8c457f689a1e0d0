"""Error pages in the site's look and the reader's language; the consent form without an empty choice; every code a
page shows through a label (measurement moments, audit record kinds)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.template import loader
from django.test import Client, override_settings
from django.utils import translation

from rugpad import engine
from rugpad.web.audit.views import OBJECT_LABELS, object_label
from rugpad.web.care.forms import IntakeForm, PatientForm
from rugpad.web.care.templatetags.clinical import MOMENT_LABELS
from rugpad.web.outcomes.forms import ConsentForm
from tests.web.conftest import World, client_for


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_address_gives_the_styled_dutch_404() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert "rugpad/rugpad.css" in html and 'class="top"' in html  # the site's layout, not Django's bare page
    assert "Not Found" not in html and "requested resource" not in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_404_is_english_for_an_english_reader() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_record_outside_reach_is_the_same_styled_404(world: World) -> None:
    response = client_for(world.other_clinician).get(f"/episodes/{world.episode.pk}/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_the_403_and_400_pages_are_translated_and_styled() -> None:
    with translation.override("nl"):
        forbidden = loader.render_to_string("403.html")
        bad = loader.render_to_string("400.html")
        csrf = loader.render_to_string("403_csrf.html")
    assert "Geen toegang" in forbidden and 'class="top"' in forbidden
    assert "Dit verzoek kon niet worden verwerkt" in bad
    assert "Probeer het opnieuw" in csrf


def test_the_500_page_needs_no_request_and_no_database() -> None:
    # Django renders it with an empty context; a database access here would raise (this test has no database).
    with translation.override("nl"):
        html = loader.get_template("500.html").render()
    assert "Er ging bij ons iets mis" in html
    assert 'href="/static/rugpad/rugpad.css"' in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_the_csrf_failure_page_is_ours() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Probeer het opnieuw" in response.content.decode()


def test_the_consent_form_offers_no_empty_choice() -> None:
    form = ConsentForm()
    for name in ("decision", "method"):
        values = [value for value, _label in form.fields[name].choices]  # type: ignore[attr-defined]
        assert "" not in values, name
        assert "---------" not in form[name].as_widget()


@pytest.mark.django_db
def test_the_consent_form_says_what_it_does_and_saves_on_one_choice_each(world: World) -> None:
    client = client_for(world.clinician)
    page = client.get(f"/outcomes/episodes/{world.episode.pk}/").content.decode()
    consent = page[page.index('id="consent"') : page.index('id="reports"')]
    assert "---------" not in consent
    assert "Antwoord van de patiënt vastleggen" in consent and ">Dossier<" not in consent
    response = client.post(
        f"/outcomes/episodes/{world.episode.pk}/consent/",
        {"decision": "given", "method": "verbal", "given_by": "De patiënt", "recipient": "Huisarts Jansen"},
    )
    assert response.status_code == 302
    assert world.episode.report_consents.get().decision == "given"


def test_required_choices_of_the_care_forms_have_no_empty_choice_and_optional_ones_say_so() -> None:
    with translation.override("nl"):
        patient = PatientForm()
        intake = IntakeForm()
        assert "---------" not in str(patient["sex"]) and 'type="radio"' in str(patient["sex"])
        assert "---------" not in str(intake["course"]) and "niet gevraagd" in str(intake["course"])


def test_every_measurement_moment_of_the_schedule_has_a_name() -> None:
    keys = {rule.key for rule in engine.schedule().moments}
    assert keys <= set(MOMENT_LABELS), sorted(keys - set(MOMENT_LABELS))


def test_every_record_kind_of_the_audit_log_has_a_name() -> None:
    models = {m._meta.model_name or "" for m in apps.get_models() if m.__module__.startswith("rugpad.")}
    assert models <= set(OBJECT_LABELS), sorted(models - set(OBJECT_LABELS))
    with translation.override("nl"):
        assert object_label("gpreport") == "verslag aan de huisarts"
