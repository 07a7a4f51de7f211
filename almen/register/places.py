"""The principal's own organisations and estates for the header menu (``lib/menu.py``):
at most two small queries, and only for people who hold such places."""

from __future__ import annotations

from almen.access.policy import Principal
from almen.lib.menu import Place, Places
from almen.register.models import Estate, Organisation


def principal_places(p: Principal) -> Places:
    organisation_ids = p.staff_organisations | p.board_organisations
    estate_ids = p.board_estates | p.resident_estates
    organisations = {}
    if organisation_ids:
        for pk, cvr, name in Organisation.objects.filter(pk__in=organisation_ids).values_list(
            "pk", "cvr", "name"
        ):
            organisations[pk] = Place(pk, cvr, name)
    estates = {}
    if estate_ids:
        for pk, cvr, name, number in Estate.objects.filter(pk__in=estate_ids).values_list(
            "pk", "organisation__cvr", "name", "number"
        ):
            estates[pk] = Place(pk, cvr, name, number)
    return Places(organisations=organisations, estates=estates)
