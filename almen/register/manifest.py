"""What the register plugs in (called from ``RegisterConfig.ready()``): the roles it
implies for the access policy, the metrics it computes, its open-data tables and its
API router and URLs (the residents' privacy pages: search, record, export, erase); the
organisation and estate pages are the web's."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from almen.access.policy import register_contributor
from almen.lib import affiliation, menu, opendata, routes
from almen.register.affiliation import organisation_name_for_user
from almen.register.grants import register_grants
from almen.register.metrics import register_metrics
from almen.register.models import Estate, Organisation
from almen.register.opendata import TABLES
from almen.register.places import names_changed, principal_places

APP = "register"


def register() -> None:
    register_contributor(register_grants)
    register_metrics()
    for table in TABLES:
        opendata.register(table, app=APP)
    routes.register_api("almen.register.api:router", app=APP)
    routes.register_api_auth("almen.register.tokens:api_token_optional", app=APP)
    routes.register_urls("almen.register.urls", app=APP)
    # The organisation's name in the login and password e-mails (accounts' adapter).
    affiliation.register("register", organisation_name_for_user, app=APP)
    menu.register_places(principal_places, app=APP)
    for model in (Organisation, Estate):
        post_save.connect(names_changed, sender=model, dispatch_uid=f"register-names-{model}")
        post_delete.connect(names_changed, sender=model, dispatch_uid=f"register-names-d-{model}")
