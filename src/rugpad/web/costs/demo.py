"""Demo costs: the demo practice's tariffs and one patient's policy, written through the real actions.

The amounts are EXAMPLE tariffs that a practice would set itself (inside the €40–€90 a session that seed article
001 names for manual therapy in the Netherlands); they are practice-entered values, not a sourced fact. Sanne de
Vries has a supplementary policy of 9 sessions a year, of which she has had 5, so part of her plan is her own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rugpad.core.costs import SessionKind
from rugpad.web.care.models import Patient
from rugpad.web.costs import actions
from rugpad.web.demo import as_user
from rugpad.web.practice.models import Practice, Role, User

EXAMPLE_TARIFFS_CENTS = {
    SessionKind.FIRST_VISIT: 6000,
    SessionKind.REGULAR: 4500,
    SessionKind.MANUAL_THERAPY: 5500,
    SessionKind.HOME_VISIT: 7000,
}
"""Example amounts the demo practice sets (practice-entered; within the seed article's €40–€90 range)."""


def load_demo_extras(practice: Practice, today: dt.date) -> None:
    admin = User.objects.get(practice=practice, role=Role.ADMIN)
    for kind, cents in EXAMPLE_TARIFFS_CENTS.items():
        actions.do_set_tariff(as_user(admin), practice, kind, cents, dt.date(today.year, 1, 1))
    sanne = Patient.objects.filter(practice=practice, first_name="Sanne", last_name="de Vries").first()
    if sanne is None or sanne.user is None:
        return
    policy: dict[str, str | bool | int | Decimal | None] = {
        "insurer": "Voorbeeldverzekeraar",
        "policy_name": "Aanvullend Plus (voorbeeld)",
        "has_supplementary": True,
        "covered_sessions": 9,
        "percentage": Decimal(100),
        "sessions_used": 5,
    }
    actions.do_save_policy(as_user(sanne.user), sanne, policy)
