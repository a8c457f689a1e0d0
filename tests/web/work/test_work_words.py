"""The work pages read as words in Dutch and French (no raw ids, no English on a Dutch or French page), every form
field carries its bound, the catalogues are complete, and the labels follow the core's lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rugpad.core.vocab import Lang
from rugpad.core.work import BREAK_INTERVALS, WorkTopic
from rugpad.web.care.models import Episode
from rugpad.web.demo import load_demo
from rugpad.web.fields import BOUNDED_ATTRIBUTE
from rugpad.web.practice.models import User
from rugpad.web.work import forms as work_forms
from rugpad.web.work.clinical import Goal
from rugpad.web.work.models import WorkReport
from tests.web.test_no_raw_words import PageText, problems

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

WORK = Path(work_forms.__file__).resolve().parent


def _scan(client: Client, url: str, lang: str) -> list[str]:
    client.cookies["django_language"] = lang
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, (url, response.status_code)
    parser = PageText()
    parser.feed(response.content.decode())
    parser.close()
    return [f"[{lang}] {url}: {problem}" for problem in problems(parser.chunks, parser.options, lang)]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_work_pages_of_the_demo_show_words_to_patient_and_clinician(lang: str) -> None:
    load_demo(timezone.localdate())
    lotte = Episode.objects.get(patient__user__username="lotte")
    report = WorkReport.objects.get(episode=lotte)
    found: list[str] = []
    for username, urls in (
        ("lotte", [reverse("work_me"), reverse("work_my_check"), reverse("work_my_breaks")]),
        ("sanne", [reverse("work_me"), reverse("work_my_check"), reverse("work_my_breaks")]),
        (
            "anna",
            [
                reverse("work_episode", args=[lotte.pk]),
                reverse("work_episode_check", args=[lotte.pk]),
                reverse("work_report", args=[report.pk]),
                reverse("episode_detail", args=[lotte.pk]),
            ],
        ),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            found += _scan(client, url, lang)
    assert found == []


def test_every_field_of_the_work_forms_carries_a_bound(db: None) -> None:
    made = [
        work_forms.WorkplaceCheckForm(lang=Lang.NL),
        work_forms.BreakRoutineForm(),
        work_forms.ReviewForm(),
        work_forms.WorkConsentForm(),
        work_forms.WorkReportForm(goals=list[Goal]()),
    ]
    unbounded_by_format = (forms.ChoiceField, forms.BooleanField)
    unbounded = [
        f"{type(form).__name__}.{name}"
        for form in made
        for name, field in form.fields.items()
        if not isinstance(field, unbounded_by_format) and not hasattr(field, BOUNDED_ATTRIBUTE)
    ]
    assert unbounded == []


def test_the_labels_follow_the_cores_lists() -> None:
    assert set(work_forms.INTERVAL_LABELS) == set(BREAK_INTERVALS)
    assert set(work_forms.TOPIC_LABELS) == set(WorkTopic)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_catalogue_is_complete(lang: str) -> None:
    catalogue = (WORK / "locale" / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in catalogue
    entries = catalogue.split("\n\n")[1:]  # the header's msgstr is not a translation
    empty = []
    for entry in entries:
        # each msgstr (or msgstr[n]) with the quoted lines that continue it
        for translation in re.findall(r'^msgstr(?:\[\d\])? ((?:"[^\n]*"\n?)+)', entry, re.M):
            if not "".join(re.findall(r'"(.*)"', translation)):
                empty.append(entry)
    assert empty == []
    assert len(entries) > 150
