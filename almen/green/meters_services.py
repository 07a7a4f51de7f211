"""State changes of the meters part: meters, typed-in readings, meter exchanges,
buildings' heated area and built year, and energy labels. Keyword-only, atomic,
audited; refusals are ``ValidationError`` with a Danish message, field by field where
possible.

Every change to a meter or its readings recomputes the meter's monthly footprint
(``footprint.meter_refresh``) in the same transaction, so no page ever shows a month
that its readings no longer give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, audited_update, snapshot
from almen.green import footprint, units
from almen.green.models import (
    EnergyLabel,
    Meter,
    MeterExchange,
    MeterMode,
    Reading,
    ReadingSource,
    Supplier,
)
from almen.register.models import Building, Estate

METER_FIELDS = (
    "number",
    "name",
    "kind",
    "unit",
    "mode",
    "supplier",
    "price_area",
    "parent",
    "building",
    "installed_on",
    "removed_on",
)
METER_ATTNAMES = [f"{f}_id" if f in ("supplier", "parent", "building") else f for f in METER_FIELDS]
LABEL_FIELDS = ("label", "number", "issued_on", "expires_on")


def _fmt(value: Decimal) -> str:
    """A reading as people write it in Danish: decimal comma, no trailing zeros."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _day(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%d-%m-%Y %H:%M")


# --- meters ---------------------------------------------------------------------------


def _check_meter(estate: Estate, meter: Meter) -> None:
    """The rules of a meter, as ``{field: message}``: unit fits the kind, supplier of
    the same kind and national or the organisation's own, parent a meter of the same
    estate and kind and never the meter itself or one of its sub-meters, building of
    the same estate, number unique in the estate."""
    errors: dict[str, str] = {}
    meter.number = meter.number.strip()
    if not meter.number:
        errors["number"] = _("Skriv målernummeret.")
    elif Meter.objects.filter(estate=estate, number=meter.number).exclude(pk=meter.pk).exists():
        errors["number"] = _(
            "Afdelingen har allerede en måler med nummeret %(number)s. "
            "Et målernummer kan kun bruges én gang i en afdeling."
        ) % {"number": meter.number}
    try:
        units.check_unit(meter.kind, meter.unit)
    except units.UnitMismatch as exc:
        errors["unit"] = exc.message
    supplier: Supplier | None = meter.supplier
    if supplier is not None:
        if supplier.organisation_id not in (None, estate.organisation_id):
            errors["supplier"] = _("Vælg en landsdækkende forsyning eller organisationens egen.")
        elif supplier.kind != meter.kind:
            errors["supplier"] = _(
                "%(supplier)s leverer %(their)s, ikke %(kind)s. Vælg en forsyning af samme art."
            ) % {
                "supplier": supplier.name,
                "their": supplier.get_kind_display().lower(),
                "kind": meter.get_kind_display().lower(),
            }
    building = meter.building
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = _("Bygningen hører ikke til afdelingen.")
    if meter.parent_id is not None:
        parent = meter.parent
        assert parent is not None
        if parent.estate_id != estate.pk:
            errors["parent"] = _("Hovedmåleren skal høre til samme afdeling.")
        elif meter.pk is not None and parent.pk == meter.pk:
            errors["parent"] = _("En måler kan ikke være sin egen hovedmåler.")
        elif parent.kind != meter.kind:
            errors["parent"] = _(
                "Hovedmåleren %(number)s måler %(their)s; en bimåler skal måle det samme "
                "(%(kind)s)."
            ) % {
                "number": parent.number,
                "their": parent.get_kind_display().lower(),
                "kind": meter.get_kind_display().lower(),
            }
        elif meter.pk is not None and parent.pk in _descendants(meter):
            errors["parent"] = _(
                "%(number)s er selv en bimåler under denne måler. Så ville målerne "
                "måle hinanden i ring."
            ) % {"number": parent.number}
    if meter.pk is not None and "kind" not in errors:
        other = meter.sub_meters.exclude(kind=meter.kind).first()
        if other is not None:
            errors["kind"] = _(
                "Bimåleren %(number)s måler %(their)s. Ret eller flyt bimålerne først."
            ) % {"number": other.number, "their": other.get_kind_display().lower()}
    if meter.installed_on and meter.removed_on and meter.removed_on < meter.installed_on:
        errors["removed_on"] = _("Måleren kan ikke tages ned, før den er sat op.")
    if errors:
        raise ValidationError(errors)


