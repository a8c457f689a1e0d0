"""The engine's triage → CDS Hooks cards. Every card says what the engine said, never more:

- a red flag → `critical` (emergency, urgent) or `warning` (soon), with the action for the clinician and what to tell
  the patient (whom to call, for the caller's country);
- the stratified profile with its recommendations → `info` (or, without a profile, what rugpad needs to decide it);
- the care-pathway "do not" rules that an order kind of `data/interop/cds.yaml` meets (imaging, opioids) → `info`
  on patient-view; `warning` on order-select when such an order is on the clinician's screen, with override reasons.

Each card's `source.label` names the rule id and its citation, `source.url` and the first link lead to the rule's
explanation page, a second link to the cited source itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rugpad import engine
from rugpad.core.rules import RedFlag
from rugpad.core.triage import TriageResult
from rugpad.core.vocab import Evidence, Lang, Region, Strength, Urgency

SUMMARY_LIMIT = 140
"""CDS Hooks: a card's summary is under 140 characters."""
LABEL_LIMIT = 200


@dataclass(frozen=True, slots=True)
class CardContext:
    lang: Lang
    country: str
    explanation_url: Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Order:
    """A draft order the clinician has selected, as much as rugpad reads of it."""

    reference: str
    resource_type: str
    description: str
    codings: tuple[tuple[str, str], ...]
    texts: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]
    body_sites: tuple[tuple[str, str], ...]


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) < limit else text[: limit - 2].rstrip() + "…"


def _region_name(region: Region) -> str:
    return _("Low back pain") if region is Region.LOW_BACK else _("Neck pain")


def _urgency_words(urgency: Urgency) -> str:
    return {
        Urgency.EMERGENCY: _("emergency: now"),
        Urgency.URGENT: _("urgent: GP the same or next day"),
        Urgency.SOON: _("GP or specialist within weeks"),
    }.get(urgency, "")


def _evidence_line(evidence: Evidence) -> str:
    if evidence is Evidence.VERIFIED:
        return _("Evidence: checked in the cited source.")
    if evidence is Evidence.SECONDARY:
        return _("Evidence: secondary source only.")
    return _("Evidence: not verified in a source (unverified); where it decides urgency, the safer action is chosen.")


def _sourced(card: dict[str, Any], rule_id: str, ctx: CardContext) -> dict[str, Any]:
    """The card with its source (rule id and citation, link to the explanation) and links. A rule resting on several
    guidelines cites the caller's country's own first (KCE for a Belgian caller, KNGF or NHG for a Dutch one)."""
    explanation = engine.explain(rule_id)
    source = next(iter(engine.rule_sources(rule_id, ctx.country)), explanation.source)
    url = ctx.explanation_url(rule_id)
    cited = source.cite(ctx.lang)  # rugpad's own words in the card's language; a reference as it was published
    card["source"] = {"label": _short(f"rugpad {rule_id} — {cited}", LABEL_LIMIT), "url": url}
    links = [{"label": _("Why: rugpad's explanation of this rule"), "url": url, "type": "absolute"}]
    if source.url:
        links.append(
            {
                "label": _short(_("Source: %(citation)s") % {"citation": cited}, 80),
                "url": source.url,
                "type": "absolute",
            }
        )
    card["links"] = links
    card["detail"] = "\n\n".join(
        [
            card["detail"],
            _evidence_line(explanation.evidence) + (f" {explanation.note.get(ctx.lang)}" if explanation.note else ""),
            _("Rule `%(rule)s` · %(citation)s") % {"rule": rule_id, "citation": cited},
        ]
    )
    return card


def _card(summary: str, indicator: str, detail: str) -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _short(summary, SUMMARY_LIMIT),
        "indicator": indicator,
        "detail": detail,
    }


