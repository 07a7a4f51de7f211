"""estate_update goes through the one update pattern (audit.services.audited_update):
a whitelist, the current row, only changed fields saved and audited."""

import pytest
from django.core.exceptions import ValidationError

from almen.audit.models import AuditEntry
from almen.register.models import Estate
from almen.register.services import estate_update


def test_an_update_from_a_stale_read_keeps_the_other_change(cast) -> None:
    stale = Estate.objects.order_by("pk").first()
    assert stale is not None
    Estate.objects.filter(pk=stale.pk).update(city="Parallelby")  # someone else, meanwhile
    estate_update(actor=None, estate=stale, name="Nyt navn")
    fresh = Estate.objects.get(pk=stale.pk)
    assert (fresh.name, fresh.city) == ("Nyt navn", "Parallelby")
    entry = AuditEntry.objects.filter(object_id=str(stale.pk), action="update").latest("pk")
    assert entry.after == {"name": "Nyt navn"}  # only the diff


def test_unknown_fields_are_refused_and_nothing_changes(cast) -> None:
    estate = Estate.objects.order_by("pk").first()
    assert estate is not None
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="organisation"):
        estate_update(actor=None, estate=estate, organisation=None)
    assert AuditEntry.objects.count() == before


def test_an_update_that_changes_nothing_records_nothing(cast) -> None:
    estate = Estate.objects.order_by("pk").first()
    assert estate is not None
    before = AuditEntry.objects.count()
    estate_update(actor=None, estate=estate, name=estate.name)
    assert AuditEntry.objects.count() == before
