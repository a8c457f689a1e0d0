"""The work pages: parse → access_* → do_* or a query → render.

The patient fills in the workplace check and sets their break routine (`/work/me/…`); the clinician of the
practice reviews the check on the episode, may set the routine too, records consent and drafts the report for the
occupational physician (`/work/episodes/<id>/…`, `/work/reports/<id>/`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.core.errors import InvalidInput
from rugpad.web.audit.log import record_read
from rugpad.web.care.models import Episode, EpisodeStatus
from rugpad.web.i18n import reader_lang
from rugpad.web.outcomes import clock
from rugpad.web.work import actions, clinical, queries
from rugpad.web.work.access import access_check, access_own_episode, access_work_episode, access_work_report
from rugpad.web.work.forms import BreakRoutineForm, ReviewForm, WorkConsentForm, WorkplaceCheckForm, WorkReportForm
from rugpad.web.work.models import BreakRoutine

CONSENT_IDS = "consent_%s"
REPORT_IDS = "report_%s"
ROUTINE_IDS = "routine_%s"


def _audited(request: HttpRequest, episode: Episode, context: dict[str, Any]) -> dict[str, Any]:
    """Names every work record the page shows in the request's read event of the patient."""
    for row in context.pop("read", []):
        record_read(request, row, patient_id=episode.patient_id)
    return context


def _routine_initial(episode: Episode) -> dict[str, Any]:
    routine = BreakRoutine.objects.filter(episode=episode).first()
    if routine is None:
        return {"days": ["0", "1", "2", "3", "4"], "active": True}
    return {
        "days": [str(day) for day in sorted(routine.weekdays())],
        "start": f"{routine.start:%H:%M}",
        "end": f"{routine.end:%H:%M}",
        "every_minutes": str(routine.every_minutes),
        "active": routine.active,
    }


def _save_routine(request: HttpRequest, episode: Episode, form: BreakRoutineForm) -> bool:
    """Saves a valid form; a schedule the core refuses is put on the form at its field (False)."""
    if not form.is_valid():
        return False
    try:
        actions.do_save_routine(request, episode, **form.cleaned_data)
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.problem))
        return False
    return True


# --- the patient's pages ------------------------------------------------------------------------------------------


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    _patient, episode = access_own_episode(request)
    context = queries.patient_page(episode, reader_lang())
    if episode is not None:
        context = _audited(request, episode, context)
    return render(request, "work/my_work.html", context)


@login_required
def my_check(request: HttpRequest) -> HttpResponse:
    """The patient fills in (or again) the workplace check of their open episode."""
    _patient, episode = access_own_episode(request)
    if episode is None or episode.status != EpisodeStatus.OPEN:
        messages.info(request, _("There is no treatment under way for which to fill in the workplace check."))
        return redirect("work_me")
    latest = clinical.latest_check(episode)
    form = WorkplaceCheckForm(request.POST or None, lang=reader_lang(), initial=latest.answers if latest else None)
    if request.method == "POST" and form.is_valid():
        actions.do_submit_check(request, episode, form.cleaned_data)
        messages.success(request, _("Thank you. Your answers are saved; your advice is below."))
        return redirect("work_me")
    status = 400 if form.is_bound else 200
    return render(request, "work/check.html", {"form": form, "episode": episode, "mine": True}, status=status)


@login_required
def my_breaks(request: HttpRequest) -> HttpResponse:
    """The patient chooses their working days, the start and end of the working day and how often a break."""
    _patient, episode = access_own_episode(request)
    if episode is None or episode.status != EpisodeStatus.OPEN:
        messages.info(request, _("There is no treatment under way for which to set a break routine."))
        return redirect("work_me")
    form = BreakRoutineForm(request.POST or None, initial=_routine_initial(episode), auto_id=ROUTINE_IDS)
    if request.method == "POST" and _save_routine(request, episode, form):
        messages.success(request, _("Your break routine is saved."))
        return redirect("work_me")
    status = 400 if form.is_bound else 200
    return render(request, "work/breaks.html", {"form": form, "episode": episode, "mine": True}, status=status)


# --- the clinician's pages ----------------------------------------------------------------------------------------