def red_flag_card(flag: RedFlag, signs: Iterable[str], ctx: CardContext) -> dict[str, Any]:
    labels = engine.rulebook().signs
    found = sorted(labels[sign].label.get(ctx.lang) for sign in flag.condition.signs & frozenset(signs))
    indicator = "critical" if flag.urgency in (Urgency.EMERGENCY, Urgency.URGENT) else "warning"
    lines = [
        _("**Action:** %(action)s") % {"action": flag.action.get(ctx.lang)},
        _("**Tell the patient:** %(instruction)s")
        % {"instruction": engine.patient_instruction(flag, ctx.country).get(ctx.lang)},
    ]
    if found:
        lines.append(_("**Found in the records:** %(signs)s") % {"signs": "; ".join(found)})
    summary = _("Red flag: %(name)s — %(urgency)s") % {
        "name": flag.name.get(ctx.lang),
        "urgency": _urgency_words(flag.urgency),
    }
    return _sourced(_card(summary, indicator, "\n\n".join(lines)), flag.id, ctx)


def undecided_flag_card(flag: RedFlag, needs: Iterable[str], ctx: CardContext) -> dict[str, Any]:
    """A red flag the records point at but cannot decide (e.g. no birth date): a warning saying what would decide
    it, with the action should it hold."""
    words = ", ".join(_need_words(need) for need in needs)
    summary = _("Red flag not decided: %(name)s — needs %(needs)s") % {"name": flag.name.get(ctx.lang), "needs": words}
    detail = "\n\n".join(
        [
            _("rugpad cannot decide this red flag without %(needs)s. Until it is known, consider it possible.")
            % {"needs": words},
            _("**Action if it holds:** %(action)s") % {"action": flag.action.get(ctx.lang)},
        ]
    )
    return _sourced(_card(summary, "warning", detail), flag.id, ctx)


def _strength(strength: Strength) -> str:
    return {Strength.DO: _("Do"), Strength.CONSIDER: _("Consider"), Strength.DO_NOT: _("Do not")}[strength]


def profile_card(
    region: Region, result: TriageResult, ctx: CardContext, shown_apart: set[str]
) -> dict[str, Any] | None:
    """The profile and its recommendations (info); without a profile, what would decide it; None when a red flag
    stopped the pathway (the red-flag cards say what to do)."""
    if result.pathway_stopped:
        return None
    recommendations = [
        f"- **{_strength(rec.strength)}:** {rec.text.get(ctx.lang)} (`{rec.id}`)"
        for rec in result.recommendations
        if rec.id not in shown_apart
    ]
    if result.profile is None:
        needs = sorted({need for item in result.undecided if item.item == "profile" for need in item.needs})
        summary = _("%(region)s: no profile yet — rugpad needs %(needs)s") % {
            "region": _region_name(region),
            "needs": ", ".join(_need_words(need) for need in needs) or _("the clinician's judgement"),
        }
        detail = "\n".join([_("Recommendations that apply already:"), *recommendations])
        card = _card(summary, "info", detail)
        card["source"] = {"label": _("rugpad triage (no profile rule applies yet)")}
        return card
    words = {"region": _region_name(region), "profile": result.profile}
    summary = _("%(region)s: profile %(profile)s") % words
    if result.risk is not None:
        summary += " " + _("(STarT Back: %(risk)s risk)") % {"risk": _risk_words(str(result.risk))}
    if result.profile_override is not None:
        summary += " " + _("(set by the clinician)")
    lines = [_("Recommendations for this profile:"), *recommendations]
    if result.reevaluate_after_weeks is not None:
        lines += ["", _("Re-evaluate after %(weeks)s weeks.") % {"weeks": f"{result.reevaluate_after_weeks:g}"}]
    card = _card(summary, "info", "\n".join(lines))
    return _sourced(card, result.profile_rule, ctx) if result.profile_rule else card


def _need_words(need: str) -> str:
    return {
        "startback": _("the STarT Back answers"),
        "course": _("the course so far"),
        "duration_weeks": _("how long the complaint lasts"),
        "psychosocial_dominant": _("whether psychosocial factors dominate"),
        "signs": _("the screening signs"),
        "age": _("the age"),
        "sex": _("the sex"),
    }.get(need, need)


def _risk_words(risk: str) -> str:
    return {"low": _("low"), "medium": _("medium"), "high": _("high")}.get(risk, risk)


