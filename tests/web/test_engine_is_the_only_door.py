"""The web layer reaches clinical rules and clinical content only through `rugpad.engine`.

Every module under ``src/rugpad/web`` is parsed (imports inside functions included) and each import is judged:

- anything from ``rugpad.content`` is refused: content is loaded by the engine, never by a page;
- from ``rugpad.core`` a module may name its *types* — classes (enums, dataclasses, exceptions) and constants — but
  not a function, and not a whole core module (through which any function could be called). Each imported name is
  looked up in the (pure, importable) core, so the verdict is exact rather than a guess from the spelling;
- ``getattr(engine, ...)`` is refused: a facade function either exists or the page should not need it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import rugpad.web

WEB = Path(rugpad.web.__file__).resolve().parent
SRC = WEB.parent.parent


def _absolute(module: str | None, level: int, package: str) -> str:
    """The absolute module name of an import, relative imports resolved against the importing package."""
    if level == 0:
        return module or ""
    parts = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def _is_under(module: str, root: str) -> bool:
    return module == root or module.startswith(root + ".")


def _refused_core_name(module: str, name: str) -> str | None:
    """What ``from module import name`` (a module of the core) brings in, when that is refused: ``"module"`` or
    ``"function"``; None for a class (enum, dataclass, exception), a type alias or a constant."""
    missing = object()
    try:
        value = getattr(importlib.import_module(module), name, missing)
        if value is missing:
            value = importlib.import_module(f"{module}.{name}")  # `from rugpad.core import triage`
    except ImportError:  # unresolvable: judge by the spelling (Class or CONSTANT)
        return None if name[:1].isupper() else "function"
    if inspect.ismodule(value):
        return "module"
    if inspect.isclass(value) or typing.get_origin(value) is not None or not callable(value):
        return None
    return "function"


def violations(source: str, module_name: str, filename: str) -> list[str]:
    """Every way this module's source goes around the engine, as ``file:line: what``, in line order."""
    package = module_name if filename.endswith("__init__.py") else module_name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_under(alias.name, "rugpad.content") or _is_under(alias.name, "rugpad.core"):
                    found.append((node.lineno, f"imports module {alias.name} (go through rugpad.engine)"))
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, package)
            for alias in node.names:
                name = alias.name
                if _is_under(module, "rugpad.content") or _is_under(f"{module}.{name}", "rugpad.content"):
                    found.append((node.lineno, f"imports {name} from {module} (content comes from rugpad.engine)"))
                elif module == "rugpad" and name == "core":
                    found.append((node.lineno, "imports module rugpad.core (go through rugpad.engine)"))
                elif _is_under(module, "rugpad.core") and (kind := _refused_core_name(module, name)):
                    found.append((node.lineno, f"imports {kind} {name} from {module} (go through rugpad.engine)"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "engine"
        ):
            found.append((node.lineno, f"{node.func.id}(engine, ...) fallback (add the function to rugpad.engine)"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def _web_modules() -> list[Path]:
    return sorted(WEB.rglob("*.py"))


def test_the_web_layer_reaches_rules_and_content_only_through_the_engine() -> None:
    found = []
    for path in _web_modules():
        relative = path.relative_to(SRC).as_posix()
        module_name = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        found += violations(path.read_text(encoding="utf-8"), module_name, relative)
    assert found == [], "the web layer goes around rugpad.engine:\n" + "\n".join(found)


def test_the_check_reads_the_whole_web_tree() -> None:
    names = {path.relative_to(WEB).as_posix() for path in _web_modules()}
    assert {"plans/clinical.py", "portal/clinical.py", "outcomes/report.py", "api.py"} <= names


def test_the_check_flags_content_loaders_core_functions_core_modules_and_getattr_fallbacks() -> None:
    bad = """\
from rugpad.content.portal import load_trend_settings
from rugpad.core.triage import MAX_AGE, TriageResult, run_triage
from rugpad.core.plan import condition_tags as tags
from rugpad import content, engine
import rugpad.core.vocab
from ...core.diary import triage_payloads
from rugpad.core import triage


def page():
    from rugpad.content.exercises import illustration_svg

    return getattr(engine, "propose_plan", None)
"""
    found = violations(bad, "rugpad.web.plans.example", "example.py")

    assert found == [
        "example.py:1: imports load_trend_settings from rugpad.content.portal (content comes from rugpad.engine)",
        "example.py:2: imports function run_triage from rugpad.core.triage (go through rugpad.engine)",
        "example.py:3: imports function condition_tags from rugpad.core.plan (go through rugpad.engine)",
        "example.py:4: imports content from rugpad (content comes from rugpad.engine)",
        "example.py:5: imports module rugpad.core.vocab (go through rugpad.engine)",
        "example.py:6: imports function triage_payloads from rugpad.core.diary (go through rugpad.engine)",
        "example.py:7: imports module triage from rugpad.core (go through rugpad.engine)",
        "example.py:11: imports illustration_svg from rugpad.content.exercises (content comes from rugpad.engine)",
        "example.py:13: getattr(engine, ...) fallback (add the function to rugpad.engine)",
    ]


def test_the_check_lets_classes_enums_and_constants_of_the_core_through() -> None:
    good = """\
from rugpad import engine
from rugpad.core.errors import InvalidInput
from rugpad.core.plan import MAX_PSK_ACTIVITIES, PlanContext
from rugpad.core.plan import PlanItem as CorePlanItem
from rugpad.core.rules import PROFILES
from rugpad.core.trends import PAIN_MAX, DiaryPoint, ExercisesDone
from rugpad.core.vocab import Lang, Region


def page():
    from rugpad.core.exercises import DoseKind

    return engine.triage({}), getattr(InvalidInput, "field", None)
"""
    assert violations(good, "rugpad.web.plans.example", "example.py") == []
