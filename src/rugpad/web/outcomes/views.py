"""Outcome pages: parse → access_* → do_* or a query → render. Times come from `clock.today()`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.core.errors import InvalidInput
from rugpad.core.vocab import Lang
from rugpad.web.audit.log import record_list
from rugpad.web.care.access import access_episode, access_own_patient, require_clinician
from rugpad.web.care.models import EpisodeStatus
from rugpad.web.i18n import reader_lang
from rugpad.web.markdown import render as render_markdown
from rugpad.web.outcomes import actions, clinical, clock, practice_page, queries
from rugpad.web.outcomes.access import access_assignment, access_report, require_practice_staff
from rugpad.web.outcomes.forms import ConsentForm, DischargeForm, PeriodForm, ReportForm
from rugpad.web.outcomes.practice_dashboard import MIN_GROUP, Period
from rugpad.web.plans.queries import treatment_summary


def _evaluation(request: HttpRequest, episode, **forms: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    patient = episode.patient
    lang = reader_lang().value
    treatment = treatment_summary(episode, Lang(lang))  # the plan as given so far; the clinician edits it freely
    defaults = {
        "consent_form": ConsentForm(initial={"given_by": str(patient), "recipient": patient.gp_name}),
        # two forms on one page: their own id prefixes, so each label points at its own field
        "report_form": ReportForm(initial={"lang": lang, "treatment": treatment}, auto_id=REPORT_IDS),
        "discharge_form": DischargeForm(initial={"lang": lang, "treatment": treatment}, auto_id=DISCHARGE_IDS),
    }
    return queries.evaluation_page(episode, clock.today()) | defaults | forms


REPORT_IDS = "report_%s"
DISCHARGE_IDS = "discharge_%s"


@login_required
def evaluation(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    return render(request, "outcomes/evaluation.html", _evaluation(request, episode))


@login_required
@require_POST
def request_due(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    created = actions.do_request_due(request, episode, clock.today())
    if created:
        messages.success(request, _("%(count)d questionnaires were sent to the patient.") % {"count": len(created)})
    else:
        messages.info(request, _("Nothing new to send: every due questionnaire was already sent."))
    return redirect("outcomes_evaluation", episode.pk)


@login_required
@require_POST
def assign_education(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    created = actions.do_assign_education(request, episode)
    messages.success(request, _("%(count)d modules given to the patient.") % {"count": len(created)})
    return redirect("outcomes_evaluation", episode.pk)


@login_required
@require_POST
def record_consent(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        actions.do_record_consent(request, episode, **form.cleaned_data)
        messages.success(request, _("The patient's answer about sharing the report is recorded."))
        return redirect("outcomes_evaluation", episode.pk)
    context = _evaluation(request, episode, consent_form=form)
    return render(request, "outcomes/evaluation.html", context, status=400)


@login_required
@require_POST
def new_report(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    form = ReportForm(request.POST, auto_id=REPORT_IDS)
    if form.is_valid():
        data = form.cleaned_data
        report = actions.do_generate_report(
            request, episode, kind="interim", treatment=data["treatment"], advice=data["advice"],
            today=clock.today(), lang=data["lang"],
        )  # fmt: skip
        messages.success(request, _("Report drafted."))
        return redirect("outcomes_report", report.pk)
    return render(request, "outcomes/evaluation.html", _evaluation(request, episode, report_form=form), status=400)


@login_required
@require_POST
def discharge(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    if episode.status != EpisodeStatus.OPEN:
        raise Http404("Episode already closed")
    form = DischargeForm(request.POST, auto_id=DISCHARGE_IDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.do_discharge(
                request,
                episode,
                treatment=data["treatment"],
                advice=data["advice"],
                today=clock.today(),
                lang=data["lang"],
                reason=data["reason"],
            )
        except InvalidInput as error:
            if error.field == "reason":
                form.add_error("reason", _("The end measurement is not done: say why the episode closes without it."))
            elif error.field == "red_flags":
                form.add_error(
                    None, _("A red flag is still open: record the action and the doctor's assessment first.")
                )
            else:
                raise
        else:
            messages.success(request, _("Episode closed; the discharge report is kept."))
            return redirect("outcomes_report", report.pk)
    context = _evaluation(request, episode, discharge_form=form)
    return render(request, "outcomes/evaluation.html", context, status=400)


@login_required
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    require_clinician(request)
    gp_report = access_report(request, report_id)
    context = {"report": gp_report, "episode": gp_report.episode, "consent": actions.has_consent(gp_report.episode)}
    return render(request, "outcomes/report.html", context)


@login_required
@require_POST
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    """The PDF leaves rugpad only with consent; the download is the export (audited)."""
    require_clinician(request)
    gp_report = access_report(request, report_id)
    try:
        actions.do_export_report(request, gp_report)
    except actions.ConsentMissing:
        messages.error(request, _("Record the patient's consent before the report is sent or downloaded."))
        return redirect("outcomes_report", gp_report.pk)
    response = HttpResponse(bytes(gp_report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rugpad-report-{gp_report.pk}.pdf"'
    return response


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    patient = access_own_patient(request)
    episode = patient.episodes.order_by("-started_on", "-id").first()
    return render(request, "outcomes/my_progress.html", queries.patient_progress(episode, clock.today()))


@login_required
def my_module(request: HttpRequest, assignment_id: int) -> HttpResponse:
    access_own_patient(request)
    assignment = access_assignment(request, assignment_id)
    module = clinical.education_module(assignment.module_id)
    if module is None:
        raise Http404("No such module")
    if request.method == "POST":
        actions.do_mark_read(request, assignment)
        messages.success(request, _("Marked as read. Well done!"))
        return redirect("outcomes_my_progress")
    lang = reader_lang().value
    context = {"assignment": assignment, "module": module, "title": module.title.get(lang),
               "body": render_markdown(module.body.get(lang))}  # fmt: skip
    return render(request, "outcomes/module.html", context)


def _practice_period(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    today = clock.today()
    if not request.GET:
        default = Period.default(today)
        return PeriodForm(initial={"start": default.start, "end": default.end}), default
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    default = Period.default(today)
    return form, Period(form.cleaned_data["start"] or default.start, form.cleaned_data["end"] or default.end)


def _practice_view(request: HttpRequest, what: str, again: bool = False) -> dict[str, Any] | HttpResponse:
    """What the page and its CSV share: the staff check, the period (a refused one answers the form, 400), the
    dashboard's rows (today's stored figures, or counted `again`), and the one list event naming `what` and the
    period."""
    user = require_practice_staff(request)
    form, period = _practice_period(request)
    if period is None:
        return render(request, "outcomes/practice.html", {"form": form, "min_group": MIN_GROUP}, status=400)
    context = practice_page.page(user.practice_id or 0, period, clock.today(), again=again)
    record_list(request, f"{what} {period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}", context["patients"])
    return context | {"form": form}


@login_required
def practice_dashboard(request: HttpRequest) -> HttpResponse:
    """How the practice's patients do as a group: aggregates only, small groups hidden; one audit event per view.
    A POST (the page's "compute again" button, the period in the address) counts the figures now."""
    again = request.method == "POST"
    what = "practice outcome dashboard" + (", computed again" if again else "")
    context = _practice_view(request, what, again=again)
    if isinstance(context, HttpResponse):
        return context  # the period was refused
    period: Period = context["period"]
    query = f"?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    if again:
        return redirect(reverse("outcomes_practice") + query)
    return render(request, "outcomes/practice.html", context | {"csv_query": query})


@login_required
def practice_dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's aggregates as CSV (the same rows as the page); an export, so audited as a list event too."""
    context = _practice_view(request, "practice outcome dashboard CSV")
    if isinstance(context, HttpResponse):
        return context  # the period was refused
    period: Period = context["period"]
    response = HttpResponse(practice_page.csv_text(context), content_type="text/csv; charset=utf-8")
    name = f"rugpad-outcomes-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
