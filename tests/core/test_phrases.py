"""The phrase catalogue: the words the code puts together live in content/data/phrases/, complete in every language,
and the core reads them only once a catalogue is installed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rugpad.cli import main
from rugpad.content import ContentError
from rugpad.content.phrases import load_phrase_file, load_phrases, parse_phrases, placeholders
from rugpad.core.text import Text, fallback_marker, listing, number, phrase
from rugpad.core.vocab import Lang

SOURCE = Path(__file__).resolve().parents[2] / "src" / "rugpad"
NAMED = re.compile(r"""\bphrase\(\s*["']([\w.]+)["']\s*\)""")
MARKERS = tuple(fallback_marker(lang).strip() for lang in Lang)  # "[NL]", "[EN]", "[FR]"


def named_in_the_code() -> dict[str, list[str]]:
    """Every phrase key the code names, with the files that name it."""
    found: dict[str, list[str]] = {}
    for path in SOURCE.rglob("*.py"):
        for key in NAMED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(str(path.relative_to(SOURCE)))
    return found


# --- the catalogue itself ------------------------------------------------------------------------------------------


def test_every_phrase_has_every_language_with_the_same_placeholders() -> None:
    catalogue = load_phrases()
    assert len(catalogue) > 100
    for key, text in catalogue.items():
        assert text.missing() == (), key
        names = {lang: placeholders(words, key) for lang, words in text.items()}
        assert len(set(names.values())) == 1, (key, names)


def test_every_phrase_the_code_names_is_in_the_catalogue_and_every_phrase_is_used() -> None:
    named = named_in_the_code()
    catalogue = load_phrases()
    assert sorted(set(named) - set(catalogue)) == []
    assert sorted(set(catalogue) - set(named)) == []  # a phrase nobody reads is dead content


def test_a_file_is_read_only_when_one_of_its_phrases_is_asked_for() -> None:
    assert set(load_phrase_file("triage")) <= {key for key in load_phrases() if key.startswith("triage.")}
    assert load_phrase_file("nonexistent") == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"gone": {"nl": "weg", "en": "gone"}}, r"demo\.gone: needs every language; missing fr"),
        ({"age": {"nl": "ouder dan {limit}", "en": "over {limit}", "fr": "plus de {age}"}}, r"fr has placeholders"),
        ({"age": {"nl": "ouder dan {}", "en": "over {}", "fr": "plus de {}"}}, r"must be a plain name"),
        ({"age": {"nl": "{limit:g}", "en": "{limit:g}", "fr": "{limit:g}"}}, r"must be a plain name"),
        ({"age": {"nl": "ouder dan {limit", "en": "over", "fr": "plus"}}, r"demo\.age: nl: .*literal brace"),
        ({"age": {"nl": "oud", "en": "old", "fr": "vieux", "de": "alt"}}, r"a phrase is a text per language"),
        ({"group": {"inner": {"nl": "a"}, "text": "b"}}, r"demo\.group: a phrase is a text per language"),
        ({"two words": {"nl": "a", "en": "a", "fr": "a"}}, r"a key is a plain word"),
        ([], r"must be a mapping"),
    ],
)
def test_a_broken_phrase_is_refused_naming_the_file_and_key(raw: object, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        parse_phrases(raw, "demo", "phrases/demo.yaml")


def test_nested_keys_are_joined_with_dots() -> None:
    parsed = parse_phrases({"need": {"age": {"nl": "leeftijd", "en": "age", "fr": "âge"}}}, "triage", "t.yaml")
    assert parsed["triage.need.age"].get(Lang.FR) == "âge"


def test_french_puts_a_no_break_space_before_double_punctuation() -> None:
    for key, text in load_phrases().items():
        french = text.get(Lang.FR)
        assert not re.search(r" [:;?!%]", french), (key, french)  # a plain space would let ':' start a new line


# --- the registry in the core --------------------------------------------------------------------------------------

BEFORE_INSTALLATION = """
import sys
import rugpad.core.triage  # the core imports (and builds its constants) without any catalogue
from rugpad.core.text import PhraseError, phrase
assert "rugpad.content" not in sys.modules
try:
    phrase("triage.not_decided").get("fr")
except PhraseError as error:
    print(error)
"""


def test_a_phrase_read_before_a_catalogue_is_installed_names_its_key() -> None:
    done = subprocess.run([sys.executable, "-c", BEFORE_INSTALLATION], capture_output=True, text=True, check=True)
    assert "'triage.not_decided'" in done.stdout and "before a phrase catalogue was installed" in done.stdout


ENTRY_POINT = """
import os, sys
entry = sys.argv[1]
if entry == "web":
    os.environ["DJANGO_SETTINGS_MODULE"] = "rugpad.web.settings_test"
    import django
    django.setup()
else:
    import importlib
    importlib.import_module(entry)
from rugpad.core import text
print(text._catalogue is not None or text._load_catalogue is not None)
"""


@pytest.mark.parametrize("entry", ["rugpad.engine", "rugpad.cli.triage", "rugpad.cli.languages", "web"])
def test_every_entry_point_installs_the_catalogue_before_it_reads_a_phrase(entry: str) -> None:
    done = subprocess.run([sys.executable, "-c", ENTRY_POINT, entry], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_a_key_the_catalogue_lacks_is_named() -> None:
    from rugpad.core.text import PhraseError

    with pytest.raises(PhraseError, match=r"'triage\.no_such_words' is not in the phrase catalogue"):
        phrase("triage.no_such_words").get(Lang.NL)


def test_a_phrase_works_as_a_text() -> None:
    words = phrase("triage.not_decided")
    assert words == load_phrases()["triage.not_decided"] and words.languages == tuple(Lang)
    filled = words.format(needs=phrase("triage.need.age"))
    assert filled.get(Lang.FR).endswith("la date de naissance") and "{needs}" not in filled.get(Lang.NL)


def test_lists_and_numbers_are_written_per_language() -> None:
    parts = [Text.verbatim("A"), Text.verbatim("B"), Text.verbatim("C")]
    assert listing(parts).as_dict() == {"nl": "A, B en C", "en": "A, B and C", "fr": "A, B et C"}
    assert listing(parts[:1]) == parts[0] and listing([]) == Text()
    assert number(42.9).as_dict() == {"nl": "42,9", "en": "42.9", "fr": "42,9"}
    assert number(65).as_dict() == {"nl": "65", "en": "65", "fr": "65"}


def test_a_deferred_text_is_made_once_when_first_read() -> None:
    made: list[int] = []

    def make() -> Text:
        made.append(1)
        return Text(nl="een", en="one", fr="un")

    text = Text.deferred(make)
    assert made == []
    assert text.get(Lang.FR) == "un" and text.get(Lang.EN) == "one" and made == [1]


# --- French through the command line -------------------------------------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


def test_a_french_triage_prints_french_reasons_without_fallback_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.json"
    # corticosteroids without an age: a fracture red flag that cannot be ruled out, and no profile without STarT Back
    case.write_text(json.dumps({"region": "low_back", "signs": ["long_term_corticosteroids"]}), encoding="utf-8")
    out = run(["triage", str(case), "--format", "text", "--lang", "fr"], capsys)
    assert "!! Drapeau rouge impossible à exclure faute de données\u00a0:" in out
    assert "Impossible à déterminer\u00a0; veuillez compléter\u00a0: la date de naissance" in out
    assert "Aucun drapeau rouge trouvé." in out and "Pourquoi\u00a0? rugpad explain <id>" in out
    assert not any(marker in out for marker in MARKERS), out
    data = json.loads(run(["triage", str(case), "--lang", "fr"], capsys))
    reasons = [item["reason"] for item in data["undecided"]]
    assert reasons and all(reason.startswith("Impossible à déterminer") for reason in reasons)
    assert not any(marker in json.dumps(data, ensure_ascii=False) for marker in MARKERS)


def test_the_json_shape_does_not_change_with_the_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"region": "low_back", "age": 70, "signs": ["minor_trauma"]}), encoding="utf-8")

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(item) for item in value]
        return type(value).__name__

    english = json.loads(run(["triage", str(case)], capsys))
    french = json.loads(run(["triage", str(case), "--lang", "fr"], capsys))
    assert shape(french) == shape(english)
    assert french["undecided"] != english["undecided"]  # the reasons follow the language, the ids do not
    assert [item["needs"] for item in french["undecided"]] == [item["needs"] for item in english["undecided"]]


@pytest.mark.parametrize(
    ("argv", "french"),
    [
        (["explain", "rf.cauda_equina"], ["Type\u00a0: drapeau rouge", "Quand\u00a0: région\u00a0: bas du dos"]),
        (["instruments"], ["licence\u00a0:", "non vérifié\u00a0:"]),
        (["evaluate", "examples/evaluate/diary-alarm-open.json"], ["Dépistage des drapeaux rouges\u00a0:", "Décision"]),
    ],
)
def test_other_commands_speak_french_too(
    argv: list[str], french: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SOURCE.parents[1])
    out = run([*argv, "--format", "text", "--lang", "fr"], capsys)
    for words in french:
        assert words in out, (words, out)
    assert not any(marker in out for marker in MARKERS), out


def test_a_french_score_reads_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "odi.json"
    answers.write_text(json.dumps({"answers": {str(n): 2 for n in range(1, 10)}}), encoding="utf-8")
    out = run(["score", "odi", str(answers), "--format", "text", "--lang", "fr"], capsys)
    assert "Score\u00a0: 40 (0-100, plus élevé signifie moins bon)" in out
    assert "Items manquants\u00a0: 10" in out
