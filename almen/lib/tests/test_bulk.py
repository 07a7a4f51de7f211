import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.lib.bulk import insert_rows, reserve_ids
from almen.register.models import Estate, Unit

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_the_orm_would_have_written_them(cast) -> None:
    estate = Estate.objects.first()
    assert estate is not None
    highest = Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        ids = reserve_ids(Unit, 2)
        assert len(set(ids)) == 2 and min(ids) > highest
        written = insert_rows(
            Unit,
            ["id", "estate_id", "number", "address", "kind", "area_m2", "rooms"],
            [
                (ids[0], estate.pk, "B-1", "Bulkvej 1", "family", Decimal("72.50"), 3),
                (ids[1], estate.pk, "B-2", "Bulkvej 2", "youth", Decimal("31"), 1),
            ],
            batch_size=1,
        )
    assert written == 2
    unit = Unit.objects.get(pk=ids[0])
    assert (unit.number, unit.area_m2, unit.rooms, unit.kind) == (
        "B-1",
        Decimal("72.50"),
        3,
        "family",
    )
    now = timezone.now()
    insert_rows(
        AuditEntry,
        [
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
        ],
        [
            (
                now,
                "test",
                "move_in",
                "register.household",
                "1",
                "x",
                None,
                {"moved_in": dt.date(2026, 1, 1).isoformat(), "residents": 2},
            )
        ],
    )
    entry = AuditEntry.objects.get(actor_label="test")
    assert entry.after == {"moved_in": "2026-01-01", "residents": 2} and entry.before is None
    assert abs((entry.at - now).total_seconds()) < 1


def test_reserved_ids_do_not_collide_with_the_next_orm_insert(cast) -> None:
    estate = Estate.objects.first()
    assert estate is not None
    with transaction.atomic():
        (reserved,) = reserve_ids(Unit, 1)
        insert_rows(
            Unit,
            ["id", "estate_id", "number", "address", "kind", "area_m2", "rooms"],
            [(reserved, estate.pk, "R-1", "", "family", Decimal(50), 2)],
        )
    later = Unit.objects.create(
        estate=estate, number="R-2", kind="family", area_m2=Decimal(50), rooms=2
    )
    assert later.pk > reserved
