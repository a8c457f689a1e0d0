"""The costs pages as their users use them: the admin's tariffs, the public price list, the policy (patient and
clinician), the planned sessions and the estimate on both plan pages — bad input refused naming the field,
other practices' records a 404, every read and write audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from rugpad.core.costs import SessionKind
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.costs import actions, queries
from rugpad.web.costs.forms import CostSettingsForm, PlannedSessionsForm, PolicyForm, TariffForm
from rugpad.web.costs.models import InsurancePolicy, PlannedSessions, Tariff
from rugpad.web.demo import as_user
from rugpad.web.fields import BOUNDED_ATTRIBUTE
from rugpad.web.plans.models import PlanSettings
from tests.web.conftest import World, client_for

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

TODAY = timezone.localdate()
NEW_YEAR = dt.date(TODAY.year, 1, 1)


def _errors(response: Any) -> dict[str, Any]:
    return dict(response.context["form"].errors)


def _priced(world: World, **cents: int) -> None:
    for kind, amount in cents.items():
        actions.do_set_tariff(as_user(world.admin), world.practice, SessionKind(kind), amount, NEW_YEAR)


def _nl(user: Any) -> Any:
    client = client_for(user)
    client.cookies["django_language"] = "nl"
    return client


# ---- forms: every field bounded ----------------------------------------------------------------------------


def test_every_field_of_the_costs_forms_carries_a_bound(db: None) -> None:
    import django.forms as forms

    built = [TariffForm(), CostSettingsForm(country="nl"), CostSettingsForm(country="be"), PolicyForm(country="be")]
    built += [PolicyForm(country="nl"), PlannedSessionsForm(priced=set())]
    for form in built:
        for name, field in form.fields.items():
            if isinstance(field, forms.ChoiceField | forms.BooleanField):
                continue
            assert hasattr(field, BOUNDED_ATTRIBUTE), f"{type(form).__name__}.{name}"


# ---- the admin's tariffs -----------------------------------------------------------------------------------


def test_the_admin_sets_a_tariff_and_it_is_audited(world: World) -> None:
    response = _nl(world.admin).post(
        "/costs/tariffs/", {"kind": "regular", "amount": "45,50", "valid_from": NEW_YEAR.isoformat()}
    )
    assert response.status_code == 302
    tariff = Tariff.objects.get(practice=world.practice, kind="regular")
    assert (tariff.amount_cents, tariff.valid_from) == (4550, NEW_YEAR)
    event = AuditEvent.objects.filter(object_type="tariff", object_id=str(tariff.pk)).get()
    assert (event.action, event.actor_id, event.patient_id) == (AuditAction.CREATE, world.admin.pk, None)
    page = _nl(world.admin).get("/costs/tariffs/").content.decode()
    assert "€\xa045,50" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "regular", "amount": "45,555"}, "amount"),
        ({"kind": "regular", "amount": "-45"}, "amount"),
        ({"kind": "regular", "amount": "٤٥"}, "amount"),
        ({"kind": "regular", "amount": ""}, "amount"),
        ({"kind": "massage", "amount": "45"}, "kind"),
        ({"kind": "regular", "amount": "45", "valid_from": "1850-01-01"}, "valid_from"),
    ],
)
def test_a_bad_tariff_is_refused_naming_the_field(world: World, data: dict[str, str], field: str) -> None:
    response = _nl(world.admin).post("/costs/tariffs/", {"valid_from": NEW_YEAR.isoformat()} | data)
    assert response.status_code == 400
    assert field in dict(response.context["tariff_form"].errors)
    assert not Tariff.objects.exists()


def test_the_admin_fills_in_the_reimbursement_numbers_of_their_country(world: World) -> None:
    response = _nl(world.admin).post("/costs/tariffs/settings/", {"basic_own_sessions": "20"})
    assert response.status_code == 302
    assert queries.core_settings(queries.settings_row(world.practice.pk)).basic_own_sessions == 20
    event = AuditEvent.objects.get(object_type="practicecostsettings")
    assert (event.action, event.patient_id) == (AuditAction.UPDATE, None)
    refused = _nl(world.admin).post("/costs/tariffs/settings/", {"basic_own_sessions": "-1"})
    assert refused.status_code == 400 and "basic_own_sessions" in refused.context["settings_form"].errors
    # a Belgian practice fills in the patient's share per kind of session instead
    world.practice.country = "be"
    world.practice.save()
    assert "share_regular_cents" in _nl(world.admin).get("/costs/tariffs/").context["settings_form"].fields
    response = _nl(world.admin).post("/costs/tariffs/settings/", {"share_regular_cents": "9,50"})
    assert response.status_code == 302
    settings = queries.core_settings(queries.settings_row(world.practice.pk))
    assert dict(settings.statutory_share_cents) == {SessionKind.REGULAR: 950}
    assert settings.basic_own_sessions == 20  # the Dutch number is left as it was
    refused = _nl(world.admin).post("/costs/tariffs/settings/", {"share_regular_cents": "9,505"})
    assert refused.status_code == 400 and "share_regular_cents" in refused.context["settings_form"].errors


@pytest.mark.parametrize("who", ["clinician", "patient_user", None])
def test_only_the_practice_admin_reaches_the_tariffs(world: World, who: str | None) -> None:
    user = getattr(world, who) if who else None
    client = client_for(user)
    get = client.get("/costs/tariffs/")
    post = client.post("/costs/tariffs/", {"kind": "regular", "amount": "45", "valid_from": NEW_YEAR.isoformat()})
    assert get.status_code in (302, 404) and post.status_code in (302, 404)
    if user is not None:
        assert get.status_code == post.status_code == 404
    assert not Tariff.objects.exists()


# ---- the public price list ---------------------------------------------------------------------------------


def test_the_public_price_list_matches_the_tariff_data(world: World) -> None:
    _priced(world, first_visit=6000, regular=4500, home_visit=7000)
    actions.do_set_tariff(as_user(world.admin), world.practice, SessionKind.REGULAR, 4800, TODAY)
    actions.do_set_tariff(
        as_user(world.admin), world.practice, SessionKind.REGULAR, 9900, TODAY + dt.timedelta(days=30)
    )
    response = client_for(None).get(f"/tarieven/{world.practice.pk}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    html = response.content.decode()
    shown = {
        kind: int(cents) for kind, cents in re.findall(r'data-kind="(\w+)"><td>[^<]*</td><td data-cents="(\d+)"', html)
    }
    data = {kind.value: row.amount_cents for kind, row in queries.current_tariffs(world.practice.pk, TODAY).items()}
    assert shown == data == {"first_visit": 6000, "regular": 4800, "home_visit": 7000}
    assert "€\xa048,00" in html and "99,00" not in html
    assert client_for(None).get("/tarieven/999999/").status_code == 404


# ---- planned sessions ---------------------------------------------------------------------------------------


def test_planning_a_kind_without_a_tariff_is_refused_naming_it(world: World) -> None:
    _priced(world, regular=4500)
    url = f"/costs/episodes/{world.episode.pk}/sessions/"
    response = _nl(world.clinician).post(url, {"regular": "10", "home_visit": "2"})
    assert response.status_code == 400
    assert set(_errors(response)) == {"home_visit"}
    assert "nog geen tarief" in str(_errors(response)["home_visit"])
    assert _nl(world.clinician).post(url, {"regular": "abc"}).status_code == 400
    assert not PlannedSessions.objects.exists()
    saved = _nl(world.clinician).post(url, {"regular": "12"})
    assert saved.status_code == 302 and saved["Location"] == f"/plans/episodes/{world.episode.pk}/"
    assert PlannedSessions.objects.get(episode=world.episode).regular == 12
    event = AuditEvent.objects.get(object_type="plannedsessions")
    assert (event.action, event.patient_id) == (AuditAction.CREATE, world.patient.pk)


@pytest.mark.parametrize("who", ["other_clinician", "patient_user", "admin"])
def test_others_never_reach_an_episodes_planned_sessions(world: World, who: str) -> None:
    _priced(world, regular=4500)
    client = client_for(getattr(world, who))
    url = f"/costs/episodes/{world.episode.pk}/sessions/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"regular": "3"}).status_code == 404
    assert not PlannedSessions.objects.exists()


# ---- the policy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"percentage": "150"}, "percentage"),
        ({"percentage": "12,345"}, "percentage"),
        ({"cap_cents": "veel"}, "cap_cents"),
        ({"covered_sessions": "-3"}, "covered_sessions"),
        ({"sessions_used": "2000"}, "sessions_used"),
        ({"insurer": "a\x00b"}, "insurer"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(world: World, data: dict[str, str], field: str) -> None:
    response = _nl(world.patient_user).post("/costs/me/policy/", {"has_supplementary": "on"} | data)
    assert response.status_code == 400
    assert field in _errors(response)
    assert not InsurancePolicy.objects.exists()


def test_the_patient_enters_their_policy_and_it_is_audited(world: World) -> None:
    data = {"insurer": "Zorgverzekeraar", "has_supplementary": "on", "covered_sessions": "9", "sessions_used": "3"}
    response = _nl(world.patient_user).post("/costs/me/policy/", data)
    assert response.status_code == 302
    policy = InsurancePolicy.objects.get(patient=world.patient)
    assert (policy.covered_sessions, policy.sessions_used, policy.percentage, policy.year) == (9, 3, 100, TODAY.year)
    event = AuditEvent.objects.get(object_type="insurancepolicy", action=AuditAction.CREATE)
    assert (event.actor_id, event.patient_id) == (world.patient_user.pk, world.patient.pk)


def test_a_clinician_reads_the_policy_of_their_practices_patient_and_the_read_is_audited(world: World) -> None:
    actions.do_save_policy(as_user(world.patient_user), world.patient, {"has_supplementary": True})
    url = f"/costs/patients/{world.patient.pk}/policy/"
    assert _nl(world.clinician).get(url).status_code == 200
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=world.patient.pk, actor=world.clinician)
    assert view.exists() and "insurancepolicy" in view.get().summary


@pytest.mark.parametrize("who", ["other_clinician", "patient_user", "other_patient_user", "admin"])
def test_others_never_reach_a_patients_policy(world: World, who: str) -> None:
    url = f"/costs/patients/{world.patient.pk}/policy/"
    client = client_for(getattr(world, who))
    assert client.get(url).status_code == 404
    assert client.post(url, {"has_supplementary": "on"}).status_code == 404
    assert not InsurancePolicy.objects.exists()


def test_staff_have_no_own_policy_page(world: World) -> None:
    assert client_for(world.clinician).get("/costs/me/policy/").status_code == 404
    assert client_for(world.admin).get("/costs/me/policy/").status_code == 404


# ---- the estimate on the plan pages -----------------------------------------------------------------------


@pytest.fixture
def estimated(planned: World) -> World:
    """Patient A: 12 regular sessions at € 45, a policy covering 9 a year of which 3 are used."""
    world = planned
    _priced(world, regular=4500)
    actions.do_save_planned_sessions(as_user(world.clinician), world.episode, {SessionKind.REGULAR: 12})
    policy = {"has_supplementary": True, "covered_sessions": 9, "sessions_used": 3}
    actions.do_save_policy(as_user(world.patient_user), world.patient, policy)
    return world


def test_the_clinician_sees_the_estimate_on_the_plan_editor(estimated: World) -> None:
    html = _nl(estimated.clinician).get(f"/plans/episodes/{estimated.episode.pk}/").content.decode()
    # 12 × € 45 = € 540; 6 covered, 6 × € 45 = € 270 own
    assert "Verwachte eigen betaling: €\xa0270,00" in html
    assert "€\xa0540,00" in html
    assert "nog 6 over" in html


def test_the_patient_sees_their_estimate_in_plain_words(estimated: World) -> None:
    response = _nl(estimated.patient_user).get("/plans/me/")
    html = response.content.decode()
    assert "Verwachte kosten voor u zelf: €\xa0270,00." in html
    assert "Uw plan heeft 12 behandelingen." in html
    assert "<details" in html  # the assumptions are folded
    english = client_for(estimated.patient_user)
    english.cookies["django_language"] = "en"
    assert "You can expect to pay €270.00 yourself." in english.get("/plans/me/").content.decode()


def test_the_patients_policy_read_on_their_plan_page_is_audited(estimated: World) -> None:
    _nl(estimated.patient_user).get("/plans/me/")
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=estimated.patient_user).latest("id")
    assert view.patient_id == estimated.patient.pk and "insurancepolicy" in view.summary


def test_without_sessions_or_tariffs_the_estimate_says_what_is_missing(planned: World) -> None:
    url = f"/plans/episodes/{planned.episode.pk}/"
    # the test plan has no sessions a week (nor has the practice): nothing to count yet
    assert "nog geen aantal behandelingen" in _nl(planned.clinician).get(url).content.decode()
    # the practice's 2 a week: a first visit and regular sessions, for which the practice has no tariff yet
    PlanSettings.objects.create(practice=planned.practice, sessions_per_week=2)
    html = _nl(planned.clinician).get(url).content.decode()
    assert "De praktijk heeft nog geen tarief voor: Eerste behandeling (intake en onderzoek)." in html
    _priced(planned, first_visit=6000, regular=4500)
    weeks = planned.episode.treatment_plan.current().weeks  # type: ignore[union-attr]
    own = 6000 + (weeks * 2 - 1) * 4500  # no policy: everything is the patient's own
    html = _nl(planned.clinician).get(url).content.decode()
    assert f"{weeks} weken van het plan × 2 per week" in html
    assert f"Verwachte eigen betaling: €\xa0{own // 100},00" in html


def test_another_practices_clinician_sees_no_estimate(estimated: World) -> None:
    response = client_for(estimated.other_clinician).get(f"/plans/episodes/{estimated.episode.pk}/")
    assert response.status_code == 404


# ---- money words and the calendar year ----------------------------------------------------------------------


def test_amounts_read_as_each_language_writes_them() -> None:
    from django.utils import translation

    from rugpad.web.costs.money import euros

    with translation.override("nl"):
        assert euros(123450) == "€\xa01.234,50" and euros(4500) == "€\xa045,00" and euros(None) == "–"
    with translation.override("en"):
        assert euros(123450) == "€1,234.50"
    with translation.override("fr"):  # Belgian French: the sign after the amount
        assert euros(123450) == "1\xa0234,50\xa0€"


def test_last_years_used_sessions_no_longer_count(world: World) -> None:
    policy = actions.do_save_policy(
        as_user(world.patient_user),
        world.patient,
        {"has_supplementary": True, "covered_sessions": 9, "sessions_used": 7, "cap_used_cents": 500},
    )
    policy.year = TODAY.year - 1
    core = queries.core_policy(policy, TODAY)
    assert core is not None and (core.sessions_used, core.cap_used_cents, core.covered_sessions) == (0, 0, 9)


def test_the_clinician_sees_the_estimate_before_the_first_plan_is_saved(world: World) -> None:
    assert not hasattr(world.episode, "treatment_plan")
    _priced(world, first_visit=6000, regular=4500)
    actions.do_save_planned_sessions(
        as_user(world.clinician), world.episode, {SessionKind.FIRST_VISIT: 1, SessionKind.REGULAR: 8}
    )
    html = _nl(world.clinician).get(f"/plans/episodes/{world.episode.pk}/").content.decode()
    assert "Verwachte eigen betaling: €\xa0420,00" in html  # € 60 + 8 × € 45, no policy yet
    assert "Voor deze patiënt is nog geen verzekering ingevuld." in html


def test_the_estimate_card_alone_is_for_the_practices_clinicians(estimated: World) -> None:
    url = f"/costs/episodes/{estimated.episode.pk}/estimate/"
    card = _nl(estimated.clinician).get(url)
    assert card.status_code == 200 and "Verwachte eigen betaling: €\xa0270,00" in card.content.decode()
    for who in ("other_clinician", "patient_user", "admin"):
        assert client_for(getattr(estimated, who)).get(url).status_code == 404
