"""The packaged education modules: both languages, valid front matter, real sources, plain language, sensible sets."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest

from rugpad.content import ContentError, list_files, load_sources, read_text
from rugpad.content.education import MAX_WORDS, MIN_WORDS, load_education
from rugpad.core.education import (
    EVERY_PATIENT,
    PROFILES,
    UNCONFIRMED_MARK,
    EducationModule,
    average_sentence_words,
    modules_for,
    word_count,
)
from rugpad.core.vocab import Evidence, Lang, Region

LIBRARY = load_education()
MODULES = list(LIBRARY.values())
CONTACT = "when-to-contact-now"
NERVE = "nerve-pain-leg-or-arm"
DE_DRAMATISING = {"why-back-pain-recovers", "neck-pain-course", "what-a-scan-shows", "moving-beats-resting"}
"""Modules that take fear away; they must be read before any module that asks something of the patient."""
TOPICS = {
    "why-back-pain-recovers",
    "neck-pain-course",
    "what-a-scan-shows",
    "moving-beats-resting",
    "cracking-and-manipulation",
    "strength-training-and-joints",
    "after-a-hands-on-session",
    "pacing-and-pain-monitoring",
    "work-and-staying-at-work",
    NERVE,
    CONTACT,
}
B1_MAX_AVERAGE_SENTENCE_WORDS = 15
"""Readability proxy for B1 plain language (project brief): short sentences."""
PATIENT_CASES = [
    (region, profile, radicular)
    for region in Region
    for profile in sorted(PROFILES[region])
    for radicular in (False, True)
]


def ids(modules: tuple[EducationModule, ...]) -> list[str]:
    return [m.id for m in modules]


def by_id(module_id: str) -> EducationModule:
    return LIBRARY[module_id]


def test_library_has_every_required_topic() -> None:
    assert set(LIBRARY) >= TOPICS


def test_every_module_has_a_file_in_every_language() -> None:
    files = set(list_files("education", ".md"))
    for module_id in LIBRARY:
        for lang in Lang:
            assert f"education/{module_id}.{lang}.md" in files
    assert len(files) == len(Lang) * len(LIBRARY)


def test_load_education_is_cached() -> None:
    assert load_education() is LIBRARY


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_front_matter_is_complete_and_the_languages_differ_only_in_words(module: EducationModule) -> None:
    assert module.regions
    assert module.profiles
    assert module.reading_minutes >= 1
    for lang in Lang:
        assert module.title.get(lang) and module.summary.get(lang) and module.body.get(lang)
        assert "\n" not in module.summary.get(lang)
        assert not module.body.get(lang).startswith("---")
    assert module.title.get(Lang.NL) != module.title.get(Lang.EN)
    assert module.body.get(Lang.NL) != module.body.get(Lang.EN)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_every_source_exists_and_the_evidence_is_the_weakest_link(module: EducationModule) -> None:
    sources = load_sources()
    assert module.source_ids
    assert all(source_id in sources for source_id in module.source_ids)
    cited = {sources[source_id].evidence for source_id in module.source_ids}
    marked = UNCONFIRMED_MARK.get(Lang.EN) in module.body.get(Lang.EN)
    if marked or Evidence.UNVERIFIED in cited:
        assert module.evidence is Evidence.UNVERIFIED
    elif Evidence.SECONDARY in cited:
        assert module.evidence is Evidence.SECONDARY
    else:
        assert module.evidence is Evidence.VERIFIED


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_both_languages_mark_the_same_number_of_unconfirmed_sentences(module: EducationModule) -> None:
    assert module.body.get(Lang.NL).count(UNCONFIRMED_MARK.get(Lang.NL)) == module.body.get(Lang.EN).count(
        UNCONFIRMED_MARK.get(Lang.EN)
    )


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
@pytest.mark.parametrize("lang", list(Lang))
def test_length_and_sentence_length_stay_at_b1_level(module: EducationModule, lang: Lang) -> None:
    body = module.body.get(lang)
    assert MIN_WORDS <= word_count(body) <= MAX_WORDS
    assert average_sentence_words(body) <= B1_MAX_AVERAGE_SENTENCE_WORDS
    assert "## " in body, "use headings to break up the text"
    assert re.search(r"^- ", body, re.MULTILINE), "use at least one short list"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_reading_minutes_fit_the_length(module: EducationModule) -> None:
    words = max(word_count(module.body.get(Lang.NL)), word_count(module.body.get(Lang.EN)))
    # 100-200 words a minute is a generous band for slow and fast B1 readers.
    assert words / 200 <= module.reading_minutes <= max(1.0, words / 100)


@pytest.mark.parametrize("lang", list(Lang))
def test_texts_address_the_reader_directly(lang: Lang) -> None:
    you = {Lang.EN: r"\byour?\b", Lang.NL: r"\bu(?:w)?\b", Lang.FR: r"\b(?:vous|votre|vos)\b"}[lang]
    for module in MODULES:
        assert len(re.findall(you, module.body.get(lang), re.IGNORECASE)) >= 5, module.id


@pytest.mark.parametrize(("region", "profile", "radicular"), PATIENT_CASES)
def test_every_patient_gets_the_contact_module_last_and_de_dramatising_first(
    region: Region, profile: str, radicular: bool
) -> None:
    chosen = ids(modules_for(LIBRARY, region, profile, radicular))
    assert chosen[-1] == CONTACT
    reassuring = [i for i, module_id in enumerate(chosen) if module_id in DE_DRAMATISING]
    others = [i for i, module_id in enumerate(chosen) if module_id not in DE_DRAMATISING]
    assert reassuring, "every patient starts with reassurance"
    assert max(reassuring) < min(others)
    assert "moving-beats-resting" in chosen


@pytest.mark.parametrize(("region", "profile", "radicular"), PATIENT_CASES)
def test_radicular_patients_and_only_they_or_neck_profile_d_get_the_nerve_pain_module(
    region: Region, profile: str, radicular: bool
) -> None:
    chosen = ids(modules_for(LIBRARY, region, profile, radicular))
    assert (NERVE in chosen) == (radicular or profile == "D")


def test_low_back_profiles_get_growing_sets() -> None:
    low, medium, high = (set(ids(modules_for(LIBRARY, Region.LOW_BACK, p, False))) for p in ("1", "2", "3"))
    assert low == {
        "why-back-pain-recovers",
        "what-a-scan-shows",
        "moving-beats-resting",
        "work-and-staying-at-work",
        CONTACT,
    }
    assert low < medium <= high
    assert {"cracking-and-manipulation", "pacing-and-pain-monitoring", "strength-training-and-joints"} <= medium


def test_neck_profile_a_gets_a_short_set_without_hands_on_modules() -> None:
    chosen = set(ids(modules_for(LIBRARY, Region.NECK, "A", False)))
    assert chosen == {"neck-pain-course", "moving-beats-resting", "work-and-staying-at-work", CONTACT}
    for profile in ("B", "C", "D"):
        assert chosen < set(ids(modules_for(LIBRARY, Region.NECK, profile, False)))


def test_region_specific_modules_stay_in_their_region() -> None:
    for profile in sorted(PROFILES[Region.NECK]):
        chosen = ids(modules_for(LIBRARY, Region.NECK, profile, True))
        assert "why-back-pain-recovers" not in chosen and "what-a-scan-shows" not in chosen
    for profile in sorted(PROFILES[Region.LOW_BACK]):
        assert "neck-pain-course" not in ids(modules_for(LIBRARY, Region.LOW_BACK, profile, True))


def test_a_patient_without_a_profile_gets_only_the_contact_module() -> None:
    for region in Region:
        assert ids(modules_for(LIBRARY, region, None, radicular=True)) == [CONTACT]


def test_contact_module_goes_to_everybody_and_names_the_alarm_signs_in_both_languages() -> None:
    contact = by_id(CONTACT)
    assert EVERY_PATIENT in contact.profiles
    assert contact.regions == frozenset(Region)
    for lang, words in {
        Lang.NL: ("112", "huisarts", "plassen", "ontlasting", "gevoelloos", "zwakker", "hoofdpijn", "dubbelzien"),
        Lang.EN: ("112", "GP", "pee", "stool", "numb", "weaker", "headache", "double vision"),
    }.items():
        body = contact.body.get(lang)
        for word in words:
            assert word in body, f"{lang}: {word}"


def _sections(body: str) -> dict[str, list[str]]:
    """Heading -> its bullets (the printed programme shows exactly these)."""
    sections: dict[str, list[str]] = {}
    heading = ""
    for line in body.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = []
        elif line.startswith("- ") and heading:
            sections[heading].append(line[2:].lower())
    return sections


CONTACT_LEVELS = {
    Lang.NL: {
        "Bel nu 112": ("hoofdpijn", "dubbel", "praten", "slikken", "flauw", "gezicht"),
        "Bel nu meteen uw huisarts, ook 's avonds of in het weekend": (
            "plassen",
            "ontlasting",
            "fietszadel",
            "allebei uw benen",
            "steeds zwakker",
            "kanker (gehad) of koorts",
        ),
        "Bel vandaag uw huisarts": ("wordt zwakker, en dat wordt erger", "koorts", "kleine val", "blijft gelijk"),
        "Maak deze week een afspraak bij uw huisarts": ("onzeker of wankel", "onhandig", "kanker gehad", "valt af"),
    },
    Lang.EN: {
        "Call 112 now": ("headache", "double", "speaking", "swallowing", "passing out", "face"),
        "Call your GP right now, also in the evening or at the weekend": (
            "pee",
            "stool",
            "bike",
            "both legs",
            "weaker and weaker",
            "cancer, or you have a fever",
        ),
        "Call your GP today": ("gets weaker, and it gets worse", "fever", "small fall", "stays the same"),
        "Make an appointment with your GP this week": ("unsteady", "clumsy", "had cancer", "lose weight"),
    },
    Lang.FR: {
        "Appelez le 112 maintenant": ("mal de tête", "double", "parler", "avaler", "connaissance", "visage"),
        "Appelez tout de suite votre médecin généraliste, même le soir ou le week-end": (
            "uriner",
            "selles",
            "vélo",
            "deux jambes",
            "de plus en plus faibles",
            "cancer, ou de la fièvre",
        ),
        "Appelez votre médecin généraliste aujourd'hui": (
            "devient plus faible, et cela s'aggrave",
            "fièvre",
            "petite chute",
            "ne change pas",
        ),
        "Prenez rendez-vous chez votre médecin généraliste cette semaine": (
            "instable",
            "maladroites",
            "eu un cancer",
            "poids",
        ),
    },
}
"""Which signs the contact module names at which level: the level of the red-flag rule a "yes" raises (112 for
stroke-like signs; the GP now for cauda equina, cord compression and cancer or fever with a deficit; the GP today
for urgent rules; this week for soon rules such as unsteady walking and a history of cancer alone)."""


@pytest.mark.parametrize("lang", list(Lang))
def test_contact_module_names_each_sign_at_the_level_of_its_red_flag_rule(lang: Lang) -> None:
    sections = _sections(by_id(CONTACT).body.get(lang))
    for heading, words in CONTACT_LEVELS[lang].items():
        assert heading in sections, heading
        bullets = " | ".join(sections[heading])
        for word in words:
            assert word.lower() in bullets, f"{heading}: {word}"


@pytest.mark.parametrize(
    ("lang", "word"), [(Lang.NL, "wankel"), (Lang.EN, "unsteady"), (Lang.NL, "onhandig"), (Lang.FR, "instable")]
)
def test_contact_module_names_unsteady_walking_and_clumsy_hands_once(lang: Lang, word: str) -> None:
    """The review found 'unsteady' under 112 and 'walking unsteadily' under 'GP today': one sign, one level."""
    assert by_id(CONTACT).body.get(lang).lower().count(word) == 1


def test_contact_module_says_112_for_bladder_problems_only_when_severe() -> None:
    """Facts §2.1a: in NL most urgent back problems go to the GP or huisartsenpost; 112 for a threatening emergency."""
    for lang, heading in ((Lang.NL, "Bel nu 112"), (Lang.EN, "Call 112 now")):
        bullets = " ".join(_sections(by_id(CONTACT).body.get(lang))[heading])
        assert "plassen" not in bullets and "pee" not in bullets and "blaas" not in bullets
    assert "helemaal niet plassen" in by_id(CONTACT).body.get(Lang.NL) and "cannot pee at all" in by_id(
        CONTACT
    ).body.get(Lang.EN)
    assert "1733" in by_id(CONTACT).body.get(Lang.NL) and "huisartsenpost" in by_id(CONTACT).body.get(Lang.NL)


def test_cracking_module_explains_cavitation_and_the_exercise_package() -> None:
    cracking = by_id("cracking-and-manipulation")
    assert "gas bubble" in cracking.body.get(Lang.EN) and "gasbelletje" in cracking.body.get(Lang.NL)
    assert "not a therapy on its own" in cracking.body.get(Lang.EN) and "geen therapie op zich" in cracking.body.get(
        Lang.NL
    )
    assert "edu-nice-ng59" in cracking.source_ids


def test_pacing_module_leaves_the_pain_level_to_the_therapist_and_marks_the_next_morning_rule() -> None:
    pacing = by_id("pacing-and-pain-monitoring")
    assert "next morning (not yet confirmed)" in pacing.body.get(Lang.EN)
    assert "volgende ochtend weer gezakt is (nog niet bevestigd)" in pacing.body.get(Lang.NL)
    assert pacing.evidence is Evidence.UNVERIFIED
    assert not re.search(r"\b[0-9] (?:out of|op de) 10\b", pacing.body.get(Lang.EN) + pacing.body.get(Lang.NL)), (
        "no fixed pain level"
    )


def test_modules_pointing_to_another_module_are_read_together_with_it() -> None:
    pointers = {
        "pacing": "pacing-and-pain-monitoring",
        "scans": "what-a-scan-shows",
        "doseren": "pacing-and-pain-monitoring",
    }
    for region, profile, radicular in PATIENT_CASES:
        chosen = modules_for(LIBRARY, region, profile, radicular)
        for module in chosen:
            for word, target in pointers.items():
                if f"module on {word}" in module.body.get(Lang.EN) or f"module over {word}" in module.body.get(Lang.NL):
                    assert target in ids(chosen), f"{module.id} points to {target} for {region} {profile}"


def test_source_file_ids_are_prefixed_so_they_cannot_clash_with_other_areas() -> None:
    raw = read_text("sources/education.yaml")
    assert re.findall(r"^- id: (\S+)", raw, re.MULTILINE)
    assert all(source_id.startswith("edu-") for source_id in re.findall(r"^- id: (\S+)", raw, re.MULTILINE))


FILLER = " ".join(["Blijf bewegen."] * 130)


def fake_module(lang: str, **changes: object) -> str:
    front = {
        "id": "demo",
        "title": f"Demo {lang}",
        "summary": "One line.",
        "regions": "[low_back, neck]",
        "profiles": "[all]",
        "order": 1,
        "reading_minutes": 2,
        "sources": "[edu-kce-2017]",
        "evidence": "verified",
        **changes,
    }
    head = "\n".join(f"{key}: {value}" for key, value in front.items())
    return f"---\n{head}\n---\n\n## Kop\n\n{FILLER}\n"


def load_fake(monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Mapping[str, EducationModule]:
    import rugpad.content.education as loader

    monkeypatch.setattr(loader, "list_files", lambda folder, suffix: sorted(files))
    monkeypatch.setattr(loader, "read_text", lambda path: files[path])
    return loader.load_education.__wrapped__()


def test_fake_module_loads_when_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    library = load_fake(
        monkeypatch, {"education/demo.nl.md": fake_module("nl"), "education/demo.en.md": fake_module("en")}
    )
    assert list(library) == ["demo"]
    assert library["demo"].evidence is Evidence.VERIFIED


@pytest.mark.parametrize(
    ("nl_changes", "en_changes", "problem"),
    [
        ({}, {"profiles": "[all, radicular]"}, "'profiles' differs"),
        ({"sources": "[no-such-source]"}, {"sources": "[no-such-source]"}, "unknown sources"),
        ({"evidence": "secondary"}, {"evidence": "secondary"}, "evidence is secondary but its weakest"),
        ({"profiles": "[all, Z]"}, {"profiles": "[all, Z]"}, "profiles ['Z'] do not exist"),
        ({"id": "other"}, {"id": "other"}, "must equal the file name"),
        ({"regions": "[elbow]"}, {"regions": "[elbow]"}, "regions must be"),
    ],
)
def test_loader_rejects_inconsistent_front_matter(
    monkeypatch: pytest.MonkeyPatch, nl_changes: dict[str, object], en_changes: dict[str, object], problem: str
) -> None:
    files = {
        "education/demo.nl.md": fake_module("nl", **nl_changes),
        "education/demo.en.md": fake_module("en", **en_changes),
    }
    with pytest.raises(ContentError, match=re.escape(problem)):
        load_fake(monkeypatch, files)


def test_loader_requires_the_dutch_file(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContentError, match=r"demo\.nl\.md: missing"):
        load_fake(monkeypatch, {"education/demo.en.md": fake_module("en")})


def test_a_module_not_yet_translated_loads_and_shows_dutch_behind_a_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = load_fake(monkeypatch, {"education/demo.nl.md": fake_module("nl")})
    body = modules["demo"].body
    assert body.missing() == (Lang.EN, Lang.FR)
    assert body.get(Lang.FR).startswith("[NL] ") and body.get(Lang.FR).removeprefix("[NL] ") == body.get(Lang.NL)


def test_loader_rejects_a_text_that_is_too_short(monkeypatch: pytest.MonkeyPatch) -> None:
    short = fake_module("en").replace(FILLER, "Too short.")
    with pytest.raises(ContentError, match=r"demo\.en: \d+ words"):
        load_fake(monkeypatch, {"education/demo.nl.md": fake_module("nl"), "education/demo.en.md": short})


def test_a_sentence_marked_unconfirmed_makes_the_module_unverified(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "education/demo.nl.md": fake_module("nl").replace("## Kop", f"## Kop\n\nRust. {UNCONFIRMED_MARK.get(Lang.NL)}"),
        "education/demo.en.md": fake_module("en").replace("## Kop", f"## Kop\n\nRest. {UNCONFIRMED_MARK.get(Lang.EN)}"),
    }
    with pytest.raises(
        ContentError, match="evidence is verified but its weakest source or marked sentence is unverified"
    ):
        load_fake(monkeypatch, files)


def test_loader_requires_a_module_for_every_patient_in_each_region(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"education/demo.{lang}.md": fake_module(lang, regions="[neck]") for lang in ("nl", "en")}
    with pytest.raises(ContentError, match="no module for every low_back patient"):
        load_fake(monkeypatch, files)
