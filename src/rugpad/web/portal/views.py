"""Portal pages: parse → access_* → do_* or a query → render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.core.errors import InvalidInput
from rugpad.web.care.access import access_own_patient, access_patient, require_clinician
from rugpad.web.portal import actions, queries
from rugpad.web.portal.access import access_alert, access_entry, access_own_entry, access_thread
from rugpad.web.portal.forms import AcceptInvitationForm, AcknowledgeForm, DiaryForm, MessageForm
from rugpad.web.practice.models import request_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_POST
def invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    require_clinician(request)
    patient = access_patient(request, patient_id)
    try:
        new = actions.do_invite_patient(
            request, patient, lambda token: request.build_absolute_uri(reverse("portal_accept", args=[token]))
        )
    except actions.PortalError as error:
        messages.error(request, str(error))
        return redirect("patient_detail", patient.pk)
    link = request.build_absolute_uri(reverse("portal_accept", args=[new.token]))
    return render(request, "portal/invite_link.html", {"patient": patient, "new": new, "link": link})


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's one-time link: choose a password, get an account, land on the home page logged in."""
    invitation = actions.invitation_for(token)
    problem = actions.invitation_problem(invitation, timezone.now())
    if invitation is None or problem:
        return render(
            request, "portal/invite_invalid.html", {"problem": problem}, status=404 if invitation is None else 410
        )
    form = AcceptInvitationForm(request.POST or None, patient=invitation.patient)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_accept_invitation(request, token, form.cleaned_data["password1"])
        except actions.PortalError as error:
            return render(request, "portal/invite_invalid.html", {"problem": str(error)}, status=410)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome! Your username is %(username)s.") % {"username": user.username})
        return redirect("patient_home")
    return render(request, "portal/accept.html", {"form": form, "practice": invitation.patient.practice})


