"""The places of the menu and the home panels (ids, CVR numbers, names) are cached per
set of ids until an organisation or an estate is saved or deleted."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from almen.access.policy import principal_for
from almen.register import places
from almen.register.models import Estate, Organisation


def test_warm_places_take_no_query_and_a_rename_shows_at_once(cast):
    p = principal_for(cast["org_staff"].user)
    cold = places.principal_places(p)
    assert cold.organisations and cold.estates is not None
    with CaptureQueriesContext(connection) as queries:
        warm = places.principal_places(p)
    assert len(queries) == 0
    assert warm == cold
    organisation = Organisation.objects.get(pk=next(iter(p.staff_organisations)))
    organisation.name = "Boligselskabet Nyt Navn"
    organisation.save(update_fields=["name"])
    assert places.principal_places(p).organisations[organisation.pk].name == (
        "Boligselskabet Nyt Navn"
    )
    assert [o.name for o in places.organisations_by_name(p.staff_organisations)].count(
        "Boligselskabet Nyt Navn"
    ) == 1


def test_an_estate_renamed_shows_in_its_residents_places(cast):
    p = principal_for(cast["resident_a"].user)
    estate_id = next(iter(p.resident_estates))
    before = places.principal_places(p).estates[estate_id]
    estate = Estate.objects.get(pk=estate_id)
    estate.name = "Afdeling Solsikken"
    estate.save(update_fields=["name"])
    after = places.principal_places(p).estates[estate_id]
    assert before.name != after.name == "Afdeling Solsikken"
    assert after.number == estate.number
