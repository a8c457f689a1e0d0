"""Template tags of the plans pages: `{% plan_panel episode %}` (the treatment-plan card on the care app's episode
page, so `care` needs no change) and the filters that put stored values (change notes, evidence markers, condition
tags, exercise and source ids) into the reader's words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from rugpad import engine
from rugpad.core.episode import EpisodeState
from rugpad.web.care.models import Episode
from rugpad.web.care.templatetags.clinical import cited
from rugpad.web.i18n import reader_lang
from rugpad.web.plans.clinical import exercise_library
from rugpad.web.plans.models import TreatmentPlan

register = template.Library()


@register.inclusion_tag("plans/_episode_panel.html")
def plan_panel(episode: Episode, state: EpisodeState | None = None) -> dict[str, Any]:
    """The episode page is already authorised and audit-logged by `care.access`; this only adds the plan summary,
    and says when the plan is paused (the page's episode state: not screened, a red flag open, closed)."""
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    version = plan.current() if plan else None
    return {
        "paused": state is not None and not state.gate.may_proceed and not state.closed,
        "episode": episode,
        "version": version,
        "exercise_count": version.items.filter(kind="exercise").count() if version else 0,
        "entry_count": plan.sessions.values("entries").count() if plan else 0,
    }


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("plans/_dose_fields.html")
def dose_inputs(dose: Any, item_id: int, form: Any = None) -> dict[str, Any]:
    """The dose amounts that belong to the dose's kind (plus frequency), with the posted values and errors."""
    from rugpad.core.exercises import DoseKind
    from rugpad.web.plans.forms import DOSE_LABELS

    names = {
        DoseKind.HOLD: ("hold_seconds", "repetitions", "sets"),
        DoseKind.REPS: ("repetitions", "sets", "rest_seconds"),
        DoseKind.DURATION: ("minutes",),
    }[dose.kind] + ("times_per_day", "days_per_week")
    fields = []
    for name in names:
        value = form.data.get(name, "") if form is not None else getattr(dose, name)
        errors = form.errors.get(name, []) if form is not None else []
        fields.append(
            {"name": name, "label": DOSE_LABELS[name], "value": value, "errors": errors, "id": f"dose-{item_id}-{name}"}
        )
    return {"fields": fields}


@register.filter
def change_text(change: str) -> str:
    """A version's stored change note ("exercise added: bird-dog", written in English for the audit log) in the
    reader's language, with exercises and modules by their names."""
    from rugpad.web.plans.queries import change_text as words

    return words(change, reader_lang())


EVIDENCE_WORDS = {
    "verified": gettext_lazy("checked in the source"),
    "secondary": gettext_lazy("from a secondary source"),
    "unverified": gettext_lazy("unverified"),
}
CONDITION_WORDS = {
    "hernia_diagnosed": gettext_lazy("diagnosed disc herniation"),
    "recent_surgery": gettext_lazy("recent surgery"),
    "severe_arthrosis": gettext_lazy("severe arthrosis"),
    "osteoporosis": gettext_lazy("osteoporosis"),
    "radicular": gettext_lazy("radiating pain along a nerve root (radicular)"),
    "high_reactivity": gettext_lazy("highly reactive pain"),
}


@register.filter
def evidence_words(value: str) -> str:
    """An evidence marker ("verified", "secondary", "unverified") in the reader's words; "–" when empty."""
    return str(EVIDENCE_WORDS.get(value, value)) if value else "–"


@register.filter
def condition_words(tag: str) -> str:
    """A condition tag of the exercise library ("recent_surgery") in the reader's words."""
    return str(CONDITION_WORDS.get(tag, tag.replace("_", " ")))


@register.filter
def exercise_name(exercise_id: str) -> str:
    """An exercise id of the log ("standing-pelvic-stretch") as the exercise's name in the reader's language."""
    exercise = exercise_library().get(exercise_id)
    return exercise.name.get(reader_lang()) if exercise is not None else exercise_id


@register.filter
def citation(source_id: str) -> SafeString | str:
    """A source id as the reader sees it (`clinical.cited`: a bibliographic citation in a `<cite>`, rugpad's own
    words in the reader's language); empty when the id is unknown or empty, for the template's `default`."""
    source = engine.sources().get(source_id) if source_id else None
    return cited(source) if source is not None else ""
