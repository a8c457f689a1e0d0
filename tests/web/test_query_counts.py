"""Every page of `rugpad.web.scale_pages` (clinician, patient and practice-admin pages, and the set-log POST) runs as
many queries in a large practice as in a small one.

The demo practice is grown (`rugpad.web.populate`) in three steps: a small practice with a short history per patient,
a larger practice with the same history, and the larger practice with a longer history for the demo patients whose
pages are read. Every page's queries are counted at each step (after one warm-up request); the test fails once,
naming every page whose count grows, and with what: the practice's size, or the patient's history.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rugpad.web.care.models import Patient
from rugpad.web.populate import Shares, populate
from rugpad.web.scale_pages import calls, subject

SMALL, LARGE = 20, 60
"""Patients in all (the demo's 13 included)."""
SHORT, LONG = 3, 12
"""Diary entries and set logs per patient."""
SHARES = Shares(open_episode=0.5, earlier_episode=0.3, open_flag=0.2, referred=0.1, account=0.5)
"""Many open episodes and flags, so the dashboard's lists grow from the small practice to the larger one."""


def _counts() -> dict[str, int | str]:
    """Every page's query count (or its unexpected status), each after one warm-up request; the pages are
    `rugpad.web.scale_pages`', which the scale bench times."""
    counts: dict[str, int | str] = {}
    for name, call in calls(subject()):
        call()
        with CaptureQueriesContext(connection) as queries:
            response = call()
        ok = response.status_code in (200, 201, 302)  # 302: the practice figures counted again
        counts[name] = len(queries) if ok else f"status {response.status_code}"
    return counts


@pytest.mark.django_db
def test_no_page_runs_more_queries_as_the_practice_and_the_history_grow() -> None:
    populate(SMALL, per_patient=SHORT, clinicians=2, shares=SHARES)
    small = _counts()
    populate(LARGE, per_patient=SHORT, clinicians=2, shares=SHARES)
    large = _counts()
    populate(LARGE, per_patient=LONG, clinicians=2, shares=SHARES)  # only the demo patients' history grows
    longer = _counts()

    assert Patient.objects.count() == LARGE
    problems = []
    for page in small:
        a, b, c = small[page], large[page], longer[page]
        if not all(isinstance(n, int) for n in (a, b, c)):
            problems.append(f"{page}: {a} / {b} / {c}")
        elif b != a or c != b:
            what = [
                f"{SMALL}→{LARGE} patients: {a}→{b}" if b != a else "",
                f"history {SHORT}→{LONG}: {b}→{c}" if c != b else "",
            ]
            problems.append(f"{page}: queries grow ({', '.join(w for w in what if w)})")
    assert not problems, "query counts that grow with the data:\n" + "\n".join(problems)