def _descendants(meter: Meter) -> set[int]:
    """The ids of the meter's sub-meters, their sub-meters and so on (one query: the
    estate's meters are few)."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in Meter.objects.filter(estate_id=meter.estate_id).values_list(
        "pk", "parent_id"
    ):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = [meter.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@transaction.atomic
def meter_create(*, actor: Any, estate: Estate, **values: Any) -> Meter:
    unknown = set(values) - set(METER_FIELDS)
    if unknown:
        raise ValidationError(_("Ukendte felter: %s") % ", ".join(sorted(unknown)))
    values.setdefault("mode", MeterMode.CUMULATIVE)
    meter = Meter(estate=estate, **values)
    _check_meter(estate, meter)
    meter.save()
    audit_record(
        actor=actor,
        action="green.meter_create",
        obj=meter,
        organisation_id=estate.organisation_id,
        after=snapshot(meter, METER_ATTNAMES),
    )
    footprint.meter_refresh([meter.pk])
    return meter


@transaction.atomic
def meter_update(*, actor: Any, meter: Meter, **changes: Any) -> Meter:
    estate = meter.estate
    meter = audited_update(
        actor=actor,
        obj=meter,
        changes=changes,
        allowed=METER_FIELDS,
        organisation_id=estate.organisation_id,
        validate=lambda fresh: _check_meter(estate, fresh),
        action="green.meter_update",
    )
    footprint.meter_refresh([meter.pk])
    return meter


def meter_delete_refusal(meter: Meter) -> str | None:
    """Why the meter cannot be deleted, or None."""
    if meter.sub_meters.exists():
        return _(
            "Måleren har bimålere. Slet dem, eller ret dem, så de ikke længere hører under "
            "den, før du sletter måleren."
        )
    return None


@transaction.atomic
def meter_delete(*, actor: Any, meter: Meter) -> None:
    """Delete a meter with its readings, exchanges and monthly footprints (a meter put
    up by mistake, or twice). A meter taken down keeps its history: it gets a removal
    date instead. The audit entry keeps the meter's fields and what went with it."""
    refusal = meter_delete_refusal(meter)
    if refusal:
        raise ValidationError(refusal)
    audit_record(
        actor=actor,
        action="green.meter_delete",
        obj=meter,
        organisation_id=meter.estate.organisation_id,
        before={
            **snapshot(meter, METER_ATTNAMES),
            "readings": meter.readings.count(),
            "exchanges": meter.exchanges.count(),
            "months": meter.months.count(),
        },
    )
    meter.delete()
    from almen.green.pages_selectors import green_data_changed

    green_data_changed()


# --- readings -------------------------------------------------------------------------


