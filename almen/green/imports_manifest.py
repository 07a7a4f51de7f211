"""What the imports part of grøn drift registers (called from ``manifest.register``):
its kinds of import on the register import's runs, and the readings API."""

from __future__ import annotations

from almen.lib import routes


def register() -> None:
    from almen.green.imports_api import router
    from almen.green.imports_services import register_kinds

    register_kinds()
    routes.register_api(router, app="green", prefix="/green/readings")
