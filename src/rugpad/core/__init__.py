"""rugpad's pure clinical core: instruments and scoring, red flags, stratification, the care pathway, exercise
dosing and progression, evaluation and plans.

No Django, no database, no files, no environment: plain data in, frozen dataclasses out. The clinical content
(questionnaires, rules, exercises, education) is loaded by `rugpad.content` and passed in; `rugpad.engine` does
that joining for callers who just want answers. Modules are imported directly, e.g.
``from rugpad.core.scoring import score_answers``.
"""

from rugpad.core.errors import InvalidInput
from rugpad.core.text import Source, Text
from rugpad.core.vocab import Course, Evidence, Lang, ManipulationVerdict, Region, Risk, Sex, Strength, Urgency

__all__ = [
    "Course",
    "Evidence",
    "InvalidInput",
    "Lang",
    "ManipulationVerdict",
    "Region",
    "Risk",
    "Sex",
    "Source",
    "Strength",
    "Text",
    "Urgency",
]
