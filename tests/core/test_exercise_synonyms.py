"""Exercise synonyms: everyday search words per language, validated in the core and present in the content."""

from __future__ import annotations

import pytest

from rugpad.content import ContentError
from rugpad.content.exercises import _synonyms, load_exercises
from rugpad.core.errors import InvalidInput
from rugpad.core.exercises import Synonyms
from rugpad.core.vocab import Lang


def test_synonyms_are_read_per_language_and_together() -> None:
    words = Synonyms(nl=("vogel",), en=("bird dog",))
    assert words.get(Lang.NL) == ("vogel",)
    assert words.get("en") == ("bird dog",)
    assert words.every() == ("vogel", "bird dog")


def test_an_empty_synonym_is_refused_naming_the_language() -> None:
    with pytest.raises(InvalidInput, match="synonyms: en"):
        Synonyms(nl=("vogel",), en=("  ",))


def test_an_exercise_without_synonyms_has_none() -> None:
    assert Synonyms().every() == ()


@pytest.mark.parametrize(
    "raw",
    [["vogel"], {"nl": "vogel"}, {"nl": ["vogel", ""]}, {"de": ["Vogel"]}],
)
def test_malformed_synonyms_in_the_content_are_refused(raw: object) -> None:
    with pytest.raises(ContentError, match="synonyms"):
        _synonyms(raw, "bird-dog: synonyms")


def test_french_synonyms_are_read_like_the_other_languages() -> None:
    words = _synonyms({"nl": ["vogel"], "fr": ["oiseau"]}, "bird-dog: synonyms")
    assert words.get(Lang.FR) == ("oiseau",) and words.every() == ("vogel", "oiseau")


def test_a_language_rugpad_does_not_speak_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput, match="synonyms: de"):
        Synonyms(nl=("vogel",), de=("Vogel",))


def test_every_exercise_has_everyday_words_in_dutch_and_english() -> None:
    for exercise in load_exercises().values():
        assert exercise.synonyms.get(Lang.NL) and exercise.synonyms.get(Lang.EN), exercise.id


def test_the_bird_dog_is_found_by_the_dutch_word_for_bird() -> None:
    assert "vogel" in load_exercises()["bird-dog"].synonyms.get(Lang.NL)
