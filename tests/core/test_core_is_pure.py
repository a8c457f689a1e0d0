"""The clinical core and the content loaders import no Django and no web library: they work as a plain library."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import rugpad.core, rugpad.content
for package in (rugpad.core, rugpad.content):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
import rugpad.engine
rugpad.engine.triage({"region": "low_back", "signs": ["fever"]})
banned = sorted(name for name in sys.modules if name.split(".")[0] in {"django", "ninja", "gunicorn", "psycopg"})
print(",".join(banned))
"""


def test_core_content_and_engine_import_no_web_framework() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_core_modules_do_not_read_files_or_the_environment() -> None:
    """The core gets its content from the loaders; it opens no files and reads no environment variables."""
    import re
    from pathlib import Path

    import rugpad.core

    core = Path(rugpad.core.__file__).parent
    # `open(` as a call of its own (not a name that ends in it, such as a flag's `is_open(`)
    reading = re.compile(r"(?<![\w.])open\(|\.open\(|os\.environ|importlib\.resources")
    offenders = [path.name for path in core.glob("*.py") if reading.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
