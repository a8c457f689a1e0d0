"""Words in a patient's message that name an alarm sign: found on whole words, without case or accents, and each
tied to an alarm question of the diary. Never a triage: the web only shows when to contact whom."""

from __future__ import annotations

from typing import Any

import pytest

from rugpad import engine
from rugpad.content import ContentError, portal
from rugpad.content.portal import load_alarm_phrases, load_alarm_questions
from rugpad.core.diary import AlarmPhrase, alarm_phrases_in, normalise_words
from rugpad.core.vocab import Evidence

PHRASES = (
    AlarmPhrase("bladder", ("kan niet plassen", "cannot pee"), "s", Evidence.UNVERIFIED),
    AlarmPhrase("fever", ("koorts",), "s", Evidence.UNVERIFIED),
)


def test_words_are_lower_case_without_accents_or_punctuation() -> None:
    assert normalise_words("  Ik   KAN niet—plassen!! Één ") == " ik kan niet plassen een "


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sinds vanochtend kan ik niet goed plassen", ()),  # the words must stand together, in order
        ("Ik kan niet plassen sinds vanochtend", ("bladder",)),
        ("Koorts en ik kan niet plassen", ("bladder", "fever")),  # in the order of the list, each once
        ("ik heb geen koorts", ("fever",)),  # a negation still shows the instructions: the safer mistake
        ("koortsig", ()),  # whole words only (the content lists "koortsig" itself where it is meant)
        ("I cannot pee.", ("bladder",)),
        ("Alles gaat goed, dank u!", ()),
    ],
)
def test_phrases_are_found_on_whole_words(text: str, found: tuple[str, ...]) -> None:
    assert alarm_phrases_in(text, PHRASES) == found


def test_the_packaged_phrases_name_known_alarm_questions_and_are_marked_unverified() -> None:
    questions = load_alarm_questions()
    phrases = load_alarm_phrases()
    assert phrases
    for phrase in phrases:
        assert phrase.question in questions
        assert phrase.evidence is Evidence.UNVERIFIED
        assert all(word == normalise_words(word).strip() for word in phrase.words)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Ik kan sinds gisteren niet meer plassen", "bladder"),
        ("Mijn billen voelen doof", "saddle_numbness"),
        ("I have had a fever since Monday", "fever"),
        ("Ik zie dubbel", "double_vision"),
        ("My leg is getting weaker, I keep tripping over my foot", "limb_weaker"),
    ],
)
def test_the_engine_finds_everyday_words_for_alarm_signs(text: str, question: str) -> None:
    assert question in engine.alarm_phrases_in(text)


def test_an_ordinary_message_names_no_alarm_sign() -> None:
    assert engine.alarm_phrases_in("Dank u wel, de oefeningen gaan goed. Mag ik volgende week later komen?") == ()
    assert engine.alarm_phrases_in("Thank you, the exercises are going well.") == ()


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ([{"question": "nope", "nl": ["a"], "en": ["b"], "source": "portal-alarm-questions"}], "alarm question"),
        ([{"question": "fever", "en": ["a"], "source": "portal-alarm-questions", "evidence": "unverified"}], "nl"),
        ([{"question": "fever", "nl": ["a"], "de": ["b"], "source": "portal-alarm-questions"}], "unknown key de"),
        ([{"question": "fever", "nl": ["!!"], "en": ["b"], "source": "portal-alarm-questions"}], "no letters"),
        ([{"question": "fever", "nl": ["a"], "en": ["b"], "source": "nope", "evidence": "unverified"}], "source"),
    ],
)
def test_the_loader_refuses_a_malformed_file(
    monkeypatch: pytest.MonkeyPatch, entries: list[dict[str, Any]], problem: str
) -> None:
    monkeypatch.setattr(portal, "read_yaml", lambda path: entries if "phrases" in path else portal.read_yaml(path))
    load_alarm_phrases.cache_clear()
    try:
        with pytest.raises(ContentError, match=problem):
            load_alarm_phrases()
    finally:
        monkeypatch.undo()
        load_alarm_phrases.cache_clear()
