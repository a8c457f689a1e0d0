"""`rugpad serve` warms its master before forking: every view imported and the content loaded, no database opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys, django
django.setup()
from django.db import connections
from rugpad.content.instruments import load_instruments
from rugpad.content.rules import load_rulebook
before = {name: name in sys.modules for name in ("rugpad.web.fhir.views", "rugpad.web.cdshooks.views")}
cached_before = load_rulebook.cache_info().currsize
from rugpad.cli.serve import warm_up
warm_up()
print(json.dumps({
    "before": before,
    "after": {name: name in sys.modules for name in before},
    "rulebook_cached": (cached_before, load_rulebook.cache_info().currsize),
    "instruments_cached": load_instruments.cache_info().currsize,
    "connections": [c.connection is not None for c in connections.all(initialized_only=True)],
}))
"""


def test_warm_up_imports_every_view_and_loads_the_content_without_a_database_connection(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rugpad.web.settings", "RUGPAD_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["before"] == {"rugpad.web.fhir.views": False, "rugpad.web.cdshooks.views": False}
    assert seen["after"] == {"rugpad.web.fhir.views": True, "rugpad.web.cdshooks.views": True}
    assert seen["rulebook_cached"] == [0, 1]
    assert seen["instruments_cached"] == 1
    assert not any(seen["connections"])
