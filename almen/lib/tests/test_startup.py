"""Start-up stays light: ``django.setup()`` (every management command, ``ballot_verify``
among them, pays for it) imports no API, no import code and no demo. Modules register
those by ``"module:attribute"`` (``routes.register_api``, ``imports.kinds.register``,
``lib.demo.Demo``), resolved on first use (docs/performance.md, issue 9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

HEAVY = (
    "ninja",
    "almen.api.api",
    "almen.goals.api",
    "almen.goals.demo",
    "almen.green.platform_api",
    "almen.green.platform_demo",
    "almen.green.imports_api",
    "almen.green.imports_services",
    "almen.dialogue.demo",
    "almen.democracy.demo",
    "almen.democracy.ballots_demo",
    "almen.democracy.ballots_api",
)

PROGRAM = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
print(json.dumps(sorted(m for m in sys.modules if m in set(json.loads(sys.argv[1])))))
"""


def test_django_setup_imports_no_api_import_code_or_demo():
    env = {**os.environ, "DEBUG": "true"}
    out = subprocess.run(  # noqa: S603 - this Python, a fixed program
        [sys.executable, "-c", PROGRAM, json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