def _check_cumulative(meter: Meter, at: dt.datetime, value: Decimal) -> None:
    """A register reading must fit between its neighbours: not lower than the reading
    before (or the new meter's start, after an exchange), not higher than the reading
    after (or the old meter's end, before an exchange)."""
    readings = meter.readings.exclude(at=at)
    before = readings.filter(at__lt=at).order_by("-at").first()
    after = readings.filter(at__gt=at).order_by("at").first()
    exchanges = meter.exchanges.all()
    if exchanges.filter(on=at).exists():
        raise ValidationError(
            {
                "time": _(
                    "Måleren er skiftet på netop dette tidspunkt. Skriv et andet klokkeslæt, "
                    "så det er klart, om aflæsningen er fra den gamle eller den nye måler."
                )
            }
        )
    since = exchanges.filter(on__lt=at)
    if before is not None:
        since = since.filter(on__gt=before.at)
    exchange_before = since.order_by("-on").first()
    if exchange_before is not None and value < exchange_before.new_start:
        raise ValidationError(
            {
                "value": _(
                    "Tællerstanden er lavere end den nye målers startstand "
                    "(%(start)s ved udskiftningen %(day)s)."
                )
                % {"start": _fmt(exchange_before.new_start), "day": _day(exchange_before.on)}
            }
        )
    if exchange_before is None and before is not None and value < before.value:
        raise ValidationError(
            {
                "value": _(
                    "Tællerstanden er lavere end den forrige aflæsning (%(previous)s den "
                    "%(day)s). En tællerstand kan ikke gå ned. Er måleren skiftet, så "
                    "registrér målerudskiftningen først, og skriv så den nye målers stand."
                )
                % {"previous": _fmt(before.value), "day": _day(before.at)}
            }
        )
    until = exchanges.filter(on__gt=at)
    if after is not None:
        until = until.filter(on__lt=after.at)
    exchange_after = until.order_by("on").first()
    if exchange_after is not None and value > exchange_after.old_end:
        raise ValidationError(
            {
                "value": _(
                    "Tællerstanden er højere end den gamle målers slutstand "
                    "(%(end)s ved udskiftningen %(day)s)."
                )
                % {"end": _fmt(exchange_after.old_end), "day": _day(exchange_after.on)}
            }
        )
    if exchange_after is None and after is not None and value > after.value:
        raise ValidationError(
            {
                "value": _(
                    "Tællerstanden er højere end den næste aflæsning (%(next)s den %(day)s). "
                    "Tjek tallet og tidspunktet."
                )
                % {"next": _fmt(after.value), "day": _day(after.at)}
            }
        )


@transaction.atomic
def reading_create(
    *,
    actor: Any,
    meter: Meter,
    at: dt.datetime,
    value: Decimal,
    start: dt.datetime | None = None,
) -> tuple[Reading, Decimal | None]:
    """Store a typed-in reading (or replace the one at the same time). Returns the
    reading and the value it replaced (None when it is new)."""
    meter = Meter.objects.select_for_update().select_related("estate").get(pk=meter.pk)
    if at > timezone.now():
        raise ValidationError({"date": _("Aflæsningen kan ikke ligge i fremtiden.")})
    if value < 0:
        raise ValidationError({"value": _("Værdien kan ikke være negativ.")})
    if meter.mode == MeterMode.INTERVAL:
        if start is None:
            raise ValidationError(
                {
                    "start": _(
                        "Skriv, hvornår perioden begyndte (måleren måler forbrug pr. periode)."
                    )
                }
            )
        if start >= at:
            raise ValidationError({"start": _("Perioden skal begynde før den slutter.")})
    else:
        start = None
        _check_cumulative(meter, at, value)
    existing = Reading.objects.filter(meter=meter, at=at).first()
    previous = existing.value if existing is not None else None
    organisation_id = meter.estate.organisation_id
    if existing is not None and (existing.start, existing.value) == (start, value):
        return existing, previous  # the same reading again: nothing changes
    if existing is not None:
        before = snapshot(existing, ["start", "value", "source"])
        existing.start, existing.value, existing.source = start, value, ReadingSource.MANUAL
        existing.import_run = None
        existing.save(update_fields=["start", "value", "source", "import_run"])
        reading = existing
        audit_record(
            actor=actor,
            action="green.reading_update",
            obj=reading,
            organisation_id=organisation_id,
            before=before,
            after=snapshot(reading, ["start", "value", "source"]),
        )
    else:
        reading = Reading.objects.create(
            meter=meter, at=at, start=start, value=value, source=ReadingSource.MANUAL
        )
        audit_record(
            actor=actor,
            action="green.reading_create",
            obj=reading,
            organisation_id=organisation_id,
            after=snapshot(reading, ["meter_id", "start", "at", "value", "source"]),
        )
    footprint.meter_refresh([meter.pk])
    return reading, previous


@transaction.atomic
def reading_delete(*, actor: Any, reading: Reading) -> None:
    meter = reading.meter
    audit_record(
        actor=actor,
        action="green.reading_delete",
        obj=reading,
        organisation_id=meter.estate.organisation_id,
        before=snapshot(reading, ["meter_id", "start", "at", "value", "source"]),
    )
    reading.delete()
    footprint.meter_refresh([meter.pk])


