"""Languages as data: a text is a mapping from language to words, content may lack a language (the reader sees
another behind a marker), and the content check lists — and here fails on — every gap in the shipped content."""

from __future__ import annotations

import pytest

from rugpad import engine
from rugpad.cli import main
from rugpad.content.languages import Gap, _gaps_in
from rugpad.core.text import Text, fallback_order
from rugpad.core.vocab import Lang


def test_the_shipped_content_is_complete_in_every_language() -> None:
    gaps = engine.missing_translations()
    assert gaps == [], "\n".join(str(gap) for gap in gaps[:40])


def test_the_check_names_the_file_the_place_and_the_missing_language() -> None:
    raw = [{"id": "rf.demo", "name": {"nl": "Naam", "en": "Name"}, "action": {"nl": "Nu", "en": "Now", "fr": "Là"}}]
    assert list(_gaps_in(raw, "rules/demo.yaml", "")) == [Gap("rules/demo.yaml", "[rf.demo].name", (Lang.FR,))]
    assert str(Gap("rules/demo.yaml", "[rf.demo].name", (Lang.FR,))) == "rules/demo.yaml: [rf.demo].name: missing fr"


def test_an_answer_option_with_a_value_beside_its_words_is_a_text() -> None:
    raw = {"options": [{"value": 0, "nl": "Nee", "en": "No", "fr": "Non"}, {"value": 1, "nl": "Ja", "en": "Yes"}]}
    assert [gap.where for gap in _gaps_in(raw, "instruments/x.yaml", "")] == ["options[1]"]


def test_a_text_in_the_readers_language_is_shown_as_written() -> None:
    text = Text(nl="Rust", en="Rest", fr="Repos")
    assert [text.get(lang) for lang in Lang] == ["Rust", "Rest", "Repos"]
    assert text.missing() == ()


def test_a_missing_language_falls_back_to_dutch_first_behind_a_visible_marker() -> None:
    text = Text(nl="Rust", en="Rest")
    assert text.get(Lang.FR) == "[NL] Rust"
    assert text.exact(Lang.FR) is None
    assert Text(en="Rest").get(Lang.FR) == "[EN] Rest"
    assert Text(fr="Repos").get(Lang.NL) == "[FR] Repos"
    assert fallback_order(Lang.FR)[0] is Lang.NL


def test_texts_are_built_per_language_only_where_every_part_has_it() -> None:
    full = Text(nl="rug", en="back", fr="dos")
    partial = Text(nl="nek", en="neck")
    joined = Text.join(" / ", (full, partial))
    assert joined.as_dict() == {"nl": "rug / nek", "en": "back / neck"}
    assert joined.get(Lang.FR) == "[NL] rug / nek"
    template = Text(nl="regio: {region}", en="region: {region}", fr="région : {region}")
    assert template.format(region=full).as_dict() == {"nl": "regio: rug", "en": "region: back", "fr": "région : dos"}
    assert template.map(str.upper).get(Lang.FR) == "RÉGION : {REGION}"


def test_equal_words_are_equal_texts_and_an_empty_text_reads_as_nothing() -> None:
    assert Text(nl="a", en="b") == Text({"en": "b", "nl": "a"})
    assert hash(Text(nl="a", en="b")) == hash(Text({"en": "b", "nl": "a"}))
    assert not Text() and Text().get(Lang.FR) == ""


def test_an_unknown_language_code_is_refused() -> None:
    with pytest.raises(ValueError):
        Text({"de": "Ruhe"})


def test_the_languages_command_lists_the_gaps_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(engine, "missing_translations", lambda: [Gap("rules/x.yaml", "[rf.x].name", (Lang.FR,))])
    assert main(["languages"]) == 1
    out = capsys.readouterr().out
    assert "rules/x.yaml: [rf.x].name: missing fr" in out and "1 texts lack a language (nl, en, fr)" in out


def test_the_languages_command_exits_0_when_complete(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(engine, "missing_translations", lambda: [])
    assert main(["languages"]) == 0
    assert "content complete in every language (nl, en, fr)" in capsys.readouterr().out
