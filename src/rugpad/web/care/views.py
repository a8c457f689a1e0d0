"""Clinician and patient pages: parse → access_* → do_* or a query → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.web.audit.log import record_list
from rugpad.web.care import actions, queries
from rugpad.web.care.access import (
    access_episode,
    access_own_patient,
    access_patient,
    access_red_flag,
    access_response,
    require_clinician,
)
from rugpad.web.care.clinical import state_of
from rugpad.web.care.forms import (
    EpisodeForm,
    ExaminationForm,
    FlagEventForm,
    InstrumentForm,
    IntakeForm,
    OverrideForm,
    PatientForm,
    RequestInstrumentForm,
    ScreeningForm,
    SearchForm,
)
from rugpad.web.care.models import Episode, InstrumentResponse, ResponseStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_patient:  # type: ignore[union-attr]
        return redirect("patient_home")
    if user.is_practice_admin:  # type: ignore[union-attr]
        return redirect("audit_log")
    if user.is_participant:  # type: ignore[union-attr]
        return redirect("groups_me")  # a group participant has only their group's programme
    clinician = require_clinician(request)
    context = queries.dashboard(clinician, timezone.localdate())
    record_list(request, "dashboard", context["patient_count"])
    return render(request, "care/dashboard.html", context)


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    clinician = require_clinician(request)
    form = SearchForm(request.GET or None)
    page = queries.search_patients(clinician, form.cleaned_data if form.is_valid() else {}, _page_number(request))
    record_list(request, "patient list or search", len(page.patients))
    template = "care/_patient_rows.html" if request.headers.get("HX-Request") else "care/patient_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "patients": page.patients, "page": page, "query": query.urlencode()}
    return render(request, template, context)


def _page_number(request: HttpRequest) -> int:
    """The `page` query parameter; anything that is not a whole number is the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) <= 6 else 1


@login_required
def open_alarms(request: HttpRequest) -> HttpResponse:
    """Every open red flag of the practice, a page at a time (the dashboard shows the most urgent)."""
    clinician = require_clinician(request)
    page = _page_number(request)
    alarms, has_next = queries.alarm_page(clinician, page)
    record_list(request, "open alarms", len({row.flag.episode.patient_id for row in alarms}))
    return render(request, "care/alarms.html", {"alarms": alarms, "page": page, "has_next": has_next})


@login_required
def patient_new(request: HttpRequest) -> HttpResponse:
    require_clinician(request)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = actions.do_create_patient(request, **form.cleaned_data)
        return redirect("patient_detail", patient.pk)
    return render(request, "care/patient_form.html", {"form": form})


@login_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    require_clinician(request)
    patient = access_patient(request, patient_id)
    form = EpisodeForm(request.POST or None, born=patient.date_of_birth)
    if request.method == "POST" and form.is_valid():
        episode = actions.do_open_episode(request, patient, **form.cleaned_data)
        return redirect("episode_detail", episode.pk)
    return render(
        request, "care/patient_detail.html", {"patient": patient, "form": form, "episodes": patient.episodes.all()}
    )


@login_required
def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    state = state_of(episode)
    if state.new_flags:  # a flag that time alone raised is kept before it is shown
        actions.do_store_pending_flags(request, episode)
        state = state_of(episode)
    return render(request, "care/episode_detail.html", queries.episode_overview(episode, state))