def _episode_page(request: HttpRequest, episode: Episode, **forms: object) -> dict[str, Any]:
    lang = reader_lang()
    context = _audited(request, episode, queries.clinician_page(episode, lang))
    check = context["check"]
    defaults: dict[str, object] = {
        "review_form": ReviewForm(initial={"note": check.review_note} if check else None),
        "routine_form": BreakRoutineForm(initial=_routine_initial(episode), auto_id=ROUTINE_IDS),
        "consent_form": WorkConsentForm(initial={"given_by": str(episode.patient)}, auto_id=CONSENT_IDS),
        "report_form": WorkReportForm(
            initial={"lang": lang.value}, goals=clinical.plan_goals(episode, lang), auto_id=REPORT_IDS
        ),
    }
    return context | defaults | forms


@login_required
def episode_work(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access_work_episode(request, episode_id)
    return render(request, "work/episode.html", _episode_page(request, episode))


@login_required
def episode_check(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The clinician fills in the workplace check with the patient (in a session, or for a patient without a login)."""
    episode = access_work_episode(request, episode_id)
    if episode.status != EpisodeStatus.OPEN:
        messages.info(request, _("This episode is closed."))
        return redirect("work_episode", episode.pk)
    latest = clinical.latest_check(episode)
    form = WorkplaceCheckForm(request.POST or None, lang=reader_lang(), initial=latest.answers if latest else None)
    if request.method == "POST" and form.is_valid():
        actions.do_submit_check(request, episode, form.cleaned_data)
        messages.success(request, _("The answers are saved."))
        return redirect("work_episode", episode.pk)
    status = 400 if form.is_bound else 200
    return render(request, "work/check.html", {"form": form, "episode": episode, "mine": False}, status=status)


@login_required
@require_POST
def review(request: HttpRequest, check_id: int) -> HttpResponse:
    check = access_check(request, check_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        actions.do_review_check(request, check, form.cleaned_data["note"])
        messages.success(request, _("Your review is saved; the patient sees your note."))
        return redirect("work_episode", check.episode_id)
    context = _episode_page(request, check.episode, review_form=form)
    return render(request, "work/episode.html", context, status=400)


@login_required
@require_POST
def episode_breaks(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access_work_episode(request, episode_id)
    form = BreakRoutineForm(request.POST, auto_id=ROUTINE_IDS)
    if episode.status == EpisodeStatus.OPEN and _save_routine(request, episode, form):
        messages.success(request, _("The break routine is saved."))
        return redirect("work_episode", episode.pk)
    if episode.status != EpisodeStatus.OPEN:
        form.add_error(None, _("This episode is closed."))
    context = _episode_page(request, episode, routine_form=form)
    return render(request, "work/episode.html", context, status=400)


@login_required
@require_POST
def consent(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access_work_episode(request, episode_id)
    form = WorkConsentForm(request.POST, auto_id=CONSENT_IDS)
    if form.is_valid():
        actions.do_record_consent(request, episode, **form.cleaned_data)
        messages.success(request, _("The patient's answer about sharing the work report is recorded."))
        return redirect("work_episode", episode.pk)
    context = _episode_page(request, episode, consent_form=form)
    return render(request, "work/episode.html", context, status=400)


@login_required
@require_POST
def new_report(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = access_work_episode(request, episode_id)
    lang = reader_lang()
    form = WorkReportForm(request.POST, goals=clinical.plan_goals(episode, lang), auto_id=REPORT_IDS)
    if form.is_valid():
        data = form.cleaned_data
        report = actions.do_draft_report(
            request, episode, today=clock.today(), lang=data["lang"], goal_ids=data["goals"], remarks=data["remarks"]
        )
        messages.success(request, _("Report drafted."))
        return redirect("work_report", report.pk)
    context = _episode_page(request, episode, report_form=form)
    return render(request, "work/episode.html", context, status=400)


@login_required
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    work_report = access_work_report(request, report_id)
    context = {
        "report": work_report,
        "episode": work_report.episode,
        "consent": actions.has_consent(work_report.episode),
    }
    return render(request, "work/report.html", context)


@login_required
@require_POST
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """The PDF leaves rugpad only with consent; the download is the export (audited)."""
    work_report = access_work_report(request, report_id)
    try:
        actions.do_export_report(request, work_report)
    except actions.ConsentMissing:
        messages.error(request, _("Record the patient's consent before the report is sent or downloaded."))
        return redirect("work_report", work_report.pk)
    response = HttpResponse(bytes(work_report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rugpad-work-report-{work_report.pk}.pdf"'
    return response
