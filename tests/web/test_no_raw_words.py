"""No raw words: every page of the demo practice, as every role, in Dutch, English and French, shows words a person
reads.

The walk logs in as each clinician, the practice admin and each patient with a login, and follows the links on
each page within the site (same-origin GET links; not logout, downloads, static files or one-time tokens), at most
`MAX_PAGES` pages per role and language. On each page it reads the visible text — the text between the tags
outside scripts and styles, plus the attribute values a person reads or hears (title, aria-label, placeholder,
alt, a button's value) — and collects every raw identifier, English word on a Dutch page, leaked Python value and
English-formatted number. It fails once, with every page and every offending text.

Rule ids may be shown inside a "why" explanation (an element with the class `why` or a `data-why` attribute), and
bibliographic citations (a `<cite>` element) may be in the language they were published in.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from rugpad.web.demo import demo_logins, load_demo
from rugpad.web.practice.models import User

pytestmark = pytest.mark.db_agnostic  # the same SQL on every database: CI runs it on SQLite only

MAX_PAGES = 150
"""Pages walked per role and language: the demo practice's pages fit, a runaway link pattern is cut off."""

MAX_PER_SHAPE = 6
"""Pages walked per URL shape (the path with its numbers replaced): enough patients to see every kind of state
(an emergency, a flag awaiting the GP, a discharge, each profile) without walking every patient's every page."""

LANGUAGES = ("nl", "en", "fr")

