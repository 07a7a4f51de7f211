"""What the imports part of grøn drift registers (called from ``manifest.register``):
its kinds of import on the register import's runs, and the readings API. Both by
``"module:attribute"``, so start-up imports neither the import services nor the API."""

from __future__ import annotations

from almen.imports import kinds
from almen.lib import routes

# The kinds' names, as ``imports_services`` has them (test_imports_kinds checks they agree).
KINDS = ("green_readings", "green_labels", "green_degree_days")


def register() -> None:
    for kind in KINDS:
        kinds.register(kind, "almen.green.imports_services:green_run_process", app="green")
    routes.register_api("almen.green.imports_api:router", app="green", prefix="/green/readings")
