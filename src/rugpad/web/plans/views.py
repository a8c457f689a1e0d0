"""Plan editor (clinician), guided session and programme downloads (patient): parse → access_* → do_* or a
query → render. Editor actions answer htmx with the plan panel, plain requests with a redirect (or the page with
the error, status 400)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import DoseKind
from rugpad.core.vocab import Lang
from rugpad.web.audit.log import record
from rugpad.web.audit.models import AuditAction
from rugpad.web.care.access import access_own_patient
from rugpad.web.care.models import Episode, Patient
from rugpad.web.i18n import reader_lang
from rugpad.web.markdown import render as render_markdown
from rugpad.web.outcomes import actions as outcome_actions
from rugpad.web.outcomes.access import access_assignment
from rugpad.web.plans import actions, clinical, queries
from rugpad.web.plans.access import access_episode_for_plan, access_own_plan
from rugpad.web.plans.forms import (
    AddExerciseForm,
    DoseForm,
    EntryForm,
    LibrarySearchForm,
    PlanMetaForm,
    PlanSettingsForm,
    TextItemForm,
)
from rugpad.web.plans.models import ItemKind, Origin, PlanSettings, PlanVersion, TreatmentPlan
from rugpad.web.plans.pdf import programme_pdf
from rugpad.web.plans.schedule import programme_calendar
from rugpad.web.plans.specs import ItemSpec, spec_of
from rugpad.web.practice.models import User

UUID_INVALID = forms.UUIDField.default_error_messages["invalid"]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _editor_context(episode: Episode, plan: TreatmentPlan | None, **extra: Any) -> dict[str, Any]:
    lang = reader_lang()
    version = plan.current() if plan else None
    views = queries.item_views(version, lang)
    own = PlanSettings.objects.filter(practice_id=episode.patient.practice_id).first()
    modules, exercises = queries.patient_activity(episode, plan)
    context: dict[str, Any] = {
        "module_activity": modules,
        "exercise_activity": exercises,
        "episode": episode,
        "patient": episode.patient,
        "plan": plan,
        "version": version,
        "groups": queries.grouped(views),
        "tags": sorted(clinical.condition_tags(episode)),
        "practice_settings": own,
        "search_form": LibrarySearchForm(initial={"region": episode.region}),
        "text_form": TextItemForm(),
        "meta_form": PlanMetaForm(
            initial={
                "starts_on": version.starts_on,
                "weeks": version.weeks,
                "sessions_per_week": version.sessions_per_week,
            }
            if version
            else None
        ),
    }
    return context | extra


def _panel(
    request: HttpRequest, episode: Episode, plan: TreatmentPlan | None, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _editor_context(episode, plan, **extra)
    if _is_htmx(request):
        return render(request, "plans/_plan.html", context)
    if status == 200:
        return redirect("plans_episode", episode.pk)
    return render(request, "plans/editor.html", context, status=status)


def _refusal(episode: Episode, error: InvalidInput) -> str:
    """The message for a refused plan change: while the pathway waits (not screened, a red flag open, closed) the
    core refuses every check, so say why in the clinician's language; otherwise the core's own message, which
    names the item and the reason."""
    gate = clinical.pathway_gate(episode)
    if not gate.may_proceed:
        reasons = " ".join(reason.get(reader_lang()) for reason in gate.reasons)
        return _(
            "%(reasons)s Until then the plan cannot be extended or changed; removing an item is still possible."
        ) % {"reasons": reasons}
    return str(error)


def _save(
    request: HttpRequest, episode: Episode, plan: TreatmentPlan | None, specs: list[ItemSpec], **options: Any
) -> HttpResponse:
    """Saves the next version and answers with the plan; a refusal (red flag, contra-indication, an unconfirmed
    caution) shows its message above the plan (status 400) and stores nothing."""
    try:
        actions.do_save_version(request, episode, specs, **options)
    except InvalidInput as error:
        return _panel(request, episode, plan, status=400, error=_refusal(episode, error))
    return _panel(request, episode, TreatmentPlan.objects.get(episode=episode))


def _current_specs(plan: TreatmentPlan | None) -> list[ItemSpec]:
    version = plan.current() if plan else None
    return [spec_of(item) for item in version.ordered_items()] if version else []


@login_required
def editor(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    return render(request, "plans/editor.html", _editor_context(episode, plan))


@login_required
def generate(request: HttpRequest, episode_id: int) -> HttpResponse:
    """GET shows the proposal with why each item is there; POST accepts it as the next plan version."""
    episode, _plan = access_episode_for_plan(request, episode_id)
    lang = reader_lang()
    known = {value for value, _label in clinical.causes(lang)}
    data = request.POST if request.method == "POST" else request.GET
    chosen = [c for c in data.getlist("cause") if c in known]
    context: dict[str, Any] = {"episode": episode, "causes": clinical.causes(lang), "chosen": chosen}
    try:
        proposal = clinical.propose(episode, lang, chosen)
    except InvalidInput as error:
        return render(request, "plans/proposal.html", context | {"error": error.problem}, status=400)
    context["proposal"] = proposal
    if request.method == "POST":
        try:
            actions.do_save_version(
                request,
                episode,
                proposal.specs,
                change="proposal accepted",
                confirm=set(request.POST.getlist("confirm")),
                weeks=proposal.weeks,
                sessions_per_week=proposal.sessions_per_week,
            )
        except InvalidInput as error:
            return render(request, "plans/proposal.html", context | {"error": str(error)}, status=400)
        return redirect("plans_episode", episode.pk)
    return render(request, "plans/proposal.html", context)


@login_required
def library(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, _plan = access_episode_for_plan(request, episode_id)
    form = LibrarySearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    lang = reader_lang()
    check = clinical.item_checker(episode)
    results = []
    for exercise, svg in clinical.search_library(
        criteria.get("region", ""), criteria.get("purpose", ""), criteria.get("q", ""), lang
    ):
        try:
            verdict = check(exercise.id)
        except InvalidInput as error:
            return render(
                request, "plans/_library.html", {"episode": episode, "results": [], "error": _refusal(episode, error)}
            )
        results.append(
            {
                "exercise": exercise,
                "name": exercise.name.get(lang),
                "svg": svg,
                "verdict": verdict,
                "reason": clinical.reason_text(verdict, lang),
                "dose_text": exercise.dose.describe(lang),
                "ladder": clinical.ladder_of(exercise, lang),
            }
        )
    return render(request, "plans/_library.html", {"episode": episode, "results": results, "lang": lang})


@login_required
@require_POST
def add_exercise(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    form = AddExerciseForm(request.POST)
    if not form.is_valid():
        return _panel(request, episode, plan, status=400, error=_("Choose an exercise from the library."))
    exercise = clinical.exercise_library().get(form.cleaned_data["exercise"])
    if exercise is None:
        return _panel(request, episode, plan, status=400, error=_("Unknown exercise."))
    lang = reader_lang()
    name = exercise.name.get(lang)
    try:
        check = clinical.item_checker(episode)(exercise.id)
    except InvalidInput as error:
        return _panel(request, episode, plan, status=400, error=_refusal(episode, error))
    reason = clinical.reason_text(check, lang)
    if check.refused:
        message = _("%(name)s is contra-indicated for this patient and was not added.") % {"name": name}
        return _panel(request, episode, plan, status=400, error=f"{message} {reason}")
    if check.needs_confirmation and not form.cleaned_data["confirm_caution"]:
        message = _("%(name)s needs care for this patient: tick the confirmation to add it.") % {"name": name}
        return _panel(request, episode, plan, status=400, error=f"{message} {reason}")
    specs = [*_current_specs(plan), clinical.clinician_exercise(exercise, check.suitability)]
    return _save(request, episode, plan, specs, change=f"exercise added: {exercise.id}", confirm={exercise.id})


@login_required
@require_POST
def add_text(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    form = TextItemForm(request.POST)
    if not form.is_valid():
        return _panel(request, episode, plan, status=400, text_form=form)
    text = form.cleaned_data["text"]
    from rugpad.core.text import Text

    spec = ItemSpec(kind=form.cleaned_data["kind"], text=Text({reader_lang(): text}), origin=Origin.CLINICIAN)
    return _save(request, episode, plan, [*_current_specs(plan), spec], change=f"{spec.kind} added")


def _current_item_index(plan: TreatmentPlan | None, item_id: int) -> tuple[PlanVersion, int]:
    version = plan.current() if plan else None
    ids = list(version.ordered_items().values_list("pk", flat=True)) if version else []
    if version is None or item_id not in ids:
        raise Http404("No such item in the current plan")
    return version, ids.index(item_id)


@login_required
@require_POST
def remove_item(request: HttpRequest, episode_id: int, item_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    _version, index = _current_item_index(plan, item_id)
    specs = _current_specs(plan)
    removed = specs.pop(index)
    change = f"{removed.kind} removed: {removed.ref or removed.text.get(Lang.EN)[:60]}"
    return _save(request, episode, plan, specs, change=change, recheck=False)


@login_required
@require_POST
def edit_dose(request: HttpRequest, episode_id: int, item_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    _version, index = _current_item_index(plan, item_id)
    specs = _current_specs(plan)
    spec = specs[index]
    if spec.dose is None:
        raise Http404("This item has no dose")
    form = DoseForm(request.POST, kind=DoseKind(spec.dose.kind), per_side=spec.dose.per_side)
    if not form.is_valid() or form.dose is None:
        return _panel(request, episode, plan, status=400, dose_errors={item_id: form})
    specs[index] = spec.with_dose(form.dose)
    return _save(request, episode, plan, specs, change=f"dose changed: {spec.ref}")


@login_required
@require_POST
def edit_meta(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, plan = access_episode_for_plan(request, episode_id)
    form = PlanMetaForm(request.POST)
    if plan is None or not form.is_valid():
        return _panel(request, episode, plan, status=400, meta_form=form)
    return _save(
        request, episode, plan, _current_specs(plan), change="dates and frequency changed", **form.cleaned_data
    )


@login_required
def versions(request: HttpRequest, episode_id: int) -> HttpResponse:
    """One page of the version history, newest first; per version what it added, removed and changed."""
    episode, plan = access_episode_for_plan(request, episode_id)
    page, history = queries.version_history(plan, request.GET.get("page"), reader_lang()) if plan else (None, [])
    context = {"episode": episode, "patient": episode.patient, "history": history, "page": page}
    return render(request, "plans/versions.html", context)


@login_required
def version_detail(request: HttpRequest, episode_id: int, number: int) -> HttpResponse:
    """Every item of one version, as the plan stood then."""
    episode, plan = access_episode_for_plan(request, episode_id)
    version = plan.versions.filter(number=number).first() if plan else None
    if version is None:
        raise Http404("No such version")
    views = queries.views_of(version.ordered_items().select_related("caution_confirmed_by"), reader_lang(), svg=False)
    context = {"episode": episode, "patient": episode.patient, "version": version, "items": views}
    return render(request, "plans/version.html", context)


@login_required
def entries(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The exercise log: progression advice per current exercise and one page of session entries, newest first."""
    episode, plan = access_episode_for_plan(request, episode_id)
    page, progress = queries.entries_overview(plan, reader_lang(), request.GET.get("page")) if plan else (None, [])
    rows = page.object_list if page else []
    context = {"episode": episode, "patient": episode.patient, "plan": plan, "rows": rows, "page": page}
    return render(request, "plans/entries.html", context | {"progress": progress})


