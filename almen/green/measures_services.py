"""Green measures and residents' involvement: create, change and delete, each audited
in the same transaction. The rules (decision 0031) are checked here, whatever the
caller: amounts not negative and within bounds, a date at most a year ahead, a
building of the measure's own estate, a map point in 0–100 on both axes.

A measure's size gets the unit suggested for its kind when none is given (m² for a
meadow, stk. for trees, kWp for solar panels), and a size in m² of a biodiversity
kind is its biodiversity area when no area is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.attachments.models import AttachmentKind
from almen.attachments.services import attachment_add
from almen.audit.services import audit_record, audited_update, snapshot
from almen.green.models import (
    BIODIVERSITY_KINDS,
    GreenMeasure,
    Involvement,
    InvolvementKind,
    MeasureKind,
    MeasurePhoto,
)
from almen.lib import bounds
from almen.lib.visibility import Visibility
from almen.register.models import Building, Estate

M2 = "m²"
PIECES = "stk."
KWP = "kWp"

# The unit a measure's size is given in, by kind (the form suggests it; an empty unit
# gets it). Kinds not named here take a free unit (or none).
SUGGESTED_UNITS: dict[str, str] = {
    MeasureKind.WILDFLOWER_MEADOW: M2,
    MeasureKind.GREEN_ROOF: M2,
    MeasureKind.RAINWATER_BED: M2,
    MeasureKind.POND: M2,
    MeasureKind.INSULATION: M2,
    MeasureKind.HEDGE: "m",
    MeasureKind.TREES: PIECES,
    MeasureKind.NEST_BOXES: PIECES,
    MeasureKind.INSECT_HOTEL: PIECES,
    MeasureKind.EV_CHARGING: PIECES,
    MeasureKind.WINDOWS: PIECES,
    MeasureKind.HEAT_PUMP: "kW",
    MeasureKind.SOLAR_PANELS: KWP,
}

# Bounds: a size or area up to 10 km² (far beyond any estate), an amount of money up
# to 10 billion kr., savings up to 1 billion kWh a year.
MAX_QUANTITY = Decimal("10000000")
MAX_AREA_M2 = Decimal("10000000")
MAX_DKK = Decimal("10000000000")
MAX_KWH = Decimal("1000000000")
MAX_PARTICIPANTS = 100_000
FUTURE_DAYS = 365

MEASURE_FIELDS = (
    "kind",
    "title",
    "description",
    "quantity",
    "quantity_unit",
    "area_m2",
    "done_on",
    "building",
    "place",
    "map_x",
    "map_y",
    "cost_dkk",
    "expected_saving_kwh",
    "expected_saving_dkk",
    "visibility",
)
INVOLVEMENT_FIELDS = (
    "kind",
    "title",
    "held_on",
    "participants",
    "households",
    "notes",
    "measure",
    "visibility",
)


def _attnames(fields: tuple[str, ...]) -> list[str]:
    return [f"{name}_id" if name in {"building", "measure"} else name for name in fields]


def suggested_unit(kind: str) -> str:
    return SUGGESTED_UNITS.get(kind, "")


def _amount(
    errors: dict[str, list[str]], name: str, value: Decimal | None, limit: Decimal, label: str
) -> None:
    if value is None:
        return
    if value < 0:
        errors.setdefault(name, []).append(_("%(label)s kan ikke være negativ.") % {"label": label})
    elif value > limit:
        errors.setdefault(name, []).append(
            _("%(label)s er for stor: højst %(max)s.")
            % {"label": label, "max": f"{limit:,.0f}".replace(",", ".")}
        )


def _date(errors: dict[str, list[str]], name: str, value: dt.date | None) -> None:
    if value is None:
        errors.setdefault(name, []).append(_("Angiv datoen."))
        return
    if not bounds.date_in_bounds(value):
        errors.setdefault(name, []).append(str(bounds.DATE_BOUNDS_MESSAGE))
    elif value > timezone.localdate() + dt.timedelta(days=FUTURE_DAYS):
        errors.setdefault(name, []).append(_("Datoen må højst ligge et år ude i fremtiden."))


def _text(errors: dict[str, list[str]], name: str, value: str, limit: int, required: bool) -> None:
    if required and not value.strip():
        errors.setdefault(name, []).append(_("Skriv en titel."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(
            _("Teksten er for lang: højst %(max)s tegn.") % {"max": limit}
        )


def _visibility(errors: dict[str, list[str]], value: str) -> None:
    if value not in Visibility.values:
        errors.setdefault("visibility", []).append(_("Vælg, hvem der må se det."))


def validate_measure(measure: GreenMeasure) -> None:
    errors: dict[str, list[str]] = {}
    if measure.kind not in MeasureKind.values:
        errors.setdefault("kind", []).append(_("Vælg, hvilken slags tiltag det er."))
    _text(errors, "title", measure.title or "", bounds.TITLE, True)
    _text(errors, "description", measure.description or "", bounds.LONG_TEXT, False)
    _text(errors, "place", measure.place or "", 200, False)
    if len(measure.quantity_unit or "") > 20:
        errors.setdefault("quantity_unit", []).append(_("Enheden må højst være 20 tegn."))
    _amount(errors, "quantity", measure.quantity, MAX_QUANTITY, _("Antal eller størrelse"))
    _amount(errors, "area_m2", measure.area_m2, MAX_AREA_M2, _("Arealet"))
    _amount(errors, "cost_dkk", measure.cost_dkk, MAX_DKK, _("Udgiften"))
    _amount(
        errors,
        "expected_saving_kwh",
        measure.expected_saving_kwh,
        MAX_KWH,
        _("Den forventede besparelse i kWh"),
    )
    _amount(
        errors,
        "expected_saving_dkk",
        measure.expected_saving_dkk,
        MAX_DKK,
        _("Den forventede besparelse i kroner"),
    )
    _date(errors, "done_on", measure.done_on)
    for name in ("map_x", "map_y"):
        value = getattr(measure, name)
        if value is not None and not (0 <= value <= 100):
            errors.setdefault(name, []).append(
                _("Et punkt på kortet angives i procent, fra 0 til 100.")
            )
    if (measure.map_x is None) != (measure.map_y is None):
        errors.setdefault("map_y" if measure.map_y is None else "map_x", []).append(
            _("Angiv både den vandrette og den lodrette placering, eller ingen af dem.")
        )
    if measure.building_id is not None:
        estate_id = (
            Building.objects.filter(pk=measure.building_id)
            .values_list("estate_id", flat=True)
            .first()
        )
        if estate_id != measure.estate_id:
            errors.setdefault("building", []).append(
                _("Bygningen hører ikke til afdelingen. Vælg en af afdelingens bygninger.")
            )
    _visibility(errors, measure.visibility)
    if errors:
        raise ValidationError(errors)


def _fill_defaults(measure: GreenMeasure) -> None:
    """The kind's unit for a size without one; a biodiversity size in m² as its area."""
    if measure.quantity is not None and not (measure.quantity_unit or "").strip():
        measure.quantity_unit = suggested_unit(measure.kind)
    measure.quantity_unit = (measure.quantity_unit or "").strip()
    if (
        measure.area_m2 is None
        and measure.quantity is not None
        and measure.quantity_unit == M2
        and measure.kind in BIODIVERSITY_KINDS
    ):
        measure.area_m2 = measure.quantity


