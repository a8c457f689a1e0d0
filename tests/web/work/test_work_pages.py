"""The work pages as a patient and a clinician use them: the check and its advice, the review, the break routine
(bad input refused at the field it names, nothing stored), a closed episode, and the report for the occupational
physician (its addressee per country and language, what it holds and leaves out, consent before it leaves)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.demo import as_user
from rugpad.web.outcomes.models import ConsentDecision, ConsentMethod
from rugpad.web.work import actions
from rugpad.web.work.models import BreakRoutine, WorkplaceCheck, WorkReport
from tests.web.conftest import World, client_for
from tests.web.work.conftest import DESK_WORKER, GOOD, ROUTINE, fill_check, patient_client, set_routine

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only


def _errors(response: Any, form: str = "form") -> dict[str, Any]:
    return dict(response.context[form].errors)


def _page(world: World) -> str:
    return client_for(world.clinician).get(reverse("work_episode", args=[world.episode.pk])).content.decode()


# --- the check ----------------------------------------------------------------------------------------------------


def test_the_patient_fills_in_the_check_and_reads_advice_for_their_answers(working: World) -> None:
    client = patient_client(working)
    assert fill_check(client, DESK_WORKER).status_code == 302
    check = WorkplaceCheck.objects.get(episode=working.episode)
    assert check.answers == DESK_WORKER and check.filled_by == working.patient_user
    page = client.get(reverse("work_me")).content.decode()
    assert "Zet de bovenkant van uw beeldscherm op ooghoogte" in page
    assert "U zit lang achter elkaar" in page
    assert "work.screen-height" not in page  # the patient reads advice, not rule ids


def test_a_good_workplace_says_so_and_gives_no_advice(working: World) -> None:
    client = patient_client(working)
    fill_check(client, GOOD)
    page = client.get(reverse("work_me")).content.decode()
    assert "Uw antwoorden geven geen bijzonder advies" in page
    assert 'class="advice"' not in page
    assert "De antwoorden leiden niet tot een advies." in _page(working)


def test_an_unanswered_question_is_named_and_nothing_is_stored(working: World) -> None:
    answers = dict(DESK_WORKER)
    del answers["lifting"]
    response = fill_check(patient_client(working), answers)
    assert response.status_code == 400
    assert list(_errors(response)) == ["lifting"]
    assert "Kies het antwoord dat het best past." in response.content.decode()
    assert not WorkplaceCheck.objects.exists()


@pytest.mark.parametrize("bad", ["on_the_floor", "\x00", "x" * 5000])
def test_an_unknown_answer_is_refused_at_its_question(working: World, bad: str) -> None:
    response = fill_check(patient_client(working), DESK_WORKER | {"screen_height": bad})
    assert response.status_code == 400
    assert list(_errors(response)) == ["screen_height"]
    assert not WorkplaceCheck.objects.exists()


def test_filling_in_again_keeps_the_history_and_the_newest_counts(working: World) -> None:
    client = patient_client(working)
    fill_check(client, DESK_WORKER)
    fill_check(client, GOOD)
    assert WorkplaceCheck.objects.filter(episode=working.episode).count() == 2
    assert "Uw antwoorden geven geen bijzonder advies" in client.get(reverse("work_me")).content.decode()


def test_the_clinician_reads_answers_and_advice_with_rule_source_and_evidence_and_reviews(working: World) -> None:
    fill_check(patient_client(working), DESK_WORKER)
    page = _page(working)
    assert "Veel lager, bijvoorbeeld een laptop plat op tafel" in page  # the answer in words
    assert "work.screen-height" in page and "work.sitting-breaks" in page
    assert "niet geverifieerd" in page  # the screen advice rests on no source
    assert "seed article 001" in page  # the sitting advice's citation
    assert "Gangbaar ergonomisch advies" in page  # the screen advice's source: rugpad's own words, in Dutch
    check = WorkplaceCheck.objects.get()
    response = client_for(working.clinician).post(
        reverse("work_review", args=[check.pk]), {"note": "Laptopstandaard aangevraagd bij de werkgever."}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.reviewed_by == working.clinician and check.reviewed_at is not None
    mine = patient_client(working).get(reverse("work_me")).content.decode()
    assert "Laptopstandaard aangevraagd bij de werkgever." in mine and "Notitie van uw therapeut" in mine


def test_a_review_note_with_a_control_character_is_refused_at_the_note(working: World) -> None:
    fill_check(patient_client(working), DESK_WORKER)
    check = WorkplaceCheck.objects.get()
    response = client_for(working.clinician).post(reverse("work_review", args=[check.pk]), {"note": "a\x00b"})
    assert response.status_code == 400
    assert list(_errors(response, "review_form")) == ["note"]
    check.refresh_from_db()
    assert check.reviewed_at is None


def test_the_clinician_fills_in_the_check_with_the_patient(working: World) -> None:
    url = reverse("work_episode_check", args=[working.episode.pk])
    assert client_for(working.clinician).get(url).status_code == 200
    assert fill_check(client_for(working.clinician), GOOD, url).status_code == 302
    assert WorkplaceCheck.objects.get().filled_by == working.clinician


# --- the break routine --------------------------------------------------------------------------------------------


def test_the_patient_sets_a_break_routine_and_sees_todays_breaks_and_the_exercise(working: World) -> None:
    client = patient_client(working)
    assert set_routine(client, every_minutes="90").status_code == 302
    routine = BreakRoutine.objects.get(episode=working.episode)
    assert (routine.days, f"{routine.start:%H:%M}", f"{routine.end:%H:%M}") == ("01234", "09:00", "17:00")
    assert routine.every_minutes == 90 and routine.active
    page = client.get(reverse("work_me")).content.decode()
    assert "om de anderhalf uur een korte pauze" in page
    assert "Staande bekkenrek" in page and "Houd 20 seconden vast, 3 herhalingen, 5 dagen per week" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"days": []}, "days"),
        ({"days": ["7"]}, "days"),
        ({"start": "17:00", "end": "09:00"}, "end"),
        ({"start": "09:00", "end": "09:30", "every_minutes": "60"}, "end"),
        ({"every_minutes": "50"}, "every_minutes"),
        ({"start": "25:00"}, "start"),
        ({"end": "\x00"}, "end"),
    ],
)
def test_a_break_routine_that_cannot_be_is_refused_naming_the_field(
    working: World, changes: dict[str, Any], field: str
) -> None:
    response = set_routine(patient_client(working), **changes)
    assert response.status_code == 400
    assert field in _errors(response)
    assert not BreakRoutine.objects.exists()


def test_the_working_day_ending_before_it_starts_is_said_in_words(working: World) -> None:
    response = set_routine(patient_client(working), start="17:00", end="09:00")
    assert "De werkdag eindigt voordat hij begint." in response.content.decode()


def test_an_exercise_with_a_caution_is_left_out_of_the_routine_and_the_clinician_reads_why(working: World) -> None:
    from rugpad.web.care import actions as care_actions

    care_actions.do_save_screening(as_user(working.clinician), working.episode, ["hernia_diagnosed"], notes="")
    set_routine(patient_client(working))
    assert "Staande bekkenrek" not in patient_client(working).get(reverse("work_me")).content.decode()
    page = _page(working)
    assert "Weggelaten voor deze patiënt" in page and "Staande bekkenrek" in page


def test_a_closed_episode_can_be_read_but_not_filled_in_or_changed(working: World) -> None:
    client = patient_client(working)
    fill_check(client, DESK_WORKER)
    working.episode.status = EpisodeStatus.CLOSED
    working.episode.save()
    response = client.get(reverse("work_my_check"))
    assert response.status_code == 302 and response["Location"] == reverse("work_me")
    assert set_routine(client).status_code == 302
    assert not BreakRoutine.objects.exists()
    assert "Uw behandeling is afgerond" not in client.get(reverse("work_me")).content.decode()  # the check stays
    response = client_for(working.clinician).post(reverse("work_episode_breaks", args=[working.episode.pk]), ROUTINE)
    assert response.status_code == 400 and not BreakRoutine.objects.exists()
    assert "Deze episode is afgesloten" in _page(working)


# --- consent and the report ---------------------------------------------------------------------------------------


def _draft(world: World, lang: str = "nl", goals: list[str] | None = None) -> WorkReport:
    response = client_for(world.clinician).post(
        reverse("work_new_report", args=[world.episode.pk]),
        {"lang": lang, "goals": goals or [], "remarks": "Werkt halve dagen; opbouwen in vier weken."},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return WorkReport.objects.order_by("-pk").first()  # type: ignore[return-value]


def _consent(world: World, decision: str) -> Any:
    return client_for(world.clinician).post(
        reverse("work_consent", args=[world.episode.pk]),
        {
            "decision": decision,
            "method": ConsentMethod.VERBAL,
            "given_by": "Pat Ienta",
            "recipient": "Arbodienst Midden",
            "note": "",
        },
    )


def test_the_report_holds_what_matters_for_work_and_names_the_dutch_bedrijfsarts(working: World) -> None:
    fill_check(patient_client(working), DESK_WORKER | {"absence": "weeks_4_or_more"})
    set_routine(patient_client(working))
    report = _draft(working)
    content = report.content
    assert content["title"] == "Verslag voor de bedrijfsarts"
    assert dict(content["meta"])["Aan"] == "Bedrijfsarts"
    text = str(content)
    assert "Magazijn: tilt dozen tot 15 kg" in text  # the intake's work load
    assert "Zet de bovenkant van uw beeldscherm op ooghoogte" in text  # the advice, its source numbered
    assert "(bron 1; onderbouwing: niet geverifieerd)" in text
    assert "U werkt 4 weken of langer minder of niet" in text
    sources = next(s for s in content["sections"] if s.get("cite"))
    assert sources["heading"] == "Bronnen van de adviezen" and sources["items"][0].startswith("1. Gangbaar ergonomisch")
    assert sources["own_words"] == [0]  # rugpad's own words, in the letter's language (not a published work)
    assert "met de bedrijfsarts" in text
    assert "Staande bekkenrek" in text and "elk uur een korte pauze" in text
    assert "Werkt halve dagen" in text
    for absent in ("Rode vlag", "STarT", "profiel", "Pijn", "Rugpijn na tillen"):  # no findings beyond work
        assert absent not in text
    reader = PdfReader(io.BytesIO(bytes(report.pdf)))
    assert "Verslag voor de bedrijfsarts" in reader.pages[0].extract_text()


def test_the_reports_sources_give_rugpads_own_words_in_its_language_and_cite_published_works(working: World) -> None:
    fill_check(patient_client(working), DESK_WORKER)
    report = _draft(working, "fr")
    page = client_for(working.clinician).get(reverse("work_report", args=[report.pk])).content.decode()
    assert "<li>1. Conseils ergonomiques courants" in page  # rugpad's own words: French, plain text
    assert "<li><cite>2. " in page and "seed article 001" in page  # a published article, cited as published
    for section in report.content["sections"]:  # a letter made before own words were marked: every item cited
        section.pop("own_words", None)
    report.save()
    page = client_for(working.clinician).get(reverse("work_report", args=[report.pk])).content.decode()
    assert "<li><cite>1. Conseils ergonomiques courants" in page


def test_in_belgium_the_report_goes_to_the_arbeidsgeneesheer_or_the_medecin_du_travail(working: World) -> None:
    working.practice.country = "be"
    working.practice.save()
    fill_check(patient_client(working), DESK_WORKER | {"work_pressure": "high"})
    dutch = _draft(working, "nl")
    assert dutch.content["title"] == "Verslag voor de arbeidsgeneesheer"
    assert "leidinggevende of de arbeidsgeneesheer" in str(dutch.content)
    french = _draft(working, "fr")
    assert french.content["title"] == "Rapport pour le médecin du travail"
    assert dict(french.content["meta"])["À"] == "Médecin du travail"
    assert "Bilan du poste de travail" in str(french.content)
    assert "votre responsable ou le médecin du travail" in str(french.content)


def test_a_goal_about_work_is_offered_ticked_and_only_chosen_goals_are_reported(working: World) -> None:
    response = client_for(working.clinician).get(reverse("work_episode", args=[working.episode.pk]))
    form = response.context["report_form"]
    [(goal, text)] = form.fields["goals"].choices
    assert "magazijnmedewerker" in text and form.initial["goals"] == [goal]  # suggested: it is about work
    assert "magazijnmedewerker" in str(_draft(working, goals=[goal]).content)
    left_out = _draft(working, goals=[]).content
    assert "magazijnmedewerker" not in str(left_out)
    assert "Er zijn geen doelen over werk uit het behandelplan gekozen." in str(left_out)


def test_a_goal_about_something_else_is_offered_unticked(working: World) -> None:
    from rugpad.core.vocab import Lang
    from rugpad.web.care import actions as care_actions
    from rugpad.web.care.models import Intake
    from rugpad.web.plans import actions as plan_actions
    from rugpad.web.plans.clinical import propose

    request = as_user(working.clinician)
    care_actions.do_save_intake(
        request,
        Intake(episode=working.episode, complaint="Rugpijn.", help_request="Minder pijn.", goals="Weer wandelen."),
    )
    plan_actions.do_save_version(request, working.episode, propose(working.episode, Lang.NL).specs, change="new goal")
    form = client_for(working.clinician).get(reverse("work_episode", args=[working.episode.pk])).context["report_form"]
    [(_goal, text)] = form.fields["goals"].choices
    assert "wandelen" in text and form.initial["goals"] == []


def test_a_report_may_be_drafted_without_consent_but_leaves_only_with_it(working: World) -> None:
    report = _draft(working)
    clinician = client_for(working.clinician)
    pdf = reverse("work_report_pdf", args=[report.pk])
    refused = clinician.post(pdf)
    assert refused.status_code == 302 and refused["Location"] == reverse("work_report", args=[report.pk])
    report.refresh_from_db()
    assert report.exported_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="workreport").exists()
    assert "Concept: de toestemming" in clinician.get(reverse("work_report", args=[report.pk])).content.decode()

    assert _consent(working, ConsentDecision.GIVEN).status_code == 302
    given = clinician.post(pdf)
    assert given.status_code == 200 and given["Content-Type"] == "application/pdf"
    report.refresh_from_db()
    assert report.exported_by == working.clinician
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="workreport", object_id=str(report.pk))

    assert _consent(working, ConsentDecision.WITHDRAWN).status_code == 302
    assert clinician.post(pdf).status_code == 302  # withdrawn: it may not leave again


def test_the_gp_letters_consent_does_not_open_the_occupational_physicians_report(working: World) -> None:
    from rugpad.web.outcomes import actions as outcomes_actions

    outcomes_actions.do_record_consent(
        as_user(working.clinician),
        working.episode,
        decision=ConsentDecision.GIVEN,
        method=ConsentMethod.WRITTEN,
        given_by="Pat Ienta",
        recipient="Huisarts",
        note="",
    )
    report = _draft(working)
    assert not actions.has_consent(working.episode)
    assert client_for(working.clinician).post(reverse("work_report_pdf", args=[report.pk])).status_code == 302


def test_a_consent_without_a_decision_is_refused_at_the_decision(working: World) -> None:
    response = _consent(working, "")
    assert response.status_code == 400
    assert "decision" in _errors(response, "consent_form")


def test_a_report_in_an_unknown_language_is_refused_at_the_language(working: World) -> None:
    response = client_for(working.clinician).post(
        reverse("work_new_report", args=[working.episode.pk]), {"lang": "de", "remarks": ""}
    )
    assert response.status_code == 400
    assert "lang" in _errors(response, "report_form")
    assert not WorkReport.objects.exists()
