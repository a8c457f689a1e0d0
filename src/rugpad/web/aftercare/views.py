"""Aftercare pages: parse → access_* → do_* or a query → render. Days come from the outcomes app's clock."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.core.errors import InvalidInput
from rugpad.web.aftercare import actions, clinical, queries
from rugpad.web.aftercare.access import access_discharged_episode, access_flag, access_own_checkin, access_plan
from rugpad.web.aftercare.forms import AftercareForm, CheckinForm, HandleFlagForm
from rugpad.web.aftercare.models import AftercarePlan
from rugpad.web.audit.log import record_list
from rugpad.web.care.access import access_own_patient, require_clinician
from rugpad.web.care.models import Episode
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import clock
from rugpad.web.outcomes.models import GpReport
from rugpad.web.plans.queries import views_of
from rugpad.web.portal.queries import contact_text


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    """The practice's aftercare: open recurrence flags with what to do, the latest answers, check-ins waiting, and
    discharges without aftercare yet."""
    user = require_clinician(request)
    if user.practice_id is None:
        raise Http404("Not found")
    context = queries.practice_page(user.practice_id, clock.today(), reader_lang())
    record_list(request, "aftercare", context["patients_shown"])
    return render(request, "aftercare/practice.html", context)


def _exercise_choices(episode: Episode) -> list[tuple[int, str]]:
    lang = reader_lang()
    views = views_of(actions.maintenance_candidates(episode), lang)
    return [(v.item.pk, f"{v.title} ({v.dose_text})" if v.dose_text else v.title) for v in views]


def _initial(episode: Episode, plan: AftercarePlan | None) -> dict[str, object]:
    if plan is not None:
        weeks = ", ".join(str(c.weeks) for c in plan.checkins.all())
        return {
            "discharged_on": plan.discharged_on,
            "baseline_pain": plan.baseline_pain,
            "exercises": list(plan.exercises.values_list("pk", flat=True)),
            "advice": plan.advice,
            "weeks": weeks,
        }
    report = GpReport.objects.filter(episode=episode, kind="discharge").order_by("-created_at").first()
    discharged = timezone.localtime(report.created_at).date() if report is not None else clock.today()
    return {
        "discharged_on": discharged,
        "baseline_pain": clinical.pain_at_discharge(episode, discharged),
        "exercises": [pk for pk, _label in _exercise_choices(episode)],  # the whole home programme, to trim
        "weeks": ", ".join(str(w) for w in clinical.content().settings.default_weeks),
    }


def _refusal(error: InvalidInput) -> tuple[str | None, str]:
    """The field and the reader's words for what the action refused (the form has checked the rest)."""
    words = {
        "discharged_on": _("The day of discharge cannot be before the first contact."),
        "exercises": _("Only exercises of the episode's plan can be kept."),
        "baseline_pain": _("Please enter a pain score from 0 to 10."),
    }
    if error.field in words:
        return error.field, str(words[error.field])
    return None, _("The episode is no longer closed: aftercare follows a discharge.")


