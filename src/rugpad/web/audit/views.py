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

# What each kind of record is called on the admin's page (an event stores its model's name, "gpreport"). A test
# checks that every model of rugpad has a name here.
OBJECT_LABELS = {
    "practice": _("practice"),
    "user": _("account"),
    "apitoken": _("API token"),
    "auditevent": _("audit event"),
    "patient": _("patient"),
    "patientnametoken": _("patient name index"),
    "episode": _("episode"),
    "intake": _("intake"),
    "screening": _("red-flag screening"),
    "examination": _("examination"),
    "instrumentresponse": _("questionnaire"),
    "triagerecord": _("triage result"),
    "profileoverride": _("profile change"),
    "redflag": _("red flag"),
    "redflagevent": _("red-flag step"),
    "plansettings": _("plan settings"),
    "treatmentplan": _("treatment plan"),
    "planversion": _("plan version"),
    "planitem": _("plan item"),
    "versionitem": _("plan version item"),
    "exercisesessionlog": _("exercise session"),
    "exercisesetlog": _("exercise set"),
    "invitation": _("portal invitation"),
    "diaryentry": _("diary entry"),
    "alert": _("diary alert"),
    "message": _("message"),
    "educationassignment": _("education module given"),
    "reportconsent": _("consent for a report"),
    "gpreport": _("report to the GP"),
    "staffinvitation": _("staff invitation"),
    "passwordresetrequest": _("password reset request"),
    "delivery": _("notification sent"),
    "pushsubscription": _("phone for reminders"),
    "reminder": _("reminder"),
    "remindersettings": _("reminder settings"),
    "recoverydevice": _("recovery code sheet"),  # translated in twofactor's catalogue
    "recoverycode": _("recovery code"),
    "twostepreset": _("two-step sign-in reset"),
    "episodeoutcome": _("episode outcome summary"),
    "practicefigures": _("practice outcome figures"),
    "exportjob": _("data export"),
    "submission": _("questionnaire from another system"),
    "cdscall": _("advice asked by another system"),
    "cdsfeedback": _("feedback on advice"),
    "tariff": _("tariff"),
    "practicecostsettings": _("reimbursement numbers of the practice"),
    "insurancepolicy": _("insurance policy"),
    "plannedsessions": _("planned sessions"),
    "aftercareplan": _("aftercare plan"),  # these three translated in aftercare's catalogue
    "checkin": _("check-in"),
    "recurrenceflag": _("recurrence flag"),
    # the work app's records: translated in its own catalogue (the models' verbose names)
    "workplacecheck": _("workplace check"),
    "breakroutine": _("break routine"),
    "breakreminder": _("break reminder"),
    "workreportconsent": _("consent for the occupational physician's report"),
    "workreport": _("report to the occupational physician"),
    "exercisegroup": _("exercise group"),
    "groupexercise": _("exercise of a group"),
    "participant": _("group participant"),
    "groupsession": _("group session"),
    "groupentry": _("result of a group session"),
    "groupreminder": _("group reminder"),
}


def object_label(object_type: str) -> str:
    """The record kind in words; an unknown kind as its words, never the joined model name."""
    if not object_type:
        return ""
    return str(OBJECT_LABELS.get(object_type, object_type.replace("_", " ")))


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
    shown = list(events[:PAGE_SIZE])
    rows = [(event, object_label(event.object_type)) for event in shown]
    return render(request, "audit/log.html", {"form": form, "events": shown, "rows": rows})
