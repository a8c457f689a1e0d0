"""A tiny condition language for clinical rules written as data, compiled once, evaluated fast.

Rules in ``content/data/rules/*.yaml`` say *when* they apply with plain YAML a clinician can read::

    bladder_dysfunction                        # a sign id: the sign is present
    {any: [a, b]}   {all: [a, b]}   {not: a}   # combinations
    {at_least: 2, of: [a, b, {age_over: 65}]}  # counting rules (clusters such as Cook's myelopathy cluster)
    {age_over: 65}  {age_under: 45}  {sex: female}  {region: neck}
    {onset_age_under: 45}                      # age when the complaint began (age minus its duration)
    {duration_over_weeks: 6}  {course: [recurrent, worsening]}  {psychosocial_dominant: true}
    {work_absence_over_weeks: 4}  {risk: [low]}  {profile: ["2", "3"]}  {radicular: true}
    {red_flag: [rf.cauda_equina]}              # a red flag that was raised (manipulation rules); '*' = any
    {use: abnormal_course}                     # a named condition defined once in the same file

Evaluation uses three-valued (Kleene) logic: a fact the case does not give (age, course, ...) is *unknown*, so a
condition can be True, False or None. The engine never guesses: a None red flag or profile is reported as
undecided, naming the facts that are missing. Signs are never unknown — a sign not listed is absent.

`compile_condition` validates the structure strictly (unknown keys or signs raise `ConditionError`) and returns a
`Condition`: a closure for the hot path, the facts it reads, the signs it names, and a readable description in
every language generated from the same structure (its words are the ``conditions.*`` phrases of the catalogue), so
the explanation cannot drift from the rule; each is made when first read (only `rugpad explain` and the rule pages
read them).

Compiled for speed, with the same three-valued answers: the sign tests under one `any`, `all` or `at_least` become a
single set operation (``any: [a, b, c]`` is one `isdisjoint`), and each condition knows its `gate` — signs of which
at least one must be present for it to hold at all — so the rulebook indexes its rules by sign and a triage never
evaluates a rule whose signs are all absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rugpad.core.text import Text, listing, number, phrase
from rugpad.core.vocab import Course, Region, Risk, Sex

__all__ = ["ALWAYS", "NEVER", "REGION_WORDS", "Condition", "ConditionError", "Facts", "Truth", "compile_condition"]

Truth = bool | None
"""True, False, or None for "cannot be decided from what is known"."""


class ConditionError(ValueError):
    """A condition in a content file is malformed; the message says where and why."""


@dataclass(slots=True)
class Facts:
    """What the rules may ask about one case; None means "not known".

    Not frozen on purpose: the triage fills in `radicular`, `red_flags` and `profile` step by step on one
    evaluation record (copying it per step cost a fifth of a triage). It never leaves `run_triage`.
    """

    region: Region
    signs: frozenset[str] = frozenset()
    age: int | None = None
    sex: Sex | None = None
    duration_weeks: float | None = None
    course: Course | None = None
    psychosocial_dominant: bool | None = None
    work_absence_weeks: float | None = None
    risk: Risk | None = None
    profile: str | None = None
    radicular: bool | None = None
    red_flags: frozenset[str] = frozenset()


Evaluator = Callable[[Facts], Truth]


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: call `evaluate(facts)`; `description` is the rule in readable words."""

    evaluate: Evaluator = field(repr=False, compare=False)
    description: Text
    signs: frozenset[str]
    facts: frozenset[str]
    """Names of the `Facts` fields other than signs that the condition reads (to say what is missing)."""
    regions: frozenset[Region] | None = None
    """The regions outside which the condition is certainly False (None: any region); lets the rulebook
    pre-select the rules per region at load time, so a triage skips the rest."""
    gate: frozenset[str] | None = field(default=None, compare=False)
    """Signs of which at least one must be present for the condition to hold: with none of them it is certainly
    False, never unknown (None: no such set, e.g. an age test or a `not`). Lets the rulebook index rules by sign."""
    needs_red_flag: bool = field(default=False, compare=False)
    """True when the condition is certainly False while no red flag is raised (a `red_flag:` test)."""
    profiles: frozenset[str] | None = field(default=None, compare=False)
    """The condition can be True only when the profile is one of these (None: whatever the profile). While the
    profile is unknown it is then False or unknown, never True, which is all the recommendations ask."""
    any_sign: frozenset[str] | None = field(default=None, compare=False)
    """Set when the condition is exactly "one of these signs is present" (a sign, or `any` of signs): an enclosing
    `any`, `all` or `at_least` tests them with one set operation instead of one call each."""
    constant: bool | None = field(default=None, compare=False)
    """True or False when the condition has that value whatever the case (None: it depends on the case)."""
    thresholds: tuple[tuple[str, float], ...] | None = field(default=(), compare=False)
    """When the value depends on the `facts` fields alone (no sign, red flag, region or age at onset): each
    (field, limit) a number is compared with. Then the value is fixed by each categorical field's value and the
    side of each limit a number falls on, so a decision list can be looked up instead of evaluated. Else None."""
    region_test: Region | None = field(default=None, compare=False, repr=False)
    parts: tuple[Condition, ...] = field(default=(), compare=False, repr=False)
    rebuild: Callable[[Sequence[Condition]], Condition] | None = field(default=None, compare=False, repr=False)

    def within(self, region: Region) -> Condition:
        """The condition as it reads inside `region`, for evaluation only: its region tests decided and the parts
        that became constant folded away (``all: [{region: neck}, {profile: D}]`` is just the profile test in the
        neck and never in the low back). It gives the same value as this condition for every case in `region`."""
        if self.region_test is not None:
            return ALWAYS if self.region_test is region else NEVER
        if self.rebuild is None:
            return self
        return self.rebuild([part.within(region) for part in self.parts])


