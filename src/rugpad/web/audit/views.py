"""The practice admin's view of the audit log, filtered by who, what, patient and date."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction, AuditEvent
from rugpad.web.care.access import require_practice_admin

PAGE_SIZE = 200


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who"), required=False)
    action = forms.ChoiceField(label=_("What"), required=False, choices=[("", "—"), *AuditAction.choices])
    patient = forms.IntegerField(label=_("Patient number"), required=False, min_value=1)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    admin = require_practice_admin(request)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(practice=admin.practice)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["patient"]:
            events = events.filter(patient_id=data["patient"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    # Reading the trail is itself traced. The admin sees who, what, which record, when and from where; the event
    # summaries can hold clinical details (scores, urgencies), so they stay out of the admin's page.
    record(request, AuditAction.VIEW, summary="audit log read")
    return render(request, "audit/log.html", {"form": form, "events": events[:PAGE_SIZE]})