def measure_create(
    *,
    actor: Any,
    estate: Estate,
    kind: str,
    title: str,
    done_on: dt.date,
    description: str = "",
    quantity: Decimal | None = None,
    quantity_unit: str = "",
    area_m2: Decimal | None = None,
    building: Building | None = None,
    place: str = "",
    map_x: Decimal | None = None,
    map_y: Decimal | None = None,
    cost_dkk: Decimal | None = None,
    expected_saving_kwh: Decimal | None = None,
    expected_saving_dkk: Decimal | None = None,
    visibility: str = Visibility.ORGANISATION,
) -> GreenMeasure:
    measure = GreenMeasure(
        estate=estate,
        kind=kind,
        title=title.strip(),
        description=description,
        quantity=quantity,
        quantity_unit=quantity_unit,
        area_m2=area_m2,
        done_on=done_on,
        building=building,
        place=place.strip(),
        map_x=map_x,
        map_y=map_y,
        cost_dkk=cost_dkk,
        expected_saving_kwh=expected_saving_kwh,
        expected_saving_dkk=expected_saving_dkk,
        visibility=visibility,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _fill_defaults(measure)
    validate_measure(measure)
    with transaction.atomic():
        measure.save()
        audit_record(
            actor=actor,
            action="create",
            obj=measure,
            organisation_id=estate.organisation_id,
            after=snapshot(measure, _attnames(MEASURE_FIELDS)),
        )
    return measure


def measure_update(
    *, actor: Any, measure: GreenMeasure, changes: Mapping[str, Any]
) -> GreenMeasure:
    """Change the named fields (of ``MEASURE_FIELDS``); the same rules as creating."""

    def validate(fresh: GreenMeasure) -> None:
        _fill_defaults(fresh)
        validate_measure(fresh)

    extra = dict(changes)
    if "quantity" in extra or "kind" in extra:
        # What _fill_defaults may set is part of the change (and of its audit).
        extra.setdefault("quantity_unit", measure.quantity_unit)
        extra.setdefault("area_m2", measure.area_m2)
    return audited_update(
        actor=actor,
        obj=measure,
        changes=extra,
        allowed=MEASURE_FIELDS,
        organisation_id=measure.estate.organisation_id,
        validate=validate,
    )


@transaction.atomic
def measure_delete(*, actor: Any, measure: GreenMeasure) -> None:
    """Delete the measure with its photos (attachments go with their owner); its
    involvement entries stay, without the link."""
    audit_record(
        actor=actor,
        action="delete",
        obj=measure,
        organisation_id=measure.estate.organisation_id,
        before=snapshot(measure, _attnames(MEASURE_FIELDS)),
    )
    measure.delete()


def validate_involvement(entry: Involvement) -> None:
    errors: dict[str, list[str]] = {}
    if entry.kind not in InvolvementKind.values:
        errors.setdefault("kind", []).append(_("Vælg, hvilken slags inddragelse det var."))
    _text(errors, "title", entry.title or "", bounds.TITLE, True)
    _text(errors, "notes", entry.notes or "", bounds.SHORT_TEXT, False)
    _date(errors, "held_on", entry.held_on)
    if entry.participants is None:
        errors.setdefault("participants", []).append(_("Angiv, hvor mange der deltog."))
    elif not 0 <= entry.participants <= MAX_PARTICIPANTS:
        errors.setdefault("participants", []).append(
            _("Antal deltagere skal være mellem 0 og %(max)s.") % {"max": MAX_PARTICIPANTS}
        )
    if entry.households is not None and not 0 <= entry.households <= MAX_PARTICIPANTS:
        errors.setdefault("households", []).append(
            _("Antal husstande skal være mellem 0 og %(max)s.") % {"max": MAX_PARTICIPANTS}
        )
    if entry.measure_id is not None:
        estate_id = (
            GreenMeasure.objects.filter(pk=entry.measure_id)
            .values_list("estate_id", flat=True)
            .first()
        )
        if estate_id != entry.estate_id:
            errors.setdefault("measure", []).append(
                _("Tiltaget hører ikke til afdelingen. Vælg et af afdelingens tiltag.")
            )
    _visibility(errors, entry.visibility)
    if errors:
        raise ValidationError(errors)


def involvement_create(
    *,
    actor: Any,
    estate: Estate,
    kind: str,
    title: str,
    held_on: dt.date,
    participants: int,
    households: int | None = None,
    notes: str = "",
    measure: GreenMeasure | None = None,
    visibility: str = Visibility.ORGANISATION,
) -> Involvement:
    entry = Involvement(
        estate=estate,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        participants=participants,
        households=households,
        notes=notes,
        measure=measure,
        visibility=visibility,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    validate_involvement(entry)
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=actor,
            action="create",
            obj=entry,
            organisation_id=estate.organisation_id,
            after=snapshot(entry, _attnames(INVOLVEMENT_FIELDS)),
        )
    return entry


def involvement_update(
    *, actor: Any, entry: Involvement, changes: Mapping[str, Any]
) -> Involvement:
    return audited_update(
        actor=actor,
        obj=entry,
        changes=changes,
        allowed=INVOLVEMENT_FIELDS,
        organisation_id=entry.estate.organisation_id,
        validate=validate_involvement,
    )


@transaction.atomic
def involvement_delete(*, actor: Any, entry: Involvement) -> None:
    audit_record(
        actor=actor,
        action="delete",
        obj=entry,
        organisation_id=entry.estate.organisation_id,
        before=snapshot(entry, _attnames(INVOLVEMENT_FIELDS)),
    )
    entry.delete()


def measure_photo_add(
    *,
    actor: Any,
    measure: GreenMeasure,
    fileobj: IO[bytes],
    name: str,
    size: int,
    alt_text: str,
) -> MeasurePhoto:
    """A photo of the measure: checked, scanned and stored by attachments (JPEG, PNG or
    WebP only, the measure's ``OwnerKind``), with its text for screen readers."""
    alt_text = alt_text.strip()
    if not alt_text:
        raise ValidationError({"alt_text": _("Skriv, hvad fotoet viser (til skærmlæsere).")})
    if len(alt_text) > 300:
        raise ValidationError({"alt_text": _("Teksten er for lang: højst 300 tegn.")})
    with transaction.atomic():
        attachment = attachment_add(
            actor=actor,
            owner=measure,
            fileobj=fileobj,
            name=name,
            size=size,
            kind=AttachmentKind.PHOTO,
        )
        photo = MeasurePhoto.objects.create(
            measure=measure, attachment=attachment, alt_text=alt_text
        )
        audit_record(
            actor=actor,
            action="create",
            obj=photo,
            organisation_id=measure.estate.organisation_id,
            after={"measure_id": measure.pk, "attachment_id": attachment.pk, "alt_text": alt_text},
        )
    return photo
