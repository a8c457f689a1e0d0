"""The clinician's group pages: the practice's groups, a new group, one group (its programme with exact doses, who
is enrolled, the anonymous figures) and the library to add exercises from. Thin: parse → access_* → do_* or a query
→ render. A refused write shows the page again with the message at its field (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad.core.exercises import DoseKind
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.groups import actions, queries
from rugpad.web.groups.access import (
    access_group,
    access_group_exercise,
    access_participant,
    require_group_clinician,
)
from rugpad.web.groups.actions import GroupError
from rugpad.web.groups.forms import AddExerciseForm, GroupForm, InviteForm
from rugpad.web.groups.models import ExerciseGroup
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.forms import DoseForm, LibrarySearchForm


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isascii() and raw.isdigit() else 1


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = require_group_clinician(request)
    assert user.practice_id is not None
    page = _page(request)
    rows, more = queries.practice_groups(user.practice_id, page)
    record(request, AuditAction.LIST, summary=f"groups: {len(rows)} groups")
    return render(request, "groups/list.html", {"rows": rows, "page": page, "more": more})


@login_required
def group_new(request: HttpRequest) -> HttpResponse:
    user = require_group_clinician(request)
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.do_create_group(user, request=request, **form.cleaned_data)
        except GroupError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("The group is made. Now choose its exercises."))
            return redirect("groups_library", group.pk)
    return render(request, "groups/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, group: ExerciseGroup, *, status: int = 200, **extra: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "group": group,
        "programme": queries.programme(group, reader_lang()),
        "roster": queries.roster(group),
        "figures": queries.figures(group, timezone.localdate()),
        "invite_form": InviteForm(),
        "dose_errors": {},
        "now": timezone.now(),
    }
    return render(request, "groups/detail.html", context | extra, status=status)


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request, group_id, summary="group programme, participants and figures")
    return _detail(request, group)


@login_required
def group_library(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request, group_id, summary="group programme (library)")
    form = LibrarySearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    results = queries.library(group, criteria, reader_lang())
    return render(request, "groups/library.html", {"group": group, "form": form, "results": results})


@login_required
@require_POST
def add_exercise(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request, group_id)
    form = AddExerciseForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_exercise(
                require_group_clinician(request),
                group,
                form.cleaned_data["exercise"],
                confirm_caution=form.cleaned_data["confirm_caution"],
                request=request,
            )
        except GroupError as error:
            messages.error(request, error.message)
            return redirect(f"{_library_url(group)}#exercise-{form.cleaned_data['exercise']}")
        messages.success(request, _("Added to the programme."))
        return redirect(f"{_library_url(group)}#exercise-{form.cleaned_data['exercise']}")
    messages.error(request, _("Choose an exercise from the library."))
    return redirect(_library_url(group))


def _library_url(group: ExerciseGroup) -> str:
    return reverse("groups_library", args=[group.pk])


@login_required
@require_POST
def edit_dose(request: HttpRequest, group_id: int, exercise_pk: int) -> HttpResponse:
    row = access_group_exercise(request, group_id, exercise_pk)
    before = row.dose()
    form = DoseForm(request.POST, kind=DoseKind(before.kind), per_side=before.per_side)
    if not form.is_valid() or form.dose is None:
        return _detail(request, row.group, status=400, dose_errors={row.pk: form})
    try:
        actions.do_change_dose(require_group_clinician(request), row, form.dose, request=request)
    except GroupError as error:
        form.add_error(None, error.message)
        return _detail(request, row.group, status=400, dose_errors={row.pk: form})
    messages.success(request, _("The dose is saved."))
    return redirect(f"{_group_url(row.group)}#exercise-{row.pk}")


def _group_url(group: ExerciseGroup) -> str:
    return reverse("groups_detail", args=[group.pk])


@login_required
@require_POST
def remove_exercise(request: HttpRequest, group_id: int, exercise_pk: int) -> HttpResponse:
    row = access_group_exercise(request, group_id, exercise_pk)
    actions.do_remove_exercise(require_group_clinician(request), row, request=request)
    messages.success(request, _("Taken out of the programme."))
    return redirect(f"{_group_url(row.group)}#programme-h")


@login_required
@require_POST
def invite(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request, group_id, summary="group participants")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            participant = actions.do_invite_participant(
                require_group_clinician(request),
                group,
                link_base=_link_base(request),
                request=request,
                **form.cleaned_data,
            )
        except GroupError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": participant.email})
            return redirect(f"{_group_url(group)}#people-h")
    return _detail(request, group, status=400, invite_form=form)


@login_required
@require_POST
def resend(request: HttpRequest, group_id: int, participant_id: int) -> HttpResponse:
    participant = access_participant(request, group_id, participant_id)
    try:
        actions.do_resend_invitation(
            require_group_clinician(request), participant, link_base=_link_base(request), request=request
        )
    except GroupError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the earlier link no longer works.") % {"email": participant.email},
        )
    return redirect(f"{_group_url(participant.group)}#people-h")


@login_required
@require_POST
def remove_participant(request: HttpRequest, group_id: int, participant_id: int) -> HttpResponse:
    participant = access_participant(request, group_id, participant_id)
    if request.POST.get("sure") != "yes":  # the button inside the confirmation sends it
        messages.error(request, _("Confirm with the button under the name."))
        return redirect(f"{_group_url(participant.group)}#people-h")
    name = participant.name
    actions.do_leave_group(require_group_clinician(request), participant, request=request)
    messages.success(request, _("%(name)s is no longer in the group; their data are deleted.") % {"name": name})
    return redirect(f"{_group_url(participant.group)}#people-h")