def _pdf_response(request: HttpRequest, plan: TreatmentPlan) -> HttpResponse:
    version = plan.current()
    if version is None:
        raise Http404("No plan yet")
    lang = reader_lang()
    data = programme_pdf(plan, version, lang)
    record(request, AuditAction.EXPORT, version, patient_id=plan.episode.patient_id, summary="programme PDF")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="oefenprogramma.pdf"'
    return response


def _ics_response(request: HttpRequest, plan: TreatmentPlan) -> HttpResponse:
    version = plan.current()
    if version is None:
        raise Http404("No plan yet")
    lang = reader_lang()
    views = queries.exercises_of(plan, lang)
    data = programme_calendar(
        [(v.title, v.dose_text, v.spec.dose) for v in views], version.starts_on, version.weeks, _("Exercises")
    )
    record(request, AuditAction.EXPORT, version, patient_id=plan.episode.patient_id, summary="programme calendar")
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oefenschema.ics"'
    return response


@login_required
def episode_pdf(request: HttpRequest, episode_id: int) -> HttpResponse:
    _episode, plan = access_episode_for_plan(request, episode_id)
    if plan is None:
        raise Http404("No plan yet")
    return _pdf_response(request, plan)


@login_required
def episode_ics(request: HttpRequest, episode_id: int) -> HttpResponse:
    _episode, plan = access_episode_for_plan(request, episode_id)
    if plan is None:
        raise Http404("No plan yet")
    return _ics_response(request, plan)