def _always(_: Facts) -> Truth:
    return True


def _never(_: Facts) -> Truth:
    return False


ALWAYS = Condition(_always, phrase("conditions.always"), frozenset(), frozenset(), constant=True)
NEVER = Condition(
    _never,
    phrase("conditions.never"),
    frozenset(),
    frozenset(),
    gate=frozenset(),
    profiles=frozenset(),
    constant=False,
)


@dataclass(frozen=True, slots=True)
class _Context:
    sign_labels: Mapping[str, Text]
    red_flag_names: Mapping[str, Text]
    definitions: Mapping[str, Condition]
    where: str


def compile_condition(
    raw: object,
    sign_labels: Mapping[str, Text],
    where: str,
    red_flag_names: Mapping[str, Text] | None = None,
    definitions: Mapping[str, Condition] | None = None,
) -> Condition:
    """Compile the YAML structure `raw`; `sign_labels` are the known signs (and their labels for descriptions).

    `red_flag_names` lists the red flags a `red_flag:` test may name; `definitions` the named conditions a `use:`
    test may name; without them such tests are not allowed.
    """
    if raw is None:
        return ALWAYS
    return _compile(raw, _Context(sign_labels, red_flag_names or {}, definitions or {}, where))


def _compile(raw: object, ctx: _Context) -> Condition:
    if isinstance(raw, str):
        return _sign(raw, ctx)
    if not isinstance(raw, Mapping):
        raise ConditionError(f"{ctx.where}: a condition is a sign id or a mapping, not {raw!r}")
    if "at_least" in raw:
        return _at_least(raw, ctx)
    if len(raw) != 1:
        raise ConditionError(f"{ctx.where}: one test per mapping, got {sorted(raw)}")
    ((key, value),) = raw.items()
    builder = _BUILDERS.get(str(key))
    if builder is None:
        raise ConditionError(f"{ctx.where}: unknown test {key!r}; known: {', '.join(sorted(_BUILDERS))}, at_least")
    return builder(value, ctx)


def _sign(sign: str, ctx: _Context) -> Condition:
    label = ctx.sign_labels.get(sign)
    if label is None:
        raise ConditionError(f"{ctx.where}: unknown sign {sign!r}")

    def evaluate(facts: Facts) -> Truth:
        return sign in facts.signs

    only = frozenset({sign})
    return Condition(evaluate, label, only, frozenset(), gate=only, any_sign=only, thresholds=None)


def _parts(value: object, ctx: _Context, key: str) -> list[Condition]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ConditionError(f"{ctx.where}: {key!r} needs a non-empty list")
    return [_compile(item, ctx) for item in value]


