"""Cost pages: the practice admin's tariffs, the public price list, the patient's policy (entered by the patient
or a clinician) and the planned sessions of an episode. parse → access_* → do_* or a query → render; the
estimate itself is shown on the plan pages through `costs_tags`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rugpad import engine
from rugpad.core.costs import SessionKind
from rugpad.web.care.access import access_own_patient
from rugpad.web.care.models import Patient
from rugpad.web.costs import actions, queries
from rugpad.web.costs.access import (
    access_episode_for_costs,
    access_own_practice_as_admin,
    access_patient_for_costs,
    public_practice,
)
from rugpad.web.costs.forms import CostSettingsForm, PlannedSessionsForm, PolicyForm, TariffForm
from rugpad.web.costs.models import PlannedSessions
from rugpad.web.costs.money import euros_input
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.models import TreatmentPlan
from rugpad.web.practice.models import Practice


def _price_list(practice: Practice) -> list[dict[str, Any]]:
    """The practice's tariffs of today, one row per kind it prices, in the order of the kinds."""
    lang = reader_lang()
    tariffs = queries.current_tariffs(practice.pk, timezone.localdate())
    return [
        {"kind": kind, "name": queries.kind_name(kind, lang), "tariff": tariffs[kind]}
        for kind in SessionKind
        if kind in tariffs
    ]


def _tariffs_page(request: HttpRequest, practice: Practice, status: int = 200, **forms: Any) -> HttpResponse:
    row = queries.settings_row(practice.pk)
    initial = {name: getattr(row, name) for name in actions.SETTINGS_FIELDS} if row else {}
    initial = {k: euros_input(v) if k.endswith("_cents") else v for k, v in initial.items()}
    context = {
        "practice": practice,
        "prices": _price_list(practice),
        "history": [
            {"tariff": t, "name": queries.kind_name(SessionKind(t.kind), reader_lang())}
            for t in queries.tariff_history(practice.pk)
        ],
        "rules": engine.cost_rules(practice.country),
        "tariff_form": forms.get("tariff_form") or TariffForm(),
        "settings_form": forms.get("settings_form") or CostSettingsForm(initial=initial, country=practice.country),
        "lang": reader_lang(),
    }
    return render(request, "costs/tariffs.html", context, status=status)


@login_required
def tariffs(request: HttpRequest) -> HttpResponse:
    """The practice admin's tariffs and reimbursement numbers; adding a tariff posts here."""
    practice = access_own_practice_as_admin(request)
    if request.method != "POST":
        return _tariffs_page(request, practice)
    form = TariffForm(request.POST)
    if not form.is_valid():
        return _tariffs_page(request, practice, status=400, tariff_form=form)
    data = form.cleaned_data
    actions.do_set_tariff(request, practice, SessionKind(data["kind"]), data["amount"], data["valid_from"])
    return redirect("costs_tariffs")


@login_required
@require_POST
def cost_settings(request: HttpRequest) -> HttpResponse:
    practice = access_own_practice_as_admin(request)
    form = CostSettingsForm(request.POST, country=practice.country)
    if not form.is_valid():
        return _tariffs_page(request, practice, status=400, settings_form=form)
    actions.do_save_cost_settings(request, practice, form.cleaned_data)
    return redirect("costs_tariffs")


def price_list(request: HttpRequest, practice_id: int) -> HttpResponse:
    """The practice's public price list (no login): today's tariffs, from the same rows the estimate reads."""
    practice = public_practice(practice_id)
    return render(request, "costs/price_list.html", {"practice": practice, "prices": _price_list(practice)})


def _policy_page(request: HttpRequest, patient: Patient, back: str) -> HttpResponse:
    policy = queries.policy_of(request, patient)
    initial: dict[str, Any] = {}
    if policy is not None:
        initial = {name: getattr(policy, name) for name in actions.POLICY_FIELDS}
        initial |= {k: euros_input(v) for k, v in initial.items() if k.endswith("_cents")}
        initial["percentage"] = f"{policy.percentage.normalize():f}"
        if policy.year != timezone.localdate().year:
            initial |= {"sessions_used": 0, "cap_used_cents": ""}
    country = patient.practice.country
    form = PolicyForm(request.POST or None, initial=initial, country=country)
    if request.method == "POST" and form.is_valid():
        actions.do_save_policy(request, patient, form.cleaned_data)
        return redirect(back)
    context = {"form": form, "patient": patient, "policy": policy, "back": back}
    return render(request, "costs/policy.html", context, status=400 if form.errors else 200)


@login_required
def my_policy(request: HttpRequest) -> HttpResponse:
    return _policy_page(request, access_own_patient(request), reverse("plans_my_exercises"))


@login_required
def patient_policy(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A clinician enters the policy with the patient; `?episode=N` returns to that episode's plan afterwards."""
    patient = access_patient_for_costs(request, patient_id)
    episode = request.GET.get("episode", "")
    back = reverse("plans_episode", args=[int(episode)]) if episode.isascii() and episode.isdigit() else ""
    return _policy_page(request, patient, back or reverse("patient_detail", args=[patient.pk]))


@login_required
def planned_sessions(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The clinician's split of the episode's sessions by kind, for the estimate on the plan page."""
    episode = access_episode_for_costs(request, episode_id)
    priced = set(queries.current_tariffs(episode.patient.practice_id, timezone.localdate()))
    row = PlannedSessions.objects.filter(episode=episode).first()
    initial = {kind.value: getattr(row, kind.value) for kind in SessionKind} if row else {}
    form = PlannedSessionsForm(request.POST or None, initial=initial, priced=priced)
    if request.method == "POST" and form.is_valid():
        actions.do_save_planned_sessions(request, episode, form.counts())
        return redirect("plans_episode", episode.pk)
    context = {"form": form, "episode": episode, "patient": episode.patient}
    return render(request, "costs/planned.html", context, status=400 if form.errors else 200)


@login_required
def estimate_card(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The clinician's estimate card alone: the plan editor fetches it again after a change to the plan."""
    episode = access_episode_for_costs(request, episode_id)
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    context = queries.card_context(request, episode, plan.current() if plan else None)
    return render(request, "costs/_estimate.html", context)