# --- exchanges ------------------------------------------------------------------------


@transaction.atomic
def meter_exchange_create(
    *,
    actor: Any,
    meter: Meter,
    on: dt.datetime,
    old_end: Decimal,
    new_start: Decimal,
    new_number: str = "",
) -> MeterExchange:
    """The physical meter was replaced at ``on``: the series goes on from
    ``new_start``. The meter takes the new meter's number (when this is its latest
    exchange); the exchange keeps the old one."""
    meter = Meter.objects.select_for_update().select_related("estate").get(pk=meter.pk)
    estate = meter.estate
    if meter.mode != MeterMode.CUMULATIVE:
        raise ValidationError(
            _(
                "Kun målere med tællerstand har udskiftninger. En måler, der måler "
                "forbrug pr. periode, fortsætter bare med den nye målers tal."
            )
        )
    if on > timezone.now():
        raise ValidationError({"date": _("Udskiftningen kan ikke ligge i fremtiden.")})
    if old_end < 0:
        raise ValidationError({"old_end": _("Værdien kan ikke være negativ.")})
    if new_start < 0:
        raise ValidationError({"new_start": _("Værdien kan ikke være negativ.")})
    if meter.exchanges.filter(on=on).exists():
        raise ValidationError({"date": _("Der er allerede registreret en udskiftning da.")})
    if meter.readings.filter(at=on).exists():
        raise ValidationError(
            {
                "time": _(
                    "Der er en aflæsning på netop dette tidspunkt. Skriv klokkeslættet for "
                    "udskiftningen, så det er klart, hvilken måler aflæsningen er fra."
                )
            }
        )
    before = meter.readings.filter(at__lt=on).order_by("-at").first()
    earlier = meter.exchanges.filter(on__lt=on)
    if before is not None:
        earlier = earlier.filter(on__gt=before.at)
    earlier_exchange = earlier.order_by("-on").first()
    if earlier_exchange is not None and old_end < earlier_exchange.new_start:
        raise ValidationError(
            {
                "old_end": _(
                    "Slutstanden er lavere end startstanden ved udskiftningen %(day)s (%(start)s)."
                )
                % {"day": _day(earlier_exchange.on), "start": _fmt(earlier_exchange.new_start)}
            }
        )
    if earlier_exchange is None and before is not None and old_end < before.value:
        raise ValidationError(
            {
                "old_end": _(
                    "Den gamle målers slutstand skal være mindst den sidste aflæsning før "
                    "udskiftningen (%(previous)s den %(day)s)."
                )
                % {"previous": _fmt(before.value), "day": _day(before.at)}
            }
        )
    later_exchange = meter.exchanges.filter(on__gt=on).order_by("on").first()
    after = meter.readings.filter(at__gt=on).order_by("at")
    if later_exchange is not None:
        after = after.filter(at__lt=later_exchange.on)
    first_after = after.first()
    if first_after is not None and first_after.value < new_start:
        raise ValidationError(
            {
                "new_start": _(
                    "Den første aflæsning efter udskiftningen (%(value)s den %(day)s) er "
                    "lavere end den nye målers startstand."
                )
                % {"value": _fmt(first_after.value), "day": _day(first_after.at)}
            }
        )
    if first_after is None and later_exchange is not None and later_exchange.old_end < new_start:
        raise ValidationError(
            {
                "new_start": _(
                    "Startstanden er højere end slutstanden ved den næste udskiftning "
                    "(%(end)s den %(day)s)."
                )
                % {"end": _fmt(later_exchange.old_end), "day": _day(later_exchange.on)}
            }
        )
    new_number = new_number.strip()
    in_force = later_exchange.old_number if later_exchange is not None else meter.number
    if (
        new_number
        and new_number != in_force
        and later_exchange is None
        and Meter.objects.filter(estate=estate, number=new_number).exclude(pk=meter.pk).exists()
    ):
        raise ValidationError(
            {
                "new_number": _("Afdelingen har allerede en måler med nummeret %(number)s.")
                % {"number": new_number}
            }
        )
    exchange = MeterExchange.objects.create(
        meter=meter,
        on=on,
        old_number=in_force,
        new_number=new_number or in_force,
        old_end=old_end,
        new_start=new_start,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="green.meter_exchange_create",
        obj=exchange,
        organisation_id=estate.organisation_id,
        after=snapshot(
            exchange, ["meter_id", "on", "old_number", "new_number", "old_end", "new_start"]
        ),
    )
    if later_exchange is None and exchange.new_number != meter.number:
        audited_update(
            actor=actor,
            obj=meter,
            changes={"number": exchange.new_number},
            allowed=["number"],
            organisation_id=estate.organisation_id,
            action="green.meter_update",
        )
    footprint.meter_refresh([meter.pk])
    return exchange


