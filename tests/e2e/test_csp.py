"""The strict Content-Security-Policy in a real browser: the main pages of the demo practice, as a clinician on a
desk and as a patient on a phone, load without a single "Content Security Policy" violation in the console, and
the behaviour that moved out of inline handlers into static/rugpad/app.js still works (the language switch, the
report's print button, copying an invitation link)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rugpad.web.care.models import Episode
from rugpad.web.outcomes.models import GpReport
from tests.e2e.conftest import PHONE, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1200, "height": 900}


class Console:
    """Every console message and uncaught page error of one browser context's pages."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("console", lambda message: self.lines.append(f"{page.url} {message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.lines.append(f"{page.url} pageerror: {error}"))
        return page

    def violations(self) -> list[str]:
        return [line for line in self.lines if "Content Security Policy" in line or "pageerror" in line]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """A factory of pages (locale nl-NL, the given viewport) whose console is watched; closed after the test."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int], console: Console, **options: Any) -> Any:
        context = browser.new_context(locale="nl-NL", viewport=viewport, **options)
        contexts.append(context)
        page = console.watch(context.new_page())
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def visit(page: Any, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
    page.wait_for_load_state("networkidle")
    screenshot(page, f"csp-{name}")


def test_the_clinicians_pages_run_under_the_policy(open_page: Any, demo: str) -> None:
    console = Console()
    page = open_page(DESK, console, permissions=["clipboard-read", "clipboard-write"])
    visit(page, f"{demo}/login/", "01-login")
    log_in(page, demo, "anna")
    sanne = Episode.objects.get(patient__last_name="de Vries")
    noor = Episode.objects.get(patient__last_name="Bos")
    henk = Episode.objects.get(patient__last_name="de Wit")
    visit(page, f"{demo}/", "02-dashboard")
    visit(page, f"{demo}/episodes/{sanne.pk}/", "03-episode")
    visit(page, f"{demo}/episodes/{sanne.pk}/screening/", "04-screening")
    visit(page, f"{demo}/plans/episodes/{sanne.pk}/", "05-plan-editor")
    page.fill("#id_q", "brug")  # the library search is an htmx request: its swap must not need inline style
    page.wait_for_load_state("networkidle")
    visit(page, f"{demo}/outcomes/episodes/{noor.pk}/", "06-evaluation")
    assert page.locator("svg.chart").count() >= 1

    report = GpReport.objects.filter(episode=henk).first()
    assert report is not None
    visit(page, f"{demo}/outcomes/reports/{report.pk}/", "07-report")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.printed") is True

    # the invitation link: selected when focused, copied with the button
    visit(page, f"{demo}/patients/{noor.patient.pk}/", "08-patient")
    page.click("section[aria-labelledby=portal-h] button[type=submit]")
    link = page.input_value("#invite-link")
    screenshot(page, "csp-09-invite-link")
    page.click("button[data-copy]")
    assert page.evaluate("navigator.clipboard.readText()") == link

    # the language switch submits itself when a language is picked
    page.goto(f"{demo}/")
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert console.violations() == [], "\n".join(console.lines)


def test_the_patients_pages_run_under_the_policy_on_a_phone(open_page: Any, demo: str) -> None:
    console = Console()
    phone = open_page(PHONE, console)
    log_in(phone, demo, "sanne")
    visit(phone, f"{demo}/me/", "10-patient-home-phone")
    visit(phone, f"{demo}/portal/diary/", "11-diary-phone")
    visit(phone, f"{demo}/plans/me/", "12-my-exercises-phone")
    visit(phone, f"{demo}/outcomes/me/", "13-my-progress-phone")
    visit(phone, f"{demo}/plans/session/?all=1&timescale=0.005", "14-session-phone")
    phone.check("input[name=settled][value=true]")
    phone.click("#btn-begin")
    phone.wait_for_selector("#ex-illustration svg")  # the illustration is inlined by the session script
    screenshot(phone, "csp-15-session-exercise-phone")

    emma = open_page(PHONE, console)  # three weeks of diary in the demo
    log_in(emma, demo, "emma")
    visit(emma, f"{demo}/portal/diary/", "16-diary-with-entries-phone")
    entry = emma.locator("section[aria-labelledby=recent-h] a").first.get_attribute("href")
    visit(emma, f"{demo}{entry}", "17-diary-entry-phone")
    assert console.violations() == [], "\n".join(console.lines)


def test_django_admin_runs_under_the_policy(open_page: Any, demo: str) -> None:
    from rugpad.web.practice.models import User

    User.objects.create_superuser("root", "root@example.org", "a long admin password 1")
    console = Console()
    page = open_page(DESK, console)
    visit(page, f"{demo}/django-admin/login/", "20-admin-login")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a long admin password 1")
    page.click("input[type=submit]")
    page.wait_for_url("**/django-admin/")
    visit(page, f"{demo}/django-admin/", "21-admin-index")
    anna = User.objects.get(username="anna")
    visit(page, f"{demo}/django-admin/practice/user/", "22-admin-users")
    visit(page, f"{demo}/django-admin/practice/user/{anna.pk}/change/", "23-admin-user")
    visit(page, f"{demo}/django-admin/practice/practice/add/", "24-admin-practice-add")
    assert console.violations() == [], "\n".join(console.lines)