@login_required
def diary(request: HttpRequest) -> HttpResponse:
    patient = access_own_patient(request)
    episode = actions.open_episode(patient)
    form = DiaryForm(request.POST or None, region=episode.region if episode else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry, _created = actions.do_save_diary_once(request, patient, form.cleaned_data, form.cleaned_data["key"])
        except InvalidInput:
            form.add_error("key", _("This entry could not be saved. Please try again."))
        else:
            return _after_save(request, entry)
    today = timezone.localdate()
    return render(
        request,
        "portal/diary.html",
        {
            "form": form,
            "entries": queries.recent_entries(patient, today)[: queries.RECENT_LIMIT],
            "now": timezone.now(),
        }
        | queries.contact_text(),
    )


@login_required
def diary_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_own_entry(request, entry_id)
    if not actions.is_editable(entry, timezone.now()):
        messages.error(request, _("This entry can no longer be changed."))
        return redirect("portal_entry", entry.pk)
    form = DiaryForm(
        request.POST or None,
        initial=DiaryForm.initial_from(entry),
        region=entry.episode.region if entry.episode else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            new, _created = actions.do_save_diary_once(
                request, entry.patient, form.cleaned_data, form.cleaned_data["key"], previous=entry
            )
        except InvalidInput:
            form.add_error("key", _("This entry could not be saved. Please try again."))
            return render(request, "portal/diary.html", {"form": form, "editing": entry} | queries.contact_text())
        except actions.PortalError as error:
            messages.error(request, str(error))
            return redirect("portal_entry", entry.pk)
        return _after_save(request, new)
    return render(request, "portal/diary.html", {"form": form, "editing": entry} | queries.contact_text())


@login_required
@require_POST
def diary_queue(request: HttpRequest) -> HttpResponse:
    """One diary entry made without a connection and sent later by the page's script, as JSON (the fields of the
    diary form, `key` required, `owner` the login it was made under). Like the session's set log: 201 stored,
    200 the same key again (nothing stored), 400 with `errors` refused for good, 409 made under another login."""
    patient = access_own_patient(request)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
    payload = payload if isinstance(payload, dict) else {}
    if str(payload.get("owner", request.user.pk)) != str(request.user.pk):
        return JsonResponse({"errors": {"owner": [_("This entry was made under another login.")]}}, status=409)
    episode = actions.open_episode(patient)
    form = DiaryForm(_as_form_data(payload), region=episode.region if episode else None)
    if not form.is_valid() or form.cleaned_data["key"] is None:
        errors = {name: list(errors) for name, errors in form.errors.items()}
        if form.is_valid():
            errors["key"] = [_("This field is required.")]
        return JsonResponse({"errors": errors}, status=400)
    try:
        entry, created = actions.do_save_diary_once(request, patient, form.cleaned_data, form.cleaned_data["key"])
    except InvalidInput:
        return JsonResponse({"errors": {"key": [_("Enter a valid UUID.")]}}, status=400)
    return JsonResponse(
        {"id": entry.pk, "key": str(entry.key), "created": created, "url": reverse("portal_entry", args=[entry.pk])},
        status=201 if created else 200,
    )


def _as_form_data(payload: dict[str, object]) -> QueryDict:
    """The queued JSON as the form data the diary form reads (lists for the alarm answers)."""
    data = QueryDict(mutable=True)
    for name, value in payload.items():
        for one in value if isinstance(value, list) else [value]:
            data.appendlist(name, "" if one is None else str(one))
    return data


def _after_save(request: HttpRequest, entry: object) -> HttpResponse:
    messages.success(request, _("Saved. Thank you!"))
    return redirect("portal_entry", entry.pk)  # type: ignore[attr-defined]


@login_required
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One entry: for the patient with what to do after an alarm answer; for the clinician with its history."""
    found = access_entry(request, entry_id)
    return render(request, "portal/entry.html", queries.entry_view(found))


@login_required
def patient_diary(request: HttpRequest, patient_id: int) -> HttpResponse:
    require_clinician(request)
    patient = access_patient(request, patient_id, summary="diary entries and alerts")  # this page's one event
    context = queries.patient_diary(patient, request.GET.get("page")) | {"ack_form": AcknowledgeForm()}
    return render(request, "portal/patient_diary.html", context)


@login_required
@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access_alert(request, alert_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The message is too long."))
    else:
        try:
            actions.do_acknowledge_alert(request, alert, form.cleaned_data["message"])
            messages.success(request, _("Alert acknowledged."))
        except actions.PortalError as error:
            messages.error(request, str(error))
    if request.POST.get("back") == "diary":
        return redirect("portal_patient_diary", alert.patient_id)
    return redirect("home")


@login_required
def my_messages(request: HttpRequest) -> HttpResponse:
    """The patient's messages: the thread of the open episode (or the one treated last)."""
    patient = access_own_patient(request)
    episode = actions.thread_episode(patient)
    if episode is None:
        return render(request, "portal/no_thread.html", {"practice": patient.practice})
    return redirect("portal_thread", episode.pk)


@login_required
def thread(request: HttpRequest, episode_id: int) -> HttpResponse:
    """An episode's messages between the patient and the practice's clinicians: newest 50 first, older a page
    further (`?before=<id>`); reading marks the other side's messages read; a closed episode is read-only."""
    episode = access_thread(request, episode_id)
    form = MessageForm(request.POST or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.do_send_message(request, episode, form.cleaned_data["body"])
        except actions.PortalError as error:
            refused = str(error)
        else:
            messages.success(request, _("Your message has been sent."))
            anchor = "#contact-now" if sent.alarm_terms else "#thread"
            return redirect(reverse("portal_thread", args=[episode.pk]) + anchor)
    before = request.GET.get("before", "")
    if not refused and request.method == "GET":
        actions.do_read_messages(request, episode)
    context = queries.thread(episode, int(before) if before.isdigit() else None)
    context |= {"form": form, "refused": refused, "is_patient": request_user(request).is_patient}
    return render(request, "portal/thread.html", context, status=409 if refused else 200)
