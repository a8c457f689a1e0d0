"""A page cites a source in the reader's language when the source is rugpad's own words (the diary-trend alert's
practice setting on the clinician's dashboard), and a bibliographic reference as published, in a `<cite>`."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from rugpad import engine
from rugpad.core.vocab import Lang
from rugpad.web.portal.models import Alert, DiaryEntry
from tests.web.conftest import World, client_for
from tests.web.portal.helpers import diary_post
from tests.web.test_no_raw_words import PageText, problems

TREND = "portal-trend-setting"


def _rising_pain(world: World) -> None:
    """A week of diary pain 3 points above the week before: the trend rule's alert (see the portal's trend tests)."""
    today = timezone.localdate()
    for days_ago, pain in [(12, 2), (10, 2), (8, 2), (6, 4), (4, 5)]:
        DiaryEntry.objects.create(
            patient=world.patient,
            day=today - dt.timedelta(days=days_ago),
            pain_now=pain,
            opened_at=timezone.now(),
            exercises="yes",
        )
    client_for(world.patient_user).post(reverse("portal_diary"), diary_post(pain_now="6"))
    assert Alert.objects.get().rule_id == "trend.pain_rising"


def _dashboard(world: World, lang: str) -> str:
    client = client_for(world.clinician)
    client.cookies["django_language"] = lang
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def _alerts(page: str) -> str:
    """The dashboard's diary alerts: from the list's start to its end."""
    start = page.rindex("<section", 0, page.index('id="portal-alerts"'))
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("lang", list(Lang))
def test_the_diary_trend_alert_cites_its_practice_setting_in_the_readers_language(world: World, lang: Lang) -> None:
    _rising_pain(world)
    alerts = _alerts(_dashboard(world, lang.value))
    words = engine.sources()[TREND].words
    assert words is not None
    assert html.escape(words.get(lang)) in alerts
    others = [words.get(other) for other in Lang if other is not lang]
    assert not any(html.escape(other) in alerts for other in others), "another language's words on the page"
    assert "<cite>" not in alerts  # rugpad's own words are prose of the page, not a published work
    assert TREND not in alerts


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_dashboard_with_a_trend_alert_passes_the_raw_words_scan(world: World, lang: str) -> None:
    """Outside a `<cite>`, the source's words are checked like every other word of the page: no English on a Dutch
    or French page, no identifiers."""
    _rising_pain(world)
    parser = PageText()
    parser.feed(_alerts(_dashboard(world, lang)))
    parser.close()
    assert list(problems(parser.chunks, parser.options, lang)) == []


def _render(template: str, lang: str, **context: object) -> str:
    with translation.override(lang):
        return Template("{% load clinical %}" + template).render(Context(context))


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_a_bibliographic_reference_is_cited_as_published_in_every_language(lang: str) -> None:
    nhg = engine.sources()["nhg-m54"]
    assert _render("{{ id|citation }}", lang, id="nhg-m54") == f"<cite>{html.escape(nhg.citation)}</cite>"


def test_a_linked_citation_leads_to_the_source_and_keeps_own_words_out_of_cite() -> None:
    kce = engine.sources()["kce-287"]
    shown = _render("{{ s|linked_citation }}", "fr", s={"id": "kce-287", "citation": kce.citation, "url": kce.url})
    assert shown.startswith(f'<cite><a href="{kce.url}" rel="noopener noreferrer" target="_blank">')
    own = _render("{{ s|linked_citation }}", "fr", s=engine.sources()["practice-setting"])
    assert own == html.escape(engine.sources()["practice-setting"].cite(Lang.FR)) and "<cite>" not in own


def test_an_unknown_source_id_is_a_dash_never_the_id() -> None:
    assert _render("{{ id|citation }}", "nl", id="no-such-source") == "–"