@login_required
def episode_aftercare(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Set or change the maintenance programme and check-in moments of a discharged episode."""
    episode = access_discharged_episode(request, episode_id)
    plan = AftercarePlan.objects.filter(episode=episode).first()
    choices = _exercise_choices(episode)
    form = AftercareForm(request.POST or None, initial=_initial(episode, plan), exercise_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.do_save_aftercare(
                request,
                episode,
                discharged_on=data["discharged_on"],
                baseline_pain=data["baseline_pain"],
                exercise_ids=data["exercises"],
                advice=data["advice"],
                weeks=data["weeks"],
            )
        except InvalidInput as error:
            form.add_error(*_refusal(error))
        else:
            messages.success(request, _("Aftercare saved. The patient is asked on the days you chose."))
            return redirect("aftercare_plan", plan.pk)
    content = clinical.content()
    context = {
        "episode": episode,
        "patient": episode.patient,
        "plan": plan,
        "form": form,
        "weeks_source": content.weeks_source,
        "weeks_evidence": str(content.weeks_evidence),
    }
    return render(request, "aftercare/episode_form.html", context, status=400 if form.errors else 200)


def _plan_page(plan: AftercarePlan, posted: tuple[int, HandleFlagForm] | None = None) -> dict[str, object]:
    """The plan page's context, with a form per open flag (each with its own ids); `posted`: a flag's refused form."""
    context = queries.plan_page(plan, clock.today(), reader_lang())
    forms = {str(row.flag.pk): HandleFlagForm(auto_id=f"flag{row.flag.pk}_%s") for row in context["flags"]}
    if posted is not None:
        forms[str(posted[0])] = posted[1]
    return context | {"handle_forms": forms}


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request, plan_id)
    return render(request, "aftercare/plan.html", _plan_page(plan))


@login_required
@require_POST
def handle_flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access_flag(request, flag_id)
    form = HandleFlagForm(request.POST, auto_id=f"flag{flag.pk}_%s")
    if form.is_valid():
        try:
            actions.do_handle_flag(request, flag, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        except InvalidInput:
            messages.info(request, _("This flag was handled already."))
        else:
            messages.success(request, _("Recorded what was done; the flag is closed."))
        return redirect("aftercare_plan", flag.plan_id)
    plan = access_plan(request, flag.plan_id)
    return render(request, "aftercare/plan.html", _plan_page(plan, (flag.pk, form)), status=400)


# --- the patient's pages -----------------------------------------------------------------------------------------


@login_required
def my_aftercare(request: HttpRequest) -> HttpResponse:
    patient = access_own_patient(request)
    context = queries.my_aftercare(patient, clock.today(), reader_lang()) | {"patient": patient} | contact_text()
    return render(request, "aftercare/mine.html", context)


@login_required
def checkin(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """The check-in asked now: three questions and the alarm signs, on one phone screen."""
    found = access_own_checkin(request, checkin_id)
    if found.answered_at is not None:
        return redirect("aftercare_checkin_done", found.pk)
    region = found.plan.episode.region
    # the page's own key for its answer, made when the page is shown: sent twice, it is stored once
    form = CheckinForm(request.POST or None, initial={"key": uuid.uuid4()}, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answered, _created = actions.do_answer_checkin(
                request,
                found,
                pain=data["pain"],
                limited_again=data["limited_again"],
                came_back=data["came_back"],
                alarms=data["alarms"],
                key=data["key"],
                today=clock.today(),
            )
        except InvalidInput as error:
            if error.field != "checkin":
                raise
            messages.info(request, _("This check-in is not open any more."))
            return redirect("aftercare_mine")
        if answered.diary_entry is not None and answered.diary_entry.alarm_flags:
            # an alarm sign raised a red flag: what to do now comes first, exactly as after a diary alarm
            return redirect("portal_entry", answered.diary_entry.pk)
        return redirect("aftercare_checkin_done", answered.pk)
    lang = reader_lang()
    context = {
        "checkin": found,
        "form": form,
        "title": clinical.title(region, lang),
        "intro": clinical.content().intro.get(lang),
        "practice": found.patient.practice,
    } | contact_text()
    return render(request, "aftercare/checkin.html", context, status=400 if form.errors else 200)


@login_required
def checkin_done(request: HttpRequest, checkin_id: int) -> HttpResponse:
    found = access_own_checkin(request, checkin_id)
    if found.answered_at is None:
        return redirect("aftercare_checkin", found.pk)
    lang = reader_lang()
    context = {
        "checkin": found,
        "verdict": queries.verdict_text(found.status, lang),
        "practice": found.patient.practice,
        "come_back": queries.come_back(found.plan.episode.region, lang),
    } | contact_text()
    return render(request, "aftercare/checkin_done.html", context)