def _wait_for_contact(
    request: HttpRequest, patient: Patient, plan: TreatmentPlan, wait: str, status: int
) -> HttpResponse:
    """While the pathway waits (an open red flag, not screened, closed) the patient is offered no exercises; the
    page says why in plain words."""
    return render(
        request, "plans/my_exercises.html", {"patient": patient, "plan": plan, "red_flag": wait}, status=status
    )


@login_required
def my_pdf(request: HttpRequest) -> HttpResponse:
    patient, plan = access_own_plan(request)
    if wait := clinical.patient_wait(plan.episode):
        return _wait_for_contact(request, patient, plan, wait, 409)
    return _pdf_response(request, plan)


@login_required
def my_ics(request: HttpRequest) -> HttpResponse:
    patient, plan = access_own_plan(request)
    if wait := clinical.patient_wait(plan.episode):
        return _wait_for_contact(request, patient, plan, wait, 409)
    return _ics_response(request, plan)


@login_required
def my_exercises(request: HttpRequest) -> HttpResponse:
    patient = access_own_patient(request)
    try:
        _patient, plan = access_own_plan(request)
    except Http404:
        return render(request, "plans/my_exercises.html", {"patient": patient, "plan": None})
    if wait := clinical.patient_wait(plan.episode):
        return _wait_for_contact(request, patient, plan, wait, 200)
    lang = reader_lang()
    context = {"patient": patient, "plan": plan, "exercises": queries.exercises_of(plan, lang)}
    return render(request, "plans/my_exercises.html", context | {"reading": queries.plan_reading(plan, lang)})


