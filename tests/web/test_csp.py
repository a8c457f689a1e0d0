"""The strict Content-Security-Policy: on every kind of response (pages, the JSON API, redirects, error pages), and
nothing in the templates or the server-drawn markup that it would block (a static scan; the browser test in
tests/e2e/test_csp.py watches the console of the main pages)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from rugpad.web.middleware import CONTENT_SECURITY_POLICY
from tests.web.conftest import World, client_for

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

WEB = Path(__file__).resolve().parents[2] / "src" / "rugpad" / "web"
TEMPLATES = sorted(p for p in WEB.rglob("*.html") if "templates" in p.parts)
STATIC = WEB / "static" / "rugpad"

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error")


urlpatterns = [path("boom/", _boom), path("", include("rugpad.web.urls"))]


def test_the_policy_allows_only_rugpads_own_files() -> None:
    assert CONTENT_SECURITY_POLICY == STRICT
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_pages_of_every_role_carry_the_policy(world: World) -> None:
    pages = [
        (None, reverse("login")),
        (world.clinician, reverse("home")),
        (world.clinician, reverse("episode_detail", args=[world.episode.pk])),
        (world.clinician, reverse("plans_episode", args=[world.episode.pk])),
        (world.patient_user, reverse("patient_home")),
        (world.patient_user, reverse("portal_diary")),
        (world.admin, reverse("audit_log")),
    ]
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == STRICT, url


def test_the_json_api_and_its_refusals_carry_the_policy(world: World) -> None:
    ok = client_for(world.clinician).get(f"/api/episodes/{world.episode.pk}/state")
    assert ok.status_code == 200 and ok["Content-Type"].startswith("application/json")
    refused = Client().get(f"/api/episodes/{world.episode.pk}/state")
    assert refused.status_code in (401, 403)
    for response in (ok, refused, Client().get("/api/openapi.json")):
        assert response["Content-Security-Policy"] == STRICT


def test_redirects_and_error_pages_carry_the_policy(world: World) -> None:
    redirect = Client().get(reverse("home"))
    not_found = client_for(world.clinician).get(reverse("episode_detail", args=[world.other_episode.pk]))
    assert redirect.status_code == 302 and not_found.status_code == 404
    with override_settings(ROOT_URLCONF=__name__):
        server_error = Client(raise_request_exception=False).get("/boom/")
    assert server_error.status_code == 500
    for response in (redirect, not_found, server_error):
        assert response["Content-Security-Policy"] == STRICT


def test_base_layout_keeps_htmx_from_inserting_its_own_style_element(world: World) -> None:
    body = client_for(world.clinician).get(reverse("home")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false""" in body
    assert ".htmx-request .htmx-indicator" in (STATIC / "rugpad.css").read_text(encoding="utf-8")


INLINE = {
    "a style attribute": re.compile(r"""\sstyle\s*=""", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE),
    "a javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def test_there_are_templates_to_scan() -> None:
    assert len(TEMPLATES) > 30 and WEB / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_template_holds_inline_script_or_style(template: Path) -> None:
    markup = template.read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(markup)]
    found += [f"an inline script {tag}" for tag in SCRIPT_TAG.findall(markup) if "src=" not in tag]
    assert found == [], f"{template.relative_to(WEB)}: {found}"


def test_server_drawn_charts_use_presentation_attributes_only() -> None:
    from rugpad.web.outcomes.charts import bar_chart, line_chart

    day = dt.date(2026, 11, 1)
    points = [(day, 6.0), (day + dt.timedelta(days=21), 3.0)]
    line = line_chart(points, low=0, high=10, mcid=2, title="Pain", desc="Pain over time", band_label="MCID")
    bars = bar_chart([("wk 1", 50.0), ("wk 2", 100.0)], title="Exercises", desc="Done per week")
    for svg in (line, bars):
        assert "<svg" in svg and not INLINE["a style attribute"].search(svg) and "<style" not in svg


def test_the_api_docs_load_their_pinned_assets_from_this_server(db: None) -> None:
    """Swagger UI comes from django-ninja's own static files (its installed version), never from a CDN, and the
    page has no inline script the policy would refuse."""
    from django.test import Client

    page = Client().get("/api/docs").content.decode()
    assert "/static/ninja/" in page and "cdn." not in page and "jsdelivr" not in page
    assert "<script>" not in page
