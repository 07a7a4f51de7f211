"""Start-up stays light: ``django.setup()`` (every management command, ``ballot_verify``
among them, pays for it) imports no API, no import code, no demo, and none of grøn
drift's page panels and forms. Modules register those by ``"module:attribute"``
(``routes.register_api``, ``imports.kinds.register``, ``lib.demo.Demo``, and
``lib.registry.Lazy`` where a registry takes a function), resolved on first use
(decisions 0033 and 0035, docs/performance.md, issue 9)."""

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
    # Grøn drift's page panels and forms: imported by the first page that shows them.
    "almen.green.pages_panels",
    "almen.green.pages_selectors",
    "almen.green.measures_forms",
    "almen.goals.forms",
    "almen.attachments.validation",
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


def test_a_lazy_function_imports_its_module_on_the_first_call_and_passes_calls_through():
    """``Lazy`` in a fresh process: its module is not imported when it is made, only
    when it is called, and it answers as the function does."""
    program = (
        "import sys\n"
        "from almen.lib.registry import Lazy\n"
        "f = Lazy('colorsys:rgb_to_hsv')\n"
        "before = 'colorsys' in sys.modules\n"
        "value = f(0.2, 0.4, 0.4)\n"
        "after = 'colorsys' in sys.modules\n"
        "import colorsys\n"
        "print(before, after, value == colorsys.rgb_to_hsv(0.2, 0.4, 0.4), f.__module__)\n"
    )
    env = {**os.environ, "DEBUG": "true"}
    out = subprocess.run(  # noqa: S603 - this Python, a fixed program
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["False", "True", "True", "colorsys"], out.stderr
