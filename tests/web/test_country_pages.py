"""A Belgian and a Dutch practice see their own country on the pages: the professional words (kinesitherapeut or
fysiotherapeut, ziekenfonds or zorgverzekeraar), the out-of-hours number (1733 in Belgium), the letter's addressee
(huisarts / behandelend arts in Belgium) and the guideline a recommendation cites first (KCE or KNGF/NHG).

Practice A of the shared world is made Belgian here; practice B stays Dutch, so each test compares the two."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from rugpad import engine
from rugpad.web.outcomes.models import GpReport
from rugpad.web.practice.models import Discipline, User
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only


@pytest.fixture
def belgian(world: World) -> World:
    """The world with practice A in Belgium (practice B, of `other_*`, stays in the Netherlands)."""
    world.practice.country = "be"
    world.practice.save()
    return world


def _in(user: User, lang: str) -> Client:
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


# --- the letter to the GP ------------------------------------------------------------------------------------------


def _letter(clinician: User, episode_id: int, lang: str) -> GpReport:
    data = {"lang": lang, "treatment": "Oefentherapie.", "advice": "Blijf wandelen."}
    response = client_for(clinician).post(reverse("outcomes_new_report", args=[episode_id]), data)
    assert response.status_code == 302
    return GpReport.objects.filter(episode_id=episode_id).latest("pk")


@pytest.mark.parametrize(
    ("lang", "be_addressee", "be_therapy", "nl_addressee", "nl_therapy"),
    [
        ("nl", "Huisarts / behandelend arts", "kinesitherapie", "Huisarts", "fysiotherapie"),
        ("fr", "Médecin généraliste / médecin traitant", "kinésithérapie", "Médecin généraliste", "kinésithérapie"),
    ],
)
def test_the_letter_is_addressed_and_titled_in_the_practices_country(
    belgian: World, lang: str, be_addressee: str, be_therapy: str, nl_addressee: str, nl_therapy: str
) -> None:
    be = _letter(belgian.clinician, belgian.episode.pk, lang)
    nl = _letter(belgian.other_clinician, belgian.other_episode.pk, lang)
    assert dict(be.content["meta"]) | dict(nl.content["meta"])  # both have a meta block
    assert be.content["meta"][0][1] == be_addressee
    assert nl.content["meta"][0][1] == nl_addressee
    assert be.content["title"].endswith(be_therapy)
    assert nl.content["title"].endswith(nl_therapy)
    # The page the clinician checks before sending shows the same words.
    page = _page(client_for(belgian.clinician), reverse("outcomes_report", args=[be.pk]))
    assert be_addressee in page and be.content["title"] in page


def test_a_named_gp_is_addressed_by_name(belgian: World) -> None:
    belgian.patient.gp_name = "Dr. A. Peeters"
    belgian.patient.save()
    report = _letter(belgian.clinician, belgian.episode.pk, "nl")
    assert report.content["meta"][0][1] == "Dr. A. Peeters"


def test_the_dutch_letter_keeps_its_dutch_title(belgian: World) -> None:
    nl = _letter(belgian.other_clinician, belgian.other_episode.pk, "nl")
    be = _letter(belgian.clinician, belgian.episode.pk, "nl")
    assert nl.content["title"] == "Tussenverslag fysiotherapie"
    assert be.content["title"] == "Tussenverslag kinesitherapie"


# --- which guideline a recommendation cites first ------------------------------------------------------------------


def _sources_of(page: str, rule_id: str) -> str:
    """The 'why' block of one rule on the episode page."""
    found = re.search(rf"<code>{re.escape(rule_id)}</code>(.*?)</details>", page, re.S)
    assert found, rule_id
    return found.group(1)


IMAGING = "lb.all.no_routine_imaging"
"""Cites NICE NG59, and KCE and NHG M54 as giving the same advice (``rules/pathway.yaml``)."""


def test_the_episode_page_cites_kce_first_in_belgium_and_nhg_first_in_the_netherlands(belgian: World) -> None:
    citation = {source.id: source.citation for source in engine.rule_sources(IMAGING, "nl")}
    assert set(citation) == {"nice-ng59", "kce-287", "nhg-m54"}
    be_page = _page(client_for(belgian.clinician), reverse("episode_detail", args=[belgian.episode.pk]))
    nl_page = _page(client_for(belgian.other_clinician), reverse("episode_detail", args=[belgian.other_episode.pk]))
    be, nl = _sources_of(be_page, IMAGING), _sources_of(nl_page, IMAGING)
    assert sorted(citation, key=lambda source: be.index(citation[source])) == ["kce-287", "nice-ng59", "nhg-m54"]
    assert sorted(citation, key=lambda source: nl.index(citation[source])) == ["nhg-m54", "nice-ng59", "kce-287"]
    assert "Bronnen" in be and "Bronnen" in nl


# --- the numbers a patient is given --------------------------------------------------------------------------------


def test_a_belgian_patient_with_a_same_day_alarm_gets_the_1733_button_and_a_dutch_one_none(belgian: World) -> None:
    pages = {}
    for name, user in (("be", belgian.patient_user), ("nl", belgian.other_patient_user)):
        response = _in(user, "nl").post(reverse("portal_diary"), diary_post(alarms=["bladder"]), follow=True)
        pages[name] = html.unescape(response.content.decode())
    assert 'href="tel:1733"' in pages["be"] and "Huisarts van wacht: 1733" in pages["be"]
    assert "tel:1733" not in pages["nl"] and "1733" not in pages["nl"]
    assert "huisartsenpost" in pages["nl"]  # the instruction names the Dutch out-of-hours service instead


def test_a_call_112_alarm_shows_only_the_112_button(belgian: World) -> None:
    response = _in(belgian.patient_user, "nl").post(
        reverse("portal_diary"), diary_post(alarms=["sudden_headache"]), follow=True
    )
    page = response.content.decode()
    assert 'href="tel:112"' in page and "tel:1733" not in page


def test_the_patients_home_offers_1733_in_belgium_in_french_too(belgian: World) -> None:
    be_nl = _page(_in(belgian.patient_user, "nl"), reverse("patient_home"))
    be_fr = _page(_in(belgian.patient_user, "fr"), reverse("patient_home"))
    nl = _page(_in(belgian.other_patient_user, "nl"), reverse("patient_home"))
    assert 'href="tel:1733"' in be_nl and "Huisarts van wacht: 1733" in be_nl
    assert "Médecin de garde : 1733" in be_fr
    assert "tel:1733" not in nl


# --- the words on the pages ----------------------------------------------------------------------------------------


def test_the_flag_step_form_names_the_countrys_out_of_hours_service(belgian: World) -> None:
    for user in (belgian.patient_user, belgian.other_patient_user):
        client_for(user).post(reverse("portal_diary"), diary_post(alarms=["bladder"]))
    be = _page(_in(belgian.clinician, "nl"), reverse("episode_detail", args=[belgian.episode.pk]))
    nl = _page(_in(belgian.other_clinician, "nl"), reverse("episode_detail", args=[belgian.other_episode.pk]))
    assert "huisartsenwachtpost (1733)" in be and "huisartsenpost)" not in be
    assert "huisartsenpost)" in nl and "1733" not in nl


def test_the_price_list_names_the_countrys_insurer(belgian: World) -> None:
    be_nl = _page(_in(belgian.clinician, "nl"), f"/tarieven/{belgian.practice.pk}/")
    be_fr = _page(Client(HTTP_ACCEPT_LANGUAGE="fr"), f"/tarieven/{belgian.practice.pk}/")
    nl = _page(Client(HTTP_ACCEPT_LANGUAGE="nl"), f"/tarieven/{belgian.other_patient.practice_id}/")
    assert "ziekenfonds (mutualiteit)" in be_nl and "zorgverzekeraar" not in be_nl
    assert "mutualité" in be_fr
    assert "zorgverzekeraar" in nl and "ziekenfonds" not in nl


def test_the_patients_cost_pages_name_the_countrys_insurer_and_discipline(belgian: World) -> None:
    be = _page(_in(belgian.patient_user, "nl"), "/costs/me/policy/")
    nl = _page(_in(belgian.other_patient_user, "nl"), "/costs/me/policy/")
    assert "ziekenfonds (mutualiteit)" in be and "kinesitherapie" in be and "fysiotherapie" not in be
    assert "zorgverzekeraar" in nl and "fysiotherapie" in nl and "kinesitherapie" not in nl


def test_the_admin_sees_a_belgian_physiotherapist_as_kinesitherapeut(belgian: World) -> None:
    for clinician in (belgian.clinician, belgian.other_clinician):
        clinician.discipline = Discipline.PHYSIOTHERAPIST
        clinician.save()
    be = _page(_in(belgian.admin, "nl"), reverse("accounts"))
    assert "Kinesitherapeut" in be and "Fysiotherapeut" not in be
    other_admin = User.objects.get(username="adminb")
    nl = _page(_in(other_admin, "nl"), reverse("accounts"))
    assert "Fysiotherapeut" in nl and "Kinesitherapeut" not in nl


def test_a_cds_card_cites_the_callers_countrys_guideline_first() -> None:
    from rugpad.core.vocab import Lang
    from rugpad.web.cdshooks.cards import CardContext, do_not_cards

    case = {"region": "low_back", "age": 40, "sex": "male", "duration_weeks": 2, "course": "improving", "signs": []}
    result = engine.triage(case)
    citation = {source: engine.sources()[source].citation for source in ("kce-287", "nhg-m54")}
    for country, first in (("be", "kce-287"), ("nl", "nhg-m54")):
        cards, shown = do_not_cards(result, CardContext(Lang.EN, country, lambda rule: f"/cds-services/rules/{rule}"))
        assert IMAGING in shown
        card = next(card for card in cards if IMAGING in card["source"]["url"])
        assert card["source"]["label"].startswith(f"rugpad {IMAGING} — {citation[first][:60]}"), country