def _red_flag_possible(result: TriageResult) -> bool:
    """A red flag is raised, or one could not be decided: "without a red flag" is then not known to hold."""
    return bool(result.red_flags) or any(engine.red_flag(item.item) is not None for item in result.undecided)


def do_not_cards(result: TriageResult, ctx: CardContext) -> tuple[list[dict[str, Any]], set[str]]:
    """The "do not" rules an order kind names (imaging, opioids) that the triage lists for this patient, as info
    cards; with the ids shown (the profile card leaves them out)."""
    cards: list[dict[str, Any]] = []
    shown: set[str] = set()
    listed = {rec.id: rec for rec in result.recommendations}
    for kind in engine.interop_codes().orders:
        if kind.only_without_red_flags and _red_flag_possible(result):
            continue
        for rule_id in kind.do_not_rules:
            rec = listed.get(rule_id)
            if rec is None or rule_id in shown:
                continue
            shown.add(rule_id)
            card = _card(rec.text.get(ctx.lang), "info", rec.text.get(ctx.lang))
            cards.append(_sourced(card, rule_id, ctx))
    return cards, shown


def patient_view_cards(
    results: Mapping[Region, TriageResult], cases: Mapping[Region, dict[str, Any]], ctx: CardContext
) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    flags_shown: set[str] = set()
    for region, result in results.items():
        for flag in result.red_flags:
            if flag.id not in flags_shown:
                flags_shown.add(flag.id)
                cards.append(red_flag_card(flag, cases[region].get("signs", ()), ctx))
    for result in results.values():
        for item in result.undecided:
            possible = engine.red_flag(item.item)
            if possible is not None and possible.id not in flags_shown:
                flags_shown.add(possible.id)
                cards.append(undecided_flag_card(possible, item.needs, ctx))
    for region, result in results.items():
        do_not, shown = do_not_cards(result, ctx)
        profile = profile_card(region, result, ctx, shown)
        cards += ([profile] if profile else []) + do_not
    return cards


def order_cards(
    orders: Iterable[Order], results: Mapping[Region, TriageResult], ctx: CardContext
) -> list[dict[str, Any]]:
    """A warning per selected order that meets a "do not" rule the triage lists for this patient. None when a red
    flag justifies the order (the rule is then not listed, or only_without_red_flags holds it back)."""
    codes = engine.interop_codes()
    reasons = [
        {"system": reason.system, "code": reason.code, "display": reason.display.get(ctx.lang)}
        for reason in codes.override_reasons
    ]
    cards: list[dict[str, Any]] = []
    for order in orders:
        for kind in codes.orders:
            if order.resource_type not in kind.resource_types:
                continue
            regions = kind.match(order.codings, order.texts, order.categories, order.body_sites)
            if regions is None:
                continue
            for region in sorted(regions or results.keys()):
                result = results.get(region)
                if result is None or (kind.only_without_red_flags and _red_flag_possible(result)):
                    continue
                listed = {rec.id: rec for rec in result.recommendations}
                rule_id = next((rule for rule in kind.do_not_rules if rule in listed), None)
                if rule_id is None:
                    continue
                summary = _("%(order)s goes against: %(rule)s") % {
                    "order": order.description or kind.name.get(ctx.lang),
                    "rule": listed[rule_id].text.get(ctx.lang),
                }
                detail = "\n\n".join(
                    [
                        _("**Order:** %(order)s (%(kind)s)")
                        % {"order": order.description or order.reference, "kind": kind.name.get(ctx.lang)},
                        _("**Guideline:** %(text)s") % {"text": listed[rule_id].text.get(ctx.lang)},
                        _(
                            "rugpad found no red flag in this patient's records that would justify it. If the order "
                            "is still right, give the reason."
                        )
                        if not result.red_flags
                        else _("The red flag found does not change this rule."),
                    ]
                )
                card = _sourced(_card(summary, "warning", detail), rule_id, ctx)
                card["overrideReasons"] = reasons
                cards.append(card)
    return cards
