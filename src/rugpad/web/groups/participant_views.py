"""The participant's pages: joining by the one-time link, their group's programme (exercises, illustrations, exact
doses), the guided session (the plans app's session script, recording done or skipped and no pain), their reminder
and leaving the group. Thin: parse → access_* → do_* or a query → render."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.web.groups import actions, queries
from rugpad.web.groups.access import access_own_participation
from rugpad.web.groups.actions import GroupError
from rugpad.web.groups.forms import GroupEntryForm, JoinForm, LeaveForm, RemindersForm
from rugpad.web.groups.models import Participant
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.views import session_words
from rugpad.web.practice.models import request_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
UUID_INVALID = forms.UUIDField.default_error_messages["invalid"]


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's one-time link: choose a password, get the login, land on the programme signed in."""
    participant = actions.invitation_for(token)
    problem = actions.invitation_problem(participant, timezone.now())
    if participant is None or problem:
        return render(request, "groups/join_invalid.html", {"problem": problem}, status=404)
    form = JoinForm(request.POST if request.method == "POST" else None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_join(token, form.cleaned_data["password1"], request=request)
        except GroupError as error:
            return render(request, "groups/join_invalid.html", {"problem": error.message}, status=404)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome! You sign in with %(username)s.") % {"username": user.username})
        response = redirect("groups_me")
        # the pages in the language the invitation was written in
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
        return response
    context = {"form": form, "participant": participant, "group": participant.group}
    return render(request, "groups/join.html", context, status=400 if form.errors else 200)


def _me(request: HttpRequest, participant: Participant, *, status: int = 200, **extra: Any) -> HttpResponse:
    today = timezone.localdate()
    items = queries.programme(participant.group, reader_lang())
    context: dict[str, Any] = {
        "participant": participant,
        "group": participant.group,
        "items": items,
        "today_count": sum(1 for item in items if today.weekday() in item.days),
        "done_today": queries.done_today(participant, today),
        "reminders_form": RemindersForm(
            initial={"reminders": participant.reminders, "remind_at": f"{participant.remind_at:%H:%M}"}
        ),
    }
    return render(request, "groups/me.html", context | extra, status=status)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return _me(request, access_own_participation(request))


@login_required
@require_POST
def reminders(request: HttpRequest) -> HttpResponse:
    participant = access_own_participation(request)
    form = RemindersForm(request.POST)
    if not form.is_valid():
        return _me(request, participant, status=400, reminders_form=form)
    actions.do_save_reminders(request_user(request), participant, request=request, **form.cleaned_data)
    messages.success(request, _("Your reminder is saved."))
    return redirect("groups_me")


@login_required
def session(request: HttpRequest) -> HttpResponse:
    """The guided session: today's exercises (or all, on request) one by one, run by the plans app's script in its
    mode without the pain question."""
    participant = access_own_participation(request)
    every_day = request.GET.get("all") == "1"
    items = queries.programme(participant.group, reader_lang())
    exercises = queries.session_exercises(items, timezone.localdate(), every_day)
    svgs = {item.exercise.id: item.svg for item in items}
    context = {
        "group": participant.group,
        "exercises": exercises,
        "has_programme": bool(items),
        "svgs": {e["exercise_id"]: svgs[e["exercise_id"]] for e in exercises},
        "every_day": every_day,
        "words": session_words(),  # the plans session's words: the same script
    }
    return render(request, "groups/session.html", context)


@login_required
@require_POST
def session_log(request: HttpRequest) -> HttpResponse:
    """One exercise result as JSON (done or skipped); the same key again answers 200 and stores nothing."""
    participant = access_own_participation(request)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
    form = GroupEntryForm(payload if isinstance(payload, dict) else {})
    if not form.is_valid():
        return JsonResponse({"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400)
    owner = form.cleaned_data.get("owner")
    if owner is not None and owner != request.user.pk:
        # queued on this phone under another login: never stored as this participant; the script keeps it (409)
        return JsonResponse({"errors": {"owner": [_("This result was recorded under another login.")]}}, status=409)
    try:
        entry, created = actions.do_log_entry(request_user(request), participant, form.cleaned_data, request=request)
    except GroupError as error:
        # another participant's key answers exactly like a malformed one: nothing to learn about others' keys
        message = (
            str(UUID_INVALID) if error.field in ("key", "session_key") else _("This exercise is not in your programme.")
        )
        return JsonResponse({"errors": {error.field: [message]}}, status=400)
    return JsonResponse({"id": entry.pk, "key": str(entry.key), "created": created}, status=201 if created else 200)


@login_required
def leave(request: HttpRequest) -> HttpResponse:
    """Leaving the group: a confirmation, then the participation and everything done deleted and the login closed."""
    participant = access_own_participation(request)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.do_leave_group(request_user(request), participant, request=request)
        logout(request)
        return redirect("groups_left")
    context = {"form": form, "group": participant.group}
    return render(request, "groups/leave.html", context, status=400 if form.errors else 200)


def left(request: HttpRequest) -> HttpResponse:
    """Said after leaving (signed out by then)."""
    return render(request, "groups/left.html")