SKIPPED_PATHS = re.compile(
    r"^/(static|media|i18n|api|django-admin|logout|health)/"
    r"|\.(pdf|ics|svg|png|jpg|css|js|json|webmanifest)$"
    r"|/pdf/$"
    r"|^/portal/welcome/"  # one-time invitation tokens
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


@dataclass
class Chunk:
    text: str
    why: bool  # inside an explanation block: rule ids are allowed
    cite: bool  # inside a bibliographic citation: any language, any id


@dataclass
class PageText(HTMLParser):
    chunks: list[Chunk] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    _stack: list[tuple[str, bool, bool, bool]] = field(default_factory=list)  # tag, why, cite, hidden
    _option: list[str] | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    @property
    def _why(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    @property
    def _cite(self) -> bool:
        return bool(self._stack) and self._stack[-1][2]

    @property
    def _skipped(self) -> bool:
        return bool(self._stack) and self._stack[-1][3]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        why = self._why or "why" in values.get("class", "").split() or "data-why" in values
        cite = self._cite or tag == "cite"
        # Scripts and styles are not read; nor is the language switcher, whose choices name each language in itself.
        skipped = self._skipped or tag in ("script", "style") or "/i18n/" in values.get("action", "")
        if not skipped:
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self.chunks.append(Chunk(values[name], why, cite))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.chunks.append(Chunk(values["value"], why, cite))
            if tag == "a" and values.get("href"):
                self.links.append(values["href"])
        if tag == "option":
            self._option = []
        if tag not in VOID:
            self._stack.append((tag, why, cite, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None:
            self.options.append(" ".join(self._option).strip())
            self._option = None
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self._skipped or not data.strip():
            return
        if self._option is not None:
            self._option.append(data.strip())
        self.chunks.append(Chunk(" ".join(data.split()), self._why, self._cite))


# ---- what a person must never read ------------------------------------------------------------------------------

URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SNAKE = re.compile(r"\b[A-Za-z0-9]*[a-z0-9]_[a-z0-9_]+\b")
# A slug: lowercase words joined by hyphens, three or more of them ("standing-pelvic-stretch"), or a word with a
# number part ("reevaluation-3-4-weeks", "week-6"). Two-word hyphenations ("re-evaluatie", "niet-specifieke",
# "follow-up") are ordinary Dutch and English.
KEBAB = re.compile(
    r"(?<![\w-])(?:[a-z]+(?:-[a-z0-9]+){2,}|[a-z]+(?:-[a-z]+)*-[0-9]+(?:-[a-z0-9]+)*|[0-9]+-[a-z]+(?:-[a-z0-9]+)*)(?![\w-])"
)
FRENCH_INVERSION = re.compile(r"^[a-zà-ÿ]+-t-(?:il|elle|on|ils|elles)$")
"""A French question's inverted subject ("a-t-il", "va-t-elle"): French, not a slug."""
DOTTED = re.compile(r"(?<![\w.])[a-z][a-z0-9_]+(?:\.[a-z0-9_]{2,})+(?![\w.])")
TOP_LEVEL_DOMAINS = {"nl", "be", "com", "org", "net", "eu", "int", "gov", "io", "uk"}
SOURCE_LINE = re.compile(r"\((?:bron|source):\s*[\w.-]+\)", re.IGNORECASE)
EMPTY_CHOICE = re.compile(r"^-{3,}$")

RAW_ENUM_WORDS_NL = (
    "emergency",
    "urgent",
    "moderate",
    "minimal",
    "low",
    "high",
    "medium",
    "proposal accepted",
    "dose changed",
    "None",
    "True",
    "False",
)
"""Values of the engine's vocabularies and Python's constants that show through untranslated on a Dutch page."""

ENGLISH_WORDS = (
    # Function words that no Dutch sentence uses ("of" is Dutch for "or", "die", "over", "door", "even" and "in"
    # are Dutch words too, so they are not here).
    "the",
    "and",
    "with",
    "your",
    "you",
    "this",
    "that",
    "which",
    "these",
    "those",
    "from",
    "has",
    "have",
    "are",
    "were",
    "will",
    "should",
    "would",
    "could",
    "can't",
    "isn't",
    "don't",
    "not",
    "there",
    "their",
    "they",
    "what",
    "when",
    "where",
    "please",
    "about",
    "after",
    "before",
    "without",
    "yes",
    # UI words.
    "save",
    "cancel",
    "delete",
    "edit",
    "search",
    "show",
    "hide",
    "submit",
    "download",
    "previous",
    "next",
    "page",
    "today",
    "yesterday",
    "days",
    "weeks",
    "months",
    "none",
    "known",
    "unknown",
    "required",
    "patient list",
    "my page",
    "my exercises",
    "my diary",
    "my progress",
    "log out",
    "red flag",
    "red flags",
    "questionnaire",
    "questionnaires",
    "exercise",
    "exercises",
    "diary",
    "progress",
    "report",
    "consent",
    "evaluation",
    "settings",
    "history",
    "version",
    "refused",
    "not found",
    "forbidden",
    "reevaluation",
    "end",
    "baseline",
)
"""Common English words of rugpad's pages that never occur in a Dutch sentence ("Patiënt", "profiel", "intake",
"screening", "episode", "been" (leg) and "dashboard" are Dutch, so they are not here; nor is "pain", a word of the
instruments' proper names)."""

FRENCH_TOO = {"page", "version", "questionnaire", "questionnaires"}
"""English words of the list above that are French words as well."""

ENGLISH_ON_FRENCH = re.compile(
    r"(?<![\w'-])(?:" + "|".join(re.escape(w) for w in ENGLISH_WORDS if w not in FRENCH_TOO) + r")(?![\w'-])", re.I
)
FALLBACK = re.compile(r"\[(?:NL|EN|FR)\] ")
"""The marker of a content text shown in another language than the page's: the shipped content has every language."""

ENGLISH = re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![\w'-])", re.I)
RAW_NL = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in RAW_ENUM_WORDS_NL) + r")(?![\w-])")
ENGLISH_DECIMAL = re.compile(r"(?<![\w.,])\d+\.\d+(?![\w.,]|\s*uur)")
LEAKED_NONE_EN = re.compile(r"^None$|:\s*None\b|\bNone known\b")


def raw_model_names() -> re.Pattern[str]:
    """The joined names of rugpad's models ("gpreport", "redflag", "instrumentresponse"): how a record kind reads
    when a page shows the model instead of words."""
    names = sorted(
        m._meta.model_name or ""
        for m in apps.get_models()
        if m.__module__.startswith("rugpad.") and " " in str(m._meta.verbose_name)
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(names) + r")(?![\w-])", re.IGNORECASE)


MODEL_NAMES = raw_model_names()


def problems(chunks: list[Chunk], options: list[str], lang: str) -> Iterator[str]:
    for chunk in chunks:
        if chunk.cite:
            continue
        text = URL.sub(" ", chunk.text)
        if chunk.why:  # the rule ids an explanation names are not words to check ("schedule.end")
            text = DOTTED.sub(" ", KEBAB.sub(" ", SNAKE.sub(" ", text)))
        else:
            for pattern in (SNAKE, KEBAB):
                yield from (
                    f"identifier {m.group(0)!r} in {text!r}"
                    for m in pattern.finditer(text)
                    if not FRENCH_INVERSION.match(m.group(0))
                )
            for match in DOTTED.finditer(text):
                if match.group(0).rsplit(".", 1)[1] not in TOP_LEVEL_DOMAINS:
                    yield f"dotted id {match.group(0)!r} in {text!r}"
            yield from (f"source line {m.group(0)!r} in {text!r}" for m in SOURCE_LINE.finditer(text))
            yield from (f"model name {m.group(0)!r} in {text!r}" for m in MODEL_NAMES.finditer(text))
        if lang == "nl":
            yield from (f"untranslated {m.group(0)!r} in {text!r}" for m in RAW_NL.finditer(text))
            yield from (f"English {m.group(0)!r} in {text!r}" for m in ENGLISH.finditer(text))
            yield from (f"English number {m.group(0)!r} in {text!r}" for m in ENGLISH_DECIMAL.finditer(text))
        elif LEAKED_NONE_EN.search(text):
            yield f"Python None in {text!r}"
        if lang == "fr":
            yield from (f"English {m.group(0)!r} in {text!r}" for m in ENGLISH_ON_FRENCH.finditer(text))
            yield from (f"English number {m.group(0)!r} in {text!r}" for m in ENGLISH_DECIMAL.finditer(text))
        if lang != "nl":
            yield from (f"text in another language {m.group(0)!r} in {text!r}" for m in FALLBACK.finditer(text))
    for option in options:
        if EMPTY_CHOICE.match(option):
            yield f"empty select choice {option!r}"


# ---- the walk ---------------------------------------------------------------------------------------------------


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(client: Client, lang: str) -> dict[str, list[str]]:
    """Every page reachable from the home page by links, with what is wrong on it."""
    client.cookies["django_language"] = lang
    found: dict[str, list[str]] = {}
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    per_shape: dict[str, int] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang, follow=True)
        visited += 1
        seen.update(urlsplit(target).path for target, _status in response.redirect_chain)
        if response.status_code >= 500:
            found.setdefault(url, []).append(f"status {response.status_code}")
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = PageText()
        parser.feed(response.content.decode())
        parser.close()
        trouble = sorted(set(problems(parser.chunks, parser.options, lang)))
        if trouble:
            found[url] = trouble
        for href in parser.links:
            target = _internal(href, url)
            if target is None or target in seen:
                continue
            seen.add(target)
            key = shape(urlsplit(target).path)
            per_shape[key] = per_shape.get(key, 0) + 1
            if per_shape[key] <= MAX_PER_SHAPE:
                queue.append(target)
    return found


def _internal(href: str, page: str) -> str | None:
    href = urldefrag(href)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None  # another site (sources, licences)
    path = parts.path if parts.path.startswith("/") else urlsplit(page).path.rsplit("/", 1)[0] + "/" + parts.path
    if SKIPPED_PATHS.search(path) or "token" in parts.query:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _roles() -> list[tuple[str, str]]:
    logins = demo_logins()
    roles = [("clinician", name) for name in logins["clinicians"]]
    roles.append(("practice admin", logins["practice_admin"]))
    roles += [("patient", name) for name in logins["patients"]]
    return roles


@pytest.mark.django_db
def test_no_page_of_the_demo_practice_shows_a_raw_word_to_any_role_in_any_language() -> None:
    load_demo(timezone.localdate())
    report: list[str] = []
    walked = 0
    for role, username in _roles():
        user = User.objects.get(username=username)
        for lang in LANGUAGES:
            client = Client()
            client.force_login(user)
            found = walk(client, lang)
            walked += 1
            for url, trouble in found.items():
                report.append(f"[{lang}] {role} {username} {url}\n    " + "\n    ".join(trouble))
    assert walked >= len(LANGUAGES) * 4, "the walk met fewer roles than the demo practice has"
    assert not report, f"{len(report)} page(s) show raw words:\n" + "\n".join(report)


# ---- the detector itself: it flags the words the issue found, and leaves plain Dutch alone ------------------------


@pytest.mark.parametrize(
    ("html", "lang"),
    [
        ('<span class="badge">emergency</span>', "nl"),
        ("<p>Verandering: 2.29 punten</p>", "nl"),
        ("<p>STARTBACK 2 (low) low</p>", "nl"),
        ("<td>reevaluation-3-4-weeks</td>", "en"),
        ("<p>Opgeslagen door anna: proposal accepted</p>", "nl"),
        ("<li>dose changed: graded-activity-plan</li>", "nl"),
        ("<p>Meegewogen aandoeningen: radicular recent_surgery</p>", "en"),
        ("<td>gpreport 3</td>", "en"),
        ("<p>Licentie: None known</p>", "nl"),
        ("<p>Pijn stijgt (bron: portal-trend-setting)</p>", "en"),
        ('<select><option value="">---------</option></select>', "en"),
        ('<input title="Save the plan">', "nl"),
        ("<p>Ga naar de patient list</p>", "nl"),
        ("<p>Regel plan.radicular.neck.exercise</p>", "en"),
        ("<p>Enregistrer the plan</p>", "fr"),
        ("<p>[NL] Rustig wandelen</p>", "fr"),
        ("<p>Score : 2.5</p>", "fr"),
    ],
)
def test_the_scan_flags_raw_words(html: str, lang: str) -> None:
    parser = PageText()
    parser.feed(html)
    assert list(problems(parser.chunks, parser.options, lang))


@pytest.mark.parametrize(
    "html",
    [
        "<p>Patiënt: profiel 2, niet-specifieke lage rugpijn; re-evaluatie over 3-4 weken of eerder.</p>",
        "<p>Straalt de pijn uit in één been tot onder de knie? Huisarts gebeld om 16.00 uur.</p>",
        "<p>Verandering: 2,29 punten op 21-11-2026 (0-10).</p>",
        '<div class="why">Regel: <code>lbp.profile.low_risk</code></div>',
        "<p>Bron: <cite>NICE NG59. Low back pain and sciatica: assessment and management.</cite></p>",
        '<form action="/i18n/setlang/"><select><option>English</option></select></form>',
        "<p>Episode afsluiten; intake en screening zijn gedaan. Mail naar info@rugpad.nl of www.kngf.nl.</p>",
    ],
)
def test_the_scan_leaves_plain_dutch_alone(html: str) -> None:
    parser = PageText()
    parser.feed(html)
    assert list(problems(parser.chunks, parser.options, "nl")) == []


@pytest.mark.parametrize(
    "html",
    [
        "<p>Votre questionnaire : page 2 de 3, version 2026.</p>",
        "<p>Avez-vous mal la nuit ? Appelez le médecin de garde au 1733 ; score 2,5 sur 10.</p>",
        "<p>La douleur a-t-elle disparu ? Va-t-il mieux ?</p>",
    ],
)
def test_the_scan_leaves_plain_french_alone(html: str) -> None:
    parser = PageText()
    parser.feed(html)
    assert list(problems(parser.chunks, parser.options, "fr")) == []
