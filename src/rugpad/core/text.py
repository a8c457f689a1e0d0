"""Bilingual text and the sources that rules rest on."""

from __future__ import annotations

from dataclasses import dataclass

from rugpad.core.vocab import Evidence, Lang


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in Dutch and English."""

    nl: str
    en: str

    def get(self, lang: Lang | str = Lang.NL) -> str:
        if lang is Lang.EN:
            return self.en
        if lang is Lang.NL:
            return self.nl
        return self.en if Lang(lang) is Lang.EN else self.nl


@dataclass(frozen=True, slots=True)
class Source:
    """A citable source: a guideline, paper or manual. Rules refer to it by `id`."""

    id: str
    citation: str
    url: str = ""
    evidence: Evidence = Evidence.VERIFIED
    note: str = ""
