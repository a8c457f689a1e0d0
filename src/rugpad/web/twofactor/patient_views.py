"""A patient who lost the phone with their authenticator app: a clinician of their practice, who knows them, checks
who they are and resets their two-step sign-in from the patient's page (confirm page → `do_reset_patient`).

Who may: a clinician who can reach the patient (`care.access.access_patient`: another practice's patient is a 404,
and the page load is audited like every patient page). Not the practice admin, who sees no patient records and does
not know the patients (a 404 too); not a patient. A patient who still has a recovery code signs in with it instead
and needs nobody.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rugpad.web.care.access import access_patient, require_clinician
from rugpad.web.twofactor import actions
from rugpad.web.twofactor.devices import has_second_step
from rugpad.web.twofactor.forms import PatientResetForm
from rugpad.web.twofactor.models import IdentityCheck


@login_required
def reset_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    clinician = require_clinician(request)
    patient = access_patient(request, patient_id, summary="two-step sign-in reset page")
    account = patient.user
    on = account is not None and has_second_step(account)
    form = PatientResetForm(request.POST or None)
    if on and request.method == "POST" and form.is_valid():
        check = IdentityCheck(form.cleaned_data["identity_check"])
        reset = actions.do_reset_patient(request, clinician, patient, check, form.cleaned_data["note"])
        if reset is not None:
            messages.success(
                request,
                _("The two-step sign-in of %(name)s is reset. They now sign in with their password alone.")
                % {"name": patient},
            )
        return redirect("patient_detail", patient.pk)
    return render(request, "twofactor/patient_reset.html", {"patient": patient, "on": on, "form": form})