@login_required
def episode_intake(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _versioned_record(request, episode_id, IntakeForm, "intakes", actions.do_save_intake,
                             _("Intake"), _("Intake saved."))  # fmt: skip


@login_required
def episode_examination(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _versioned_record(request, episode_id, ExaminationForm, "examinations", actions.do_save_examination,
                             _("Functional examination"), _("Examination saved."))  # fmt: skip


def _versioned_record(
    request: HttpRequest,
    episode_id: int,
    form_class: type[IntakeForm] | type[ExaminationForm],
    history: str,
    save: Callable[[HttpRequest, Any], object],
    title: str,
    saved: str,
) -> HttpResponse:
    """A record kept as versions: the form starts from the latest version and saving adds a new one."""
    require_clinician(request)
    episode = access_episode(request, episode_id)
    form = form_class(request.POST or None, instance=episode.latest(history))
    if request.method == "POST" and form.is_valid():
        form.instance.episode = episode
        save(request, form.instance)
        messages.success(request, saved)
        return redirect("episode_detail", episode.pk)
    return render(request, "care/record_form.html", {"episode": episode, "form": form, "title": title})


@login_required
def episode_screening(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    latest = episode.latest("screenings")
    initial = {f"sign_{s}": True for s in getattr(latest, "signs", [])} | {"notes": getattr(latest, "notes", "")}
    form = ScreeningForm(request.POST or None, initial=initial, region=episode.region)
    if request.method == "POST" and form.is_valid():
        actions.do_save_screening(
            request, episode, form.selected_signs(), form.cleaned_data["notes"], form.asked_signs()
        )
        messages.success(request, _("Red-flag screening saved."))
        return redirect("episode_detail", episode.pk)
    return render(request, "care/screening_form.html", {"episode": episode, "form": form})


def _fill_instrument(
    request: HttpRequest, episode: Episode, code: str, requested: InstrumentResponse | None = None
) -> HttpResponse | None:
    """Shows and handles a questionnaire form; returns None once the answers are stored."""
    try:
        definition = engine.instrument(code)
    except InvalidInput:
        raise Http404("No such questionnaire") from None
    form = InstrumentForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_response(
                request, episode, code, form.answers(), activities=form.activities(), requested=requested
            )
            return None
        except InvalidInput as error:
            form.add_error(_field_of(error), error.problem)
    return render(request, "care/instrument_form.html", {"episode": episode, "form": form, "definition": definition})


def _field_of(error: InvalidInput) -> str | None:
    """Maps the engine's field path (``odi: item 4``) to the form field (``item_4``)."""
    _prefix, _sep, item = error.field.partition("item ")
    return f"item_{item}" if item.isdigit() else None


@login_required
def episode_instrument(request: HttpRequest, episode_id: int, code: str) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    page = _fill_instrument(request, episode, code)
    if page is not None:
        return page
    messages.success(request, _("Questionnaire saved and scored."))
    return redirect("episode_detail", episode.pk)


@login_required
@require_POST
def episode_request_instrument(request: HttpRequest, episode_id: int, code: str) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    form = RequestInstrumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("moment", [])))
        return redirect("episode_detail", episode.pk)
    try:
        actions.do_request_response(request, episode, code, moment=form.cleaned_data["moment"])
    except InvalidInput:
        raise Http404("No such questionnaire") from None
    messages.success(request, _("The questionnaire was sent to the patient."))
    return redirect("episode_detail", episode.pk)


@login_required
@require_POST
def episode_override(request: HttpRequest, episode_id: int) -> HttpResponse:
    require_clinician(request)
    episode = access_episode(request, episode_id)
    form = OverrideForm(request.POST, region=episode.region)
    if form.is_valid():
        actions.do_override_profile(request, episode, form.cleaned_data["profile"], form.cleaned_data["reason"])
        messages.success(request, _("Profile set; your reason is kept."))
        return redirect("episode_detail", episode.pk)
    context = queries.episode_overview(episode) | {"override_form": form}
    return render(request, "care/episode_detail.html", context, status=400)


_FLAG_EVENT_REFUSED = {
    "event": gettext_lazy(
        "Not possible at this stage: record the action taken before the doctor's assessment; a closed red flag "
        "stays closed (a new sign raises a new flag)."
    ),
    "at": gettext_lazy("The time cannot be in the future or before the red flag was raised."),
}


@login_required
@require_POST
def red_flag_event(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Records one step of a red flag's life cycle: an action, the doctor's assessment, or a withdrawal."""
    require_clinician(request)
    flag = access_red_flag(request, flag_id)
    episode = flag.episode
    form = FlagEventForm(request.POST, kind=request.POST.get("kind") or None, country=episode.patient.practice.country)
    if form.is_valid():
        try:
            actions.do_record_flag_event(request, flag, **form.cleaned_data)
        except InvalidInput as error:
            refusal = _FLAG_EVENT_REFUSED.get(error.field, error.problem)
            if error.field in form.fields:
                form.add_error(error.field, refusal)
            else:  # a step not possible at this stage has no form on the page: say it above the page
                messages.error(request, refusal)
        else:
            messages.success(request, _("Saved in the red flag's history."))
            return redirect("episode_detail", episode.pk)
    context = queries.episode_overview(episode) | {"failed_form": form, "failed_flag": flag.pk}
    return render(request, "care/episode_detail.html", context, status=400)


@login_required
def patient_home(request: HttpRequest) -> HttpResponse:
    patient = access_own_patient(request)
    return render(request, "care/patient_home.html", {"patient": patient})  # the portal's home tag lists the rest


@login_required
def patient_questionnaire(request: HttpRequest, response_id: int) -> HttpResponse:
    user = request.user
    if not user.is_patient:  # type: ignore[union-attr]
        raise Http404("Not found")
    response = access_response(request, response_id)
    if response.status != ResponseStatus.REQUESTED:
        return redirect("patient_home")
    page = _fill_instrument(request, response.episode, response.instrument, requested=response)
    if page is not None:
        return page
    messages.success(request, _("Thank you, your answers were saved."))
    return redirect("patient_home")
