"""What the API app plugs in (called from ``ApiConfig.ready()``): the open-data router.
The other modules add their own routers; ``almen.api.api`` adds whatever is registered."""

from __future__ import annotations

from almen.lib import routes

APP = "api"


def register() -> None:
    routes.register_api("almen.api.opendata:router", app=APP)