def _is_navigation(request: HttpRequest) -> bool:
    """The browser shows this page to the person (a navigation), rather than fetching it in the background (the
    offline worker's copies: `Sec-Fetch-Mode: cors`/`same-origin`). Browsers without fetch metadata count as shown."""
    return request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"


@login_required
def my_reading(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """One education module of the patient's plan. Opening it is recorded for the therapist (only when shown, see
    `_is_navigation`); "I have read this" marks it read and returns to the exercises."""
    access_own_patient(request)
    assignment = access_assignment(request, assignment_id)
    module = engine.education_library().get(assignment.module_id)
    if module is None:
        raise Http404("No such module")
    if request.method == "POST":
        outcome_actions.do_mark_read(request, assignment)
        return redirect("plans_my_exercises")
    if _is_navigation(request):
        outcome_actions.do_mark_opened(request, assignment)
    lang = reader_lang()
    context = {
        "assignment": assignment,
        "title": module.title.get(lang),
        "body": render_markdown(module.body.get(lang)),
    }
    return render(request, "plans/reading.html", context)


@login_required
def session(request: HttpRequest) -> HttpResponse:
    """The guided session: today's exercises one by one (the script does the rest), with the easier or harder
    rung offered where the progression advice points to it."""
    _patient, plan = access_own_plan(request)
    every_day = request.GET.get("all") == "1"
    red_flag = clinical.patient_wait(plan.episode)
    lang = reader_lang()
    exercises = [] if red_flag else queries.session_exercises(plan, timezone.localdate(), lang, every_day)
    offers = queries.session_offers(plan, exercises, lang)
    svgs = {e["exercise_id"]: clinical_svg(e["exercise_id"]) for e in exercises}
    svgs |= {o.variant["exercise_id"]: clinical_svg(o.variant["exercise_id"]) for o in offers}
    return render(
        request,
        "plans/session.html",
        {
            "plan": plan,
            "exercises": exercises,
            "offers": offers,
            "variants": {str(o.item_id): o.variant for o in offers},
            "svgs": svgs,
            "every_day": every_day,
            "red_flag": red_flag,
            "pain_range": range(11),
            "words": session_words(),
        },
    )


def session_words() -> dict[str, str]:
    """The words the session script shows or speaks, in the page's language."""
    return {
        "set": _("Set"),
        "of": _("of"),
        "rep": _("Repetition"),
        "hold": _("Hold"),
        "rest": _("Rest"),
        "relax": _("Relax"),
        "move": _("Keep moving"),
        "reps_todo": _("Do %(n)s repetitions at your own pace"),
        "reps_paced": _("Move with the count"),
        "exercise": _("Exercise"),
        "paused": _("Paused"),
        "resume": _("Resume"),
        "pause": _("Pause"),
        "go": _("Start"),
        "start_set": _("Start set %(n)s"),
        "set_done": _("Set %(n)s done"),
        "next_set": _("Next set"),
        "each_side": _("each side"),
        "get_ready": _("Get ready"),
        "rate_done": _("Done! Tap your pain during the exercise"),
        "rate_painful": _("Too painful: tap how much pain you had"),
    }


def clinical_svg(exercise_id: str) -> str:
    return engine.illustration_svg(exercise_id)


@login_required
@require_POST
def session_log(request: HttpRequest) -> HttpResponse:
    """One exercise result as JSON; the same key again answers 200 with the stored entry and stores nothing."""
    patient, plan = access_own_plan(request)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
    form = EntryForm(payload if isinstance(payload, dict) else {})
    if not form.is_valid():
        return JsonResponse({"errors": {name: list(errors) for name, errors in form.errors.items()}}, status=400)
    owner = form.cleaned_data.get("owner")
    if owner is not None and owner != request.user.pk:
        # queued on this phone under another login: never stored as this patient; the script keeps it (409)
        return JsonResponse({"errors": {"owner": [_("This result was recorded under another login.")]}}, status=409)
    try:
        entry, created = actions.do_log_entry(request, patient, plan, form.cleaned_data)
    except InvalidInput as error:
        # another patient's key answers exactly like a malformed one: nothing to learn about other patients' keys
        return JsonResponse({"errors": {error.field: [str(UUID_INVALID)]}}, status=400)
    return JsonResponse({"id": entry.pk, "key": str(entry.key), "created": created}, status=201 if created else 200)


@login_required
def plan_settings(request: HttpRequest) -> HttpResponse:
    """The practice's own plan values (shown as "practice setting" wherever they are used)."""
    user: User = request.user  # type: ignore[assignment]
    if not (user.is_clinician or user.is_practice_admin):
        raise Http404("Not found")
    own = PlanSettings.objects.filter(practice=user.practice).first()
    initial = {n: getattr(own, n) for n in ("sessions_per_week", "weeks", "max_exercise_pain")} if own else None
    if request.method == "POST" and not user.is_practice_admin:
        raise Http404("Not found")  # clinicians read the practice's settings; the practice admin changes them
    form = PlanSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assert user.practice is not None
        actions.do_save_plan_settings(request, user.practice, **form.cleaned_data)
        return redirect("plans_settings")
    model = clinical.progression_model(user.practice) if user.practice else None
    return render(
        request,
        "plans/settings.html",
        {
            "form": form,
            "own": own,
            "default_pain": clinical.load_default_pain(),
            "model": model,
            "can_edit": user.is_practice_admin,
        },
        status=400 if form.errors else 200,
    )


ITEM_KINDS = ItemKind
