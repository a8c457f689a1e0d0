"""The README tells the truth about setting rugpad up and running it:

- every environment variable the code or the scripts read is documented (found by grep, so a new variable
  without documentation fails here);
- every option of `rugpad serve` (the README's main command passes them on) is documented;
- its links (and those of docs/) stay inside the repository and point at files that exist: a clone has no
  `../shared`;
- `scripts/demo` installs only what running needs and `scripts/test` the development tools, and running the demo
  needs none of them (the server prepares the demo and imports every page with the development tools blocked).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# os.environ.get("X"), os.environ["X"], os.environ.setdefault("X", …), os.getenv("X")
PYTHON_READS = re.compile(r"""(?:environ(?:\.get|\.setdefault)?\s*[(\[]|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")
# ${X:-default} / ${X-default}: a shell variable the caller may set
SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?-")
SCRIPTS = [*sorted((ROOT / "scripts").iterdir()), ROOT / ".ci" / "run"]
# Libraries and tools that only the checks and tests use (the `dev` extras).
DEV_MODULES = (
    "pytest",
    "pytest_django",
    "hypothesis",
    "ruff",
    "mypy",
    "mypy_django_plugin",
    "django_stubs",
    "playwright",
    "pypdf",
)


def variables_read() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        for name in PYTHON_READS.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    for path in SCRIPTS:
        if path.is_file():
            for name in SHELL_READS.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_the_grep_finds_the_variables_it_is_meant_to_find() -> None:
    found = variables_read()
    assert {"RUGPAD_DATA_DIR", "DATABASE_URL", "RUGPAD_PORT", "RUGPAD_SECRET_KEY", "RUGPAD_SSL_REDIRECT"} <= set(found)
    assert {"PYTHON", "RUGPAD_PG_URL"} <= set(found)


def test_the_readme_documents_every_environment_variable_the_code_reads() -> None:
    table = README.split("## Configuration", 1)[1]
    rows = {m.group(1) for m in re.finditer(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.MULTILINE)}
    missing = {name: where for name, where in variables_read().items() if name not in rows}
    assert not missing, f"read by the code but not in the README's Configuration table: {missing}"


def test_the_readme_documents_every_option_of_rugpad_serve() -> None:
    serve = (ROOT / "src" / "rugpad" / "cli" / "serve.py").read_text(encoding="utf-8")
    options = re.findall(r"""add_argument\(\s*["'](--[a-z-]+)["']""", serve)
    assert {"--port", "--host", "--workers"} <= set(options)
    for option in set(options) - {"--demo", "--prepare-only"}:  # scripts/demo passes these two itself
        assert f"`{option}" in README, option
    assert "scripts/demo --port" in README


def _links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", markdown)


def test_links_stay_inside_the_repository_and_lead_somewhere() -> None:
    assert "../shared" not in README and "shared/contracts" not in README
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", README, re.MULTILINE)
    }
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in _links(document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # another site
            path, _, anchor = target.partition("#")
            if not path:
                if document.name == "README.md":
                    assert anchor in anchors, f"{document.name}: no heading for #{anchor}"
                continue
            resolved = (document.parent / path).resolve()
            assert resolved.is_relative_to(ROOT), f"{document.name} links outside the repository: {target}"
            assert resolved.exists(), f"{document.name} links to a missing file: {target}"
    assert "(docs/cli.md)" in README


def test_the_demo_installs_only_what_running_needs_and_the_tests_the_development_tools() -> None:
    demo = (ROOT / "scripts" / "demo").read_text(encoding="utf-8")
    test = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert re.search(r"^scripts/setup$", demo, re.MULTILINE), demo
    assert re.search(r"^scripts/setup dev$", test, re.MULTILINE), test
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {re.split(r"[<>=\[ ]", requirement)[0].lower() for requirement in project["dependencies"]}
    development = {
        re.split(r"[<>=\[ ]", requirement)[0].lower() for requirement in project["optional-dependencies"]["dev"]
    }
    assert not runtime & development
    assert {"pytest", "ruff", "mypy", "playwright", "hypothesis", "django-stubs"} <= development


RUN_WITHOUT_DEV_TOOLS = """
import sys
for name in sys.argv[1:]:
    sys.modules[name] = None  # importing it now raises ImportError
from rugpad.cli import main
assert main(["serve", "--demo", "--prepare-only"]) == 0
import rugpad.web.urls  # every page's view
from rugpad.web.wsgi import application
print("ran without", len(sys.argv) - 1, "development modules")
"""


def test_the_demo_runs_without_any_development_tool_and_leaves_statistics_for_the_planner(tmp_path: Path) -> None:
    """One preparation of the demo (it takes seconds) checks both: it needs no development tool, and `rugpad serve`
    refreshes SQLite's planner statistics at every start (a sampled ANALYZE), so the planner does not guess its way
    into walking a whole practice for one patient's episodes."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["RUGPAD_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_DEV_TOOLS, *DEV_MODULES], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"ran without {len(DEV_MODULES)} development modules" in done.stdout
    with sqlite3.connect(tmp_path / "data" / "rugpad.sqlite3") as database:
        described = {row[0] for row in database.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    assert {"care_episode", "care_patient"} <= described
