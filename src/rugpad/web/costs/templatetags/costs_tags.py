"""The cost estimate on the plan pages: `{% cost_estimate %}` on the clinician's plan editor (with the planned
sessions and the patient's policy to change) and `{% my_cost_estimate %}` on the patient's own plan. The plan
views have authorised the episode or the patient; the policy read is audited here. A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template

from rugpad.web.care.templatetags.clinical import words as clinical_words
from rugpad.web.costs import queries
from rugpad.web.costs.money import euros as euros_text

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """`{{ line.price_cents|euros }}` → "€ 45,00" in Dutch."""
    return euros_text(cents)


@register.inclusion_tag("costs/_estimate.html", takes_context=True)
def cost_estimate(context: template.Context) -> dict[str, Any]:
    """The clinician's card, for the plan editor's `episode` and current `version`."""
    return queries.card_context(context["request"], context["episode"], context.get("version"))


@register.inclusion_tag("costs/_my_estimate.html", takes_context=True)
def my_cost_estimate(context: template.Context) -> dict[str, Any]:
    """The patient's card, for their newest plan (`plan` in the context of the patient's plan page)."""
    plan = context.get("plan")
    if plan is None:
        return {"view": None}
    request = context["request"]
    version = plan.current()
    return queries.card_context(request, plan.episode, version)


register.filter("words", clinical_words)  # `{{ rule.name|words }}`, as on every page