# --- buildings ------------------------------------------------------------------------


@transaction.atomic
def building_update(
    *, actor: Any, building: Building, built_year: int | None, heated_area_m2: Decimal | None
) -> Building:
    if built_year is not None and not 1600 <= built_year <= timezone.localdate().year + 5:
        raise ValidationError({"built_year": _("Skriv et årstal mellem 1600 og nu.")})
    if heated_area_m2 is not None and heated_area_m2 <= 0:
        raise ValidationError({"heated_area_m2": _("Arealet skal være større end 0.")})
    updated = audited_update(
        actor=actor,
        obj=building,
        changes={"built_year": built_year, "heated_area_m2": heated_area_m2},
        allowed=["built_year", "heated_area_m2"],
        organisation_id=building.estate.organisation_id,
        action="green.building_update",
    )
    # The heated area is the estate's area per m² and the oldest building's year its
    # peer group: every cached green page, benchmark and panel is stale.
    from almen.green.pages_selectors import green_data_changed

    green_data_changed()
    return updated


# --- energy labels --------------------------------------------------------------------


def _check_label(label: EnergyLabel) -> None:
    errors: dict[str, str] = {}
    if label.issued_on > timezone.localdate():
        errors["issued_on"] = _("Et energimærke kan ikke være udstedt i fremtiden.")
    elif label.expires_on <= label.issued_on:
        errors["expires_on"] = _("Udløbsdatoen skal ligge efter udstedelsesdatoen.")
    if (
        EnergyLabel.objects.filter(building_id=label.building_id, issued_on=label.issued_on)
        .exclude(pk=label.pk)
        .exists()
    ):
        errors["issued_on"] = _(
            "Bygningen har allerede et energimærke udstedt %(day)s. Ret det i stedet for at "
            "oprette et nyt."
        ) % {"day": label.issued_on.strftime("%d-%m-%Y")}
    label.number = label.number.strip()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def label_create(
    *,
    actor: Any,
    building: Building,
    label: str,
    issued_on: dt.date,
    expires_on: dt.date,
    number: str = "",
) -> EnergyLabel:
    obj = EnergyLabel(
        building=building, label=label, number=number, issued_on=issued_on, expires_on=expires_on
    )
    _check_label(obj)
    obj.save()
    audit_record(
        actor=actor,
        action="green.label_create",
        obj=obj,
        organisation_id=building.estate.organisation_id,
        after=snapshot(obj, ["building_id", *LABEL_FIELDS]),
    )
    return obj


@transaction.atomic
def label_update(*, actor: Any, energy_label: EnergyLabel, **changes: Any) -> EnergyLabel:
    """Change ``changes`` (of ``LABEL_FIELDS``: ``label`` is the class, A2020 … G)."""
    return audited_update(
        actor=actor,
        obj=energy_label,
        changes=changes,
        allowed=LABEL_FIELDS,
        organisation_id=energy_label.building.estate.organisation_id,
        validate=_check_label,
        action="green.label_update",
    )


@transaction.atomic
def label_delete(*, actor: Any, energy_label: EnergyLabel) -> None:
    audit_record(
        actor=actor,
        action="green.label_delete",
        obj=energy_label,
        organisation_id=energy_label.building.estate.organisation_id,
        before=snapshot(energy_label, ["building_id", *LABEL_FIELDS]),
    )
    energy_label.delete()
