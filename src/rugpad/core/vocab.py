"""Typed vocabularies for clinical states: no bare strings for these anywhere in rugpad."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    """The languages rugpad speaks: the one list every layer reads (the web's language menu, the content checks,
    the command line). Dutch is the default. Adding a language here and writing its texts is all it takes."""

    NL = "nl"
    EN = "en"
    FR = "fr"


LANGUAGE_NAMES: dict[Lang, str] = {Lang.NL: "Nederlands", Lang.EN: "English", Lang.FR: "Français"}
"""Each language's name in itself, for a language menu."""


class Country(StrEnum):
    """The countries rugpad serves, a practice's setting: it decides the numbers a patient is told to call, the
    professional terms, which guideline a recommendation cites first and the reimbursement rules
    (``content/data/country/``, ``content/data/costs/``)."""

    NL = "nl"
    BE = "be"


class Region(StrEnum):
    LOW_BACK = "low_back"
    NECK = "neck"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Course(StrEnum):
    """The course of the complaint so far, as the clinician judges it."""

    IMPROVING = "improving"
    NOT_IMPROVING = "not_improving"
    WORSENING = "worsening"
    RECURRENT = "recurrent"


class Urgency(StrEnum):
    """How fast a red flag must be acted on; ordered from most to least urgent.

    emergency: now, emergency department or 112; urgent: GP the same or next day;
    soon: GP or specialist referral within weeks; none: no red flag.
    """

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    NONE = "none"

    @property
    def rank(self) -> int:
        """0 for the most urgent; use `min(..., key=lambda u: u.rank)` to pick the deciding one."""
        return _URGENCY_ORDER.index(self)


_URGENCY_ORDER = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON, Urgency.NONE)


class Risk(StrEnum):
    """STarT Back risk group of persistent disabling pain."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Strength(StrEnum):
    """How strongly a recommendation is made."""

    DO = "do"
    CONSIDER = "consider"
    DO_NOT = "do_not"


class ManipulationVerdict(StrEnum):
    ALLOWED = "allowed"
    CAUTION = "caution"
    CONTRAINDICATED = "contraindicated"

    @property
    def rank(self) -> int:
        """Higher is stricter; the strictest verdict found wins."""
        return (ManipulationVerdict.ALLOWED, ManipulationVerdict.CAUTION, ManipulationVerdict.CONTRAINDICATED).index(
            self
        )


class Evidence(StrEnum):
    """How well the fact behind a rule is sourced (mirrors the markers in the clinical facts file).

    verified: checked in the cited source; secondary: a secondary source only;
    unverified: no source found — shown as such to the clinician, and the safer action is chosen.
    """

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"