def _merge(parts: Sequence[Condition]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset().union(*(p.signs for p in parts)), frozenset().union(*(p.facts for p in parts))


_PARTS = phrase("text.list_parts")
_OR = phrase("text.list_or")
_LABEL = phrase("text.label")


def _joined(parts: Sequence[Condition], head: Text, **values: object) -> Text:
    """`head` (a phrase with `{parts}`) filled with the parts' descriptions, e.g. "any of: a; b"."""
    return Text.deferred(lambda: head.format(parts=listing([p.description for p in parts], _PARTS, _PARTS), **values))


def _thresholds(parts: Sequence[Condition]) -> tuple[tuple[str, float], ...] | None:
    found: list[tuple[str, float]] = []
    for part in parts:
        if part.thresholds is None:
            return None
        found += part.thresholds
    return tuple(found)


def _union(sets: Iterable[Iterable[str]]) -> frozenset[str]:
    joined: frozenset[str] = frozenset()
    return joined.union(*sets)


def _intersection(sets: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """What all the sets share; None when there are none (no constraint)."""
    shared: frozenset[str] | None = None
    for each in sets:
        shared = each if shared is None else shared & each
    return shared


def _any(value: object, ctx: _Context) -> Condition:
    return _any_of(_parts(value, ctx, "any"))


def _any_of(given: Sequence[Condition]) -> Condition:
    if any(p.constant is True for p in given):
        return ALWAYS
    parts = [p for p in given if p.constant is not False] or [NEVER]
    if len(parts) == 1:
        return parts[0]
    # Kleene "any" does not depend on the order of its parts, so the sign tests go first, as one set test.
    wanted = _union(p.any_sign for p in parts if p.any_sign is not None)
    evaluators = tuple(p.evaluate for p in parts if p.any_sign is None)
    evaluate: Evaluator
    if not evaluators:

        def evaluate(facts: Facts) -> Truth:
            return not wanted.isdisjoint(facts.signs)

    elif wanted:

        def evaluate(facts: Facts) -> Truth:
            if not wanted.isdisjoint(facts.signs):
                return True
            return check_rest(facts)

        check_rest = _any_evaluator(evaluators)
    else:
        evaluate = _any_evaluator(evaluators)

    signs, used = _merge(parts)
    regions: frozenset[Region] | None = frozenset()
    for part in parts:
        if part.regions is None or regions is None:
            regions = None
        else:
            regions |= part.regions
    gates = [p.gate for p in parts]
    return Condition(
        evaluate,
        _joined(parts, phrase("conditions.any_of")),
        signs,
        used,
        regions,
        gate=None if None in gates else _union(g for g in gates if g is not None),
        needs_red_flag=all(p.needs_red_flag for p in parts),
        profiles=None if any(p.profiles is None for p in parts) else _union(p.profiles or () for p in parts),
        any_sign=None if evaluators else wanted,
        thresholds=_thresholds(parts),
        parts=tuple(parts),
        rebuild=_any_of,
    )


def _all(value: object, ctx: _Context) -> Condition:
    return _all_of(_parts(value, ctx, "all"))


def _all_of(given: Sequence[Condition]) -> Condition:
    if any(p.constant is False for p in given):
        return NEVER
    parts = [p for p in given if p.constant is not True] or [ALWAYS]
    if len(parts) == 1:
        return parts[0]
    # Kleene "all" does not depend on the order of its parts: the sign tests go first (every single sign at once,
    # then each `any` of signs), so a case without the signs is answered before any other test runs.
    required = _union(p.any_sign for p in parts if p.any_sign is not None and len(p.any_sign) == 1)
    choices = tuple(p.any_sign for p in parts if p.any_sign is not None and len(p.any_sign) > 1)
    evaluators = tuple(p.evaluate for p in parts if p.any_sign is None)
    evaluate: Evaluator
    if required or choices:

        def evaluate(facts: Facts) -> Truth:
            present = facts.signs
            if not required.issubset(present):
                return False
            for choice in choices:
                if choice.isdisjoint(present):
                    return False
            return check_rest(facts)

        check_rest = _all_evaluator(evaluators)
    else:
        evaluate = _all_evaluator(evaluators)

    signs, used = _merge(parts)
    regions: frozenset[Region] | None = None
    for part in parts:
        if part.regions is not None:
            regions = part.regions if regions is None else regions & part.regions
    gates = [p.gate for p in parts if p.gate is not None]
    return Condition(
        evaluate,
        _joined(parts, phrase("conditions.all_of")),
        signs,
        used,
        regions,
        gate=min(gates, key=len) if gates else None,  # any one part's gate will do; the narrowest skips most often
        needs_red_flag=any(p.needs_red_flag for p in parts),
        profiles=_intersection(p.profiles for p in parts if p.profiles is not None),
        thresholds=_thresholds(parts),
        parts=tuple(parts),
        rebuild=_all_of,
    )


def _any_evaluator(evaluators: tuple[Evaluator, ...]) -> Evaluator:
    """Kleene "any" of the evaluators: True as soon as one is True, else unknown if one is unknown."""
    if len(evaluators) == 1:
        return evaluators[0]
    if len(evaluators) == 2:  # the usual shape, unrolled
        first, second = evaluators

        def either(facts: Facts) -> Truth:
            one = first(facts)
            if one:
                return True
            other = second(facts)
            if other:
                return True
            return None if one is None or other is None else False

        return either

    def some(facts: Facts) -> Truth:
        unknown = False
        for check in evaluators:
            result = check(facts)
            if result:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return some


def _all_evaluator(evaluators: tuple[Evaluator, ...]) -> Evaluator:
    """Kleene "all" of the evaluators: False as soon as one is False, else unknown if one is unknown."""
    if not evaluators:
        return _always
    if len(evaluators) == 1:
        return evaluators[0]
    if len(evaluators) == 2:  # the usual shape (`all: [a test, another]`), unrolled: no loop to set up
        first, second = evaluators

        def both(facts: Facts) -> Truth:
            one = first(facts)
            if one is False:
                return False
            other = second(facts)
            if other is False:
                return False
            return None if one is None or other is None else True

        return both

    def every(facts: Facts) -> Truth:
        unknown = False
        for check in evaluators:
            result = check(facts)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return every


def _not(value: object, ctx: _Context) -> Condition:
    return _not_of(_compile(value, ctx))


def _not_of(inner: Condition) -> Condition:
    if inner.constant is not None:
        return NEVER if inner.constant else ALWAYS
    check = inner.evaluate

    def evaluate(facts: Facts) -> Truth:
        result = check(facts)
        return None if result is None else not result

    text = Text.deferred(lambda: phrase("conditions.negation").format(inner=inner.description))
    return Condition(
        evaluate, text, inner.signs, inner.facts, thresholds=inner.thresholds, parts=(inner,), rebuild=_rebuild_not
    )


def _rebuild_not(parts: Sequence[Condition]) -> Condition:
    return _not_of(parts[0])


def _at_least(raw: Mapping[object, object], ctx: _Context) -> Condition:
    if set(raw) != {"at_least", "of"}:
        raise ConditionError(f"{ctx.where}: 'at_least' goes with 'of' only, got {sorted(map(str, raw))}")
    needed = raw["at_least"]
    parts = _parts(raw["of"], ctx, "of")
    if not isinstance(needed, int) or isinstance(needed, bool) or not 1 <= needed <= len(parts):
        raise ConditionError(f"{ctx.where}: 'at_least' must be a whole number from 1 to {len(parts)}")
    return _at_least_of(needed, parts)


def _at_least_of(wanted: int, given: Sequence[Condition]) -> Condition:
    needed = wanted - sum(p.constant is True for p in given)
    parts = [p for p in given if p.constant is None]
    if needed <= 0:
        return ALWAYS
    if needed > len(parts):
        return NEVER
    # Each single sign counts once, so they are counted together with one intersection; the order of the parts does
    # not change the count.
    singles = [p.any_sign for p in parts if p.any_sign is not None and len(p.any_sign) == 1]
    single = _union(singles)
    if len(single) < len(singles):  # a sign listed twice counts twice: leave such a list to the slow loop
        single = frozenset()
    evaluators = tuple(p.evaluate for p in parts if p.any_sign is None or len(p.any_sign) > 1 or not single)

    def evaluate(facts: Facts) -> Truth:
        present = len(single.intersection(facts.signs))
        if present >= needed:
            return True
        unknown = 0
        for check in evaluators:
            result = check(facts)
            if result:
                present += 1
            elif result is None:
                unknown += 1
        if present >= needed:
            return True
        return None if present + unknown >= needed else False

    signs, used = _merge(parts)
    text = _joined(parts, phrase("conditions.at_least"), count=number(needed))
    # With none of the gated parts' signs present, only the ungated parts can count: fewer than needed means False.
    gated = [p.gate for p in parts if p.gate is not None]
    return Condition(
        evaluate,
        text,
        signs,
        used,
        gate=_union(gated) if len(parts) - len(gated) < needed else None,
        needs_red_flag=sum(not p.needs_red_flag for p in parts) < needed,
        thresholds=_thresholds(parts),
        parts=tuple(parts),
        rebuild=lambda folded: _at_least_of(needed, folded),
    )


def _number(value: object, ctx: _Context, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConditionError(f"{ctx.where}: {key!r} needs a number, got {value!r}")
    return float(value)


def _age_over(value: object, ctx: _Context) -> Condition:
    limit = _number(value, ctx, "age_over")

    def evaluate(facts: Facts) -> Truth:
        return None if facts.age is None else facts.age > limit

    text = Text.deferred(lambda: phrase("conditions.age_over").format(limit=number(limit)))
    return Condition(evaluate, text, frozenset(), frozenset({"age"}), thresholds=(("age", limit),))


def _age_under(value: object, ctx: _Context) -> Condition:
    limit = _number(value, ctx, "age_under")

    def evaluate(facts: Facts) -> Truth:
        return None if facts.age is None else facts.age < limit

    text = Text.deferred(lambda: phrase("conditions.age_under").format(limit=number(limit)))
    return Condition(evaluate, text, frozenset(), frozenset({"age"}), thresholds=(("age", limit),))


WEEKS_PER_YEAR = 365.25 / 7
"""Converts a complaint duration in weeks to years, for the age at onset."""


def _onset_age_under(value: object, ctx: _Context) -> Condition:
    """The complaint began before this age: age minus duration, unknown unless both are known.

    Age is in whole years, so the age at onset is an estimate; the clinician can also tick a sign for it.
    """
    limit = _number(value, ctx, "onset_age_under")

    def evaluate(facts: Facts) -> Truth:
        if facts.age is None or facts.duration_weeks is None:
            return None
        return facts.age - facts.duration_weeks / WEEKS_PER_YEAR < limit

    text = Text.deferred(lambda: phrase("conditions.onset_age_under").format(limit=number(limit)))
    return Condition(evaluate, text, frozenset(), frozenset({"age", "duration_weeks"}), thresholds=None)


def _over(name: str, fact: Text) -> Callable[[object, _Context], Condition]:
    """A test `<name>_over_weeks: n` on a numeric fact that may be unknown."""

    def build(value: object, ctx: _Context) -> Condition:
        limit = _number(value, ctx, f"{name}_over_weeks")
        attribute = f"{name}_weeks"

        def evaluate(facts: Facts) -> Truth:
            known: float | None = getattr(facts, attribute)
            return None if known is None else known > limit

        text = Text.deferred(lambda: phrase("conditions.longer_than_weeks").format(fact=fact, limit=number(limit)))
        return Condition(evaluate, text, frozenset(), frozenset({attribute}), thresholds=((attribute, limit),))

    return build


def _choices(name: str, kind: Callable[[str], object], fact: Text) -> Callable[[object, _Context], Condition]:
    """A test `<name>: value` or `<name>: [values]` on a categorical fact that may be unknown."""

    def build(value: object, ctx: _Context) -> Condition:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, Sequence) or not values:
            raise ConditionError(f"{ctx.where}: {name!r} needs a value or a list of values")
        try:
            allowed = frozenset(kind(str(v)) for v in values)
        except ValueError as exc:
            raise ConditionError(f"{ctx.where}: {name!r}: {exc}") from None

        def evaluate(facts: Facts) -> Truth:
            known = getattr(facts, name)
            return None if known is None else known in allowed

        text = Text.deferred(
            lambda: _LABEL.format(
                label=fact, value=listing([_VALUE_WORDS.get(str(v)) or Text.verbatim(str(v)) for v in values], _OR, _OR)
            )
        )
        profiles = frozenset(map(str, allowed)) if name == "profile" else None
        return Condition(evaluate, text, frozenset(), frozenset({name}), profiles=profiles)

    return build


_VALUE_WORDS: Mapping[str, Text] = {
    "female": phrase("words.sex.female"),
    "male": phrase("words.sex.male"),
    "other": phrase("words.sex.other"),
    "improving": phrase("words.course.improving"),
    "not_improving": phrase("words.course.not_improving"),
    "worsening": phrase("words.course.worsening"),
    "recurrent": phrase("words.course.recurrent"),
    "low": phrase("words.risk.low"),
    "medium": phrase("words.risk.medium"),
    "high": phrase("words.risk.high"),
}
"""Readable words for vocabulary values in rule descriptions (a profile code reads the same in every language)."""

REGION_WORDS: Mapping[Region, Text] = {
    Region.LOW_BACK: phrase("words.region.low_back"),
    Region.NECK: phrase("words.region.neck"),
}
"""A region in words."""


def _flag(name: str, fact: Text) -> Callable[[object, _Context], Condition]:
    """A test `<name>: true|false` on a yes/no fact that may be unknown."""

    def build(value: object, ctx: _Context) -> Condition:
        if not isinstance(value, bool):
            raise ConditionError(f"{ctx.where}: {name!r} needs true or false")

        def evaluate(facts: Facts) -> Truth:
            known = getattr(facts, name)
            return None if known is None else known is value

        answer = phrase("words.answer.yes") if value else phrase("words.answer.no")
        text = Text.deferred(lambda: _LABEL.format(label=fact, value=answer))
        return Condition(evaluate, text, frozenset(), frozenset({name}))

    return build


def _region(value: object, ctx: _Context) -> Condition:
    try:
        region = Region(str(value))
    except ValueError:
        raise ConditionError(f"{ctx.where}: unknown region {value!r}") from None

    def evaluate(facts: Facts) -> Truth:
        return facts.region is region

    text = Text.deferred(lambda: _LABEL.format(label=phrase("conditions.fact.region"), value=REGION_WORDS[region]))
    return Condition(evaluate, text, frozenset(), frozenset(), frozenset({region}), region_test=region, thresholds=None)


def _any_red_flag(facts: Facts) -> Truth:
    return bool(facts.red_flags)


def _red_flag(value: object, ctx: _Context) -> Condition:
    if value == "*":
        text = phrase("conditions.any_red_flag")
        return Condition(_any_red_flag, text, frozenset(), frozenset(), needs_red_flag=True, thresholds=None)
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, Sequence) or not ids:
        raise ConditionError(f"{ctx.where}: 'red_flag' needs a red-flag id or a list of them")
    wanted = frozenset(str(i) for i in ids)
    unknown = sorted(wanted - set(ctx.red_flag_names))
    if unknown:
        raise ConditionError(f"{ctx.where}: unknown red flag {unknown[0]!r}")

    def evaluate(facts: Facts) -> Truth:
        return not wanted.isdisjoint(facts.red_flags)

    names = [ctx.red_flag_names[i] for i in sorted(wanted)]
    text = Text.deferred(lambda: phrase("conditions.red_flag").format(names=listing(names, _OR, _OR)))
    return Condition(evaluate, text, frozenset(), frozenset(), needs_red_flag=True, thresholds=None)


def _use(value: object, ctx: _Context) -> Condition:
    known = ctx.definitions.get(str(value))
    if known is None:
        raise ConditionError(f"{ctx.where}: unknown definition {value!r}")
    return known


def _profile(value: str) -> str:
    if value not in {"1", "2", "3", "A", "B", "C", "D"}:
        raise ValueError(f"unknown profile {value!r}")
    return value


_BUILDERS: dict[str, Callable[[object, _Context], Condition]] = {
    "any": _any,
    "all": _all,
    "not": _not,
    "age_over": _age_over,
    "age_under": _age_under,
    "onset_age_under": _onset_age_under,
    "sex": _choices("sex", Sex, phrase("conditions.fact.sex")),
    "region": _region,
    "duration_over_weeks": _over("duration", phrase("conditions.fact.duration")),
    "work_absence_over_weeks": _over("work_absence", phrase("conditions.fact.work_absence")),
    "course": _choices("course", Course, phrase("conditions.fact.course")),
    "risk": _choices("risk", Risk, phrase("conditions.fact.risk")),
    "profile": _choices("profile", _profile, phrase("conditions.fact.profile")),
    "psychosocial_dominant": _flag("psychosocial_dominant", phrase("conditions.fact.psychosocial_dominant")),
    "radicular": _flag("radicular", phrase("conditions.fact.radicular")),
    "red_flag": _red_flag,
    "use": _use,
}
