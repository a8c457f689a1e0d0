"""Education: the pathway's modules are given by profile, the patient reads and marks them, the clinician sees it."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from rugpad.content.education import load_education
from rugpad.core.education import modules_for
from rugpad.core.vocab import Region
from rugpad.web.audit.models import AuditEvent
from rugpad.web.demo import as_user
from rugpad.web.markdown import render
from rugpad.web.outcomes import actions
from rugpad.web.outcomes.models import EducationAssignment
from tests.web.conftest import World, client_for


def test_the_modules_given_are_the_pathways_choice_and_giving_twice_adds_nothing(world: World) -> None:
    created = actions.do_assign_education(as_user(world.clinician), world.episode)
    expected = modules_for(load_education(), Region.LOW_BACK, None, False)  # no profile decided in this world
    assert [a.module_id for a in created] == [m.id for m in expected]
    assert actions.do_assign_education(as_user(world.clinician), world.episode) == []


def test_the_patient_reads_a_module_marks_it_read_and_the_clinician_sees_it(world: World) -> None:
    actions.do_assign_education(as_user(world.clinician), world.episode)
    assignment = EducationAssignment.objects.filter(episode=world.episode).first()
    assert assignment is not None
    patient = client_for(world.patient_user)
    progress = patient.get(reverse("outcomes_my_progress")).content.decode()
    assert reverse("outcomes_my_module", args=[assignment.pk]) in progress
    page = patient.get(reverse("outcomes_my_module", args=[assignment.pk])).content.decode()
    assert "<h2>" in page and "<script" not in page.split('<main id="content">')[1]
    assert patient.post(reverse("outcomes_my_module", args=[assignment.pk])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.read_at is not None
    assert AuditEvent.objects.filter(summary=f"education read: {assignment.module_id}").count() == 1
    evaluation = client_for(world.clinician).get(reverse("outcomes_evaluation", args=[world.episode.pk]))
    assert "gelezen</strong>" in evaluation.content.decode()


def test_another_patient_cannot_open_or_mark_the_module(world: World) -> None:
    actions.do_assign_education(as_user(world.clinician), world.episode)
    assignment = EducationAssignment.objects.filter(episode=world.episode).first()
    assert assignment is not None
    other = client_for(world.other_patient_user)
    assert other.get(reverse("outcomes_my_module", args=[assignment.pk])).status_code == 404
    assert other.post(reverse("outcomes_my_module", args=[assignment.pk])).status_code == 404
    assignment.refresh_from_db()
    assert assignment.read_at is None


def test_markdown_renders_headings_lists_and_bold() -> None:
    html = render("## Titel\n\nEen **vette** zin\nloopt door.\n\n- een\n- twee\n\n1. eerst\n2. dan")
    assert "<h2>Titel</h2>" in html
    assert "<p>Een <strong>vette</strong> zin loopt door.</p>" in html
    assert "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>" in html and "<ol>" in html


@given(st.text())
def test_markdown_never_lets_markup_through(text: str) -> None:
    html = render(text)
    assert "<script" not in html and "<img" not in html and "<a " not in html
