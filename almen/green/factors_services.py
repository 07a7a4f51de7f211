"""Changing emission factors and suppliers (decision 0031, docs/emission-factors.md).

A factor is never edited: ``factor_change`` marks the current row superseded and adds
the next version with the same year, kind, price area, supplier, method and
organisation, so every footprint month keeps naming the version it was computed with.
Adding or changing a factor recomputes, in the background once the transaction has
committed, the footprints of the meters that could use it (``factor_meter_ids``).

Sector staff keep the national table (``organisation`` empty); an organisation's staff
keep its own suppliers and its own declarations for a plant (``organisation`` set),
which ``footprint.FactorTable`` prefers for that organisation's meters only.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, audited_update, snapshot
from almen.green import footprint
from almen.green.models import (
    EmissionFactor,
    EnergyKind,
    FactorMethod,
    Meter,
    PriceArea,
    Supplier,
)
from almen.lib import bounds
from almen.register.models import Municipality, Organisation

YEAR_MIN = 1990
YEAR_MAX = 2100
VALUE_MAX = Decimal(100)  # kg CO2e per base unit: anything at or above is a typo
PLACES = Decimal("0.000001")

FACTOR_FIELDS = [
    "key",
    "version",
    "year",
    "kind",
    "price_area",
    "supplier_id",
    "method",
    "kg_co2e_per_unit",
    "source",
    "source_url",
    "note",
    "organisation_id",
]


# --- validation -----------------------------------------------------------------------


def validate_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(
            {"year": _("Året skal ligge mellem 1990 og 2100.")}, code="year_out_of_range"
        )


def validate_value(value: Decimal) -> None:
    if value < 0:
        raise ValidationError(
            {"kg_co2e_per_unit": _("Faktoren kan ikke være negativ.")}, code="negative"
        )
    if value >= VALUE_MAX:
        raise ValidationError(
            {
                "kg_co2e_per_unit": _(
                    "Faktoren skal være under 100 kg CO2e pr. enhed. Har du skrevet "
                    "pr. MWh i stedet for pr. kWh?"
                )
            },
            code="too_large",
        )


def _validate_texts(source: str, source_url: str, note: str) -> None:
    errors: dict[str, str] = {}
    if not source.strip():
        errors["source"] = _("Skriv hvor tallet kommer fra.")
    elif len(source) > bounds.SHORT_TEXT:
        errors["source"] = _("Kilden må højst fylde 2000 tegn.")
    if len(note) > bounds.SHORT_TEXT:
        errors["note"] = _("Bemærkningen må højst fylde 2000 tegn.")
    if source_url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            errors["source_url"] = _("Skriv et gyldigt link, der begynder med https://.")
        if len(source_url) > 500:
            errors["source_url"] = _("Linket må højst fylde 500 tegn.")
    if errors:
        raise ValidationError(errors)


def _validate_scope(
    *,
    kind: str,
    price_area: str,
    supplier: Supplier | None,
    organisation: Organisation | None,
) -> None:
    if kind not in EnergyKind.values:
        raise ValidationError({"kind": _("Vælg en forsyningsart.")})
    if price_area and price_area not in PriceArea.values:
        raise ValidationError({"price_area": _("Vælg DK1 eller DK2.")})
    if price_area and kind != EnergyKind.ELECTRICITY:
        raise ValidationError({"price_area": _("Kun el har et prisområde.")})
    if price_area and supplier is not None:
        raise ValidationError(
            {"price_area": _("En forsynings deklaration gælder forsyningen, ikke et prisområde.")}
        )
    if supplier is not None:
        if supplier.kind != kind:
            raise ValidationError(
                {
                    "supplier": _(
                        "Forsyningen leverer %(supplier_kind)s, men faktoren er for %(kind)s."
                    )
                    % {
                        "supplier_kind": supplier.get_kind_display().lower(),
                        "kind": EnergyKind(kind).label.lower(),
                    }
                },
                code="kind_mismatch",
            )
        if supplier.organisation_id is not None and supplier.organisation_id != (
            organisation.pk if organisation else None
        ):
            raise ValidationError({"supplier": _("Forsyningen hører til en anden organisation.")})
    if organisation is not None and supplier is None:
        raise ValidationError(
            {"supplier": _("En organisations egen faktor er en deklaration for en forsyning.")}
        )


# --- which meters a factor can reach --------------------------------------------------


def factor_meter_ids(factor: EmissionFactor) -> list[int]:
    """Meters whose footprint may use ``factor``: the same kind; with a supplier, only
    that supplier's meters; an organisation's factor, only its meters."""
    meters: QuerySet[Meter] = Meter.objects.filter(kind=factor.kind)
    if factor.supplier_id is not None:
        meters = meters.filter(supplier_id=factor.supplier_id)
    if factor.organisation_id is not None:
        meters = meters.filter(estate__organisation_id=factor.organisation_id)
    return list(meters.order_by("pk").values_list("pk", flat=True))


def factor_recompute(*, factor_id: int) -> int:
    """Rewrite the footprint months of the meters ``factor_id`` can reach (what the
    background task runs); returns the months written."""
    factor = EmissionFactor.objects.filter(pk=factor_id).first()
    if factor is None:
        return 0
    return footprint.meter_refresh(factor_meter_ids(factor))


def _recompute_later(factor: EmissionFactor) -> None:
    from almen.green.factors_tasks import factor_recompute as task

    factor_id = factor.pk
    transaction.on_commit(lambda: task.enqueue(factor_id))


# --- factors ---------------------------------------------------------------------------


def factor_create(
    *,
    actor: Any,
    year: int,
    kind: str,
    kg_co2e_per_unit: Decimal,
    source: str,
    source_url: str = "",
    note: str = "",
    price_area: str = "",
    supplier: Supplier | None = None,
    organisation: Organisation | None = None,
    method: str = FactorMethod.LOCATION,
) -> EmissionFactor:
    """Add version 1 of a factor (national when ``organisation`` is None)."""
    validate_year(year)
    validate_value(kg_co2e_per_unit)
    _validate_texts(source, source_url, note)
    _validate_scope(kind=kind, price_area=price_area, supplier=supplier, organisation=organisation)
    key = EmissionFactor.make_key(
        year=year,
        kind=kind,
        price_area=price_area,
        supplier_id=supplier.pk if supplier else None,
        method=method,
        organisation_id=organisation.pk if organisation else None,
    )
    with transaction.atomic():
        if EmissionFactor.objects.select_for_update().filter(key=key).exists():
            raise ValidationError(
                _(
                    "Der findes allerede en faktor for dette år, denne forsyningsart og "
                    "denne forsyning. Ret den i stedet: så får den en ny version."
                ),
                code="exists",
            )
        factor = EmissionFactor.objects.create(
            version=1,
            year=year,
            kind=kind,
            price_area=price_area,
            supplier=supplier,
            method=method,
            kg_co2e_per_unit=kg_co2e_per_unit.quantize(PLACES),
            source=source.strip(),
            source_url=source_url,
            note=note.strip(),
            organisation=organisation,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=factor,
            organisation_id=organisation.pk if organisation else None,
            after=snapshot(factor, FACTOR_FIELDS),
        )
        _recompute_later(factor)
    return factor


def factor_change(
    *,
    actor: Any,
    factor: EmissionFactor,
    kg_co2e_per_unit: Decimal,
    source: str,
    source_url: str,
    note: str,
    reason: str,
) -> EmissionFactor:
    """A new version of ``factor`` (which must be the current one); the old version is
    marked superseded, never edited otherwise. ``reason`` goes into the audit log."""
    validate_value(kg_co2e_per_unit)
    _validate_texts(source, source_url, note)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv hvorfor faktoren ændres.")})
    if len(reason) > bounds.SHORT_TEXT:
        raise ValidationError({"reason": _("Begrundelsen må højst fylde 2000 tegn.")})
    with transaction.atomic():
        old = EmissionFactor.objects.select_for_update().get(pk=factor.pk)
        if old.superseded_at is not None:
            raise ValidationError(
                _("Denne version er allerede afløst af en nyere. Ret den nyeste version."),
                code="superseded",
            )
        new_value = kg_co2e_per_unit.quantize(PLACES)
        if (new_value, source.strip(), source_url, note.strip()) == (
            old.kg_co2e_per_unit,
            old.source,
            old.source_url,
            old.note,
        ):
            raise ValidationError(
                _("Intet er ændret: værdi, kilde, link og bemærkning er de samme.")
            )
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_at"])
        new = EmissionFactor.objects.create(
            version=old.version + 1,
            year=old.year,
            kind=old.kind,
            price_area=old.price_area,
            supplier_id=old.supplier_id,
            method=old.method,
            kg_co2e_per_unit=new_value,
            source=source.strip(),
            source_url=source_url,
            note=note.strip(),
            organisation_id=old.organisation_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="update",
            obj=new,
            organisation_id=old.organisation_id,
            before={**snapshot(old, FACTOR_FIELDS), "id": old.pk},
            after={**snapshot(new, FACTOR_FIELDS), "reason": reason},
        )
        _recompute_later(new)
    return new


def factor_history(factor: EmissionFactor) -> list[EmissionFactor]:
    """Every version of ``factor``'s key, newest first."""
    return list(
        EmissionFactor.objects.filter(key=factor.key)
        .select_related("created_by")
        .order_by("-version")
    )


# --- suppliers -------------------------------------------------------------------------


def _validate_supplier(name: str, kind: str) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Skriv forsyningens navn.")})
    if len(name) > bounds.TITLE:
        raise ValidationError({"name": _("Navnet må højst fylde 200 tegn.")})
    if kind not in EnergyKind.values:
        raise ValidationError({"kind": _("Vælg en forsyningsart.")})


def supplier_create(
    *,
    actor: Any,
    organisation: Organisation | None,
    name: str,
    kind: str,
    municipalities: Iterable[Municipality] = (),
) -> Supplier:
    """An organisation's own supplier (e.g. the district-heating plant it buys from), or
    with ``organisation=None`` a national one that sector staff keep and every
    organisation may declare for."""
    name = name.strip()
    _validate_supplier(name, kind)
    with transaction.atomic():
        same = Supplier.objects.filter(kind=kind, name=name)
        if organisation is None:
            if same.filter(organisation__isnull=True).exists():
                raise ValidationError(
                    {"name": _("Der findes allerede en national forsyning med det navn.")}
                )
        elif same.filter(organisation=organisation).exists():
            raise ValidationError(
                {"name": _("Organisationen har allerede en forsyning med det navn.")}
            )
        supplier = Supplier.objects.create(name=name, kind=kind, organisation=organisation)
        supplier.municipalities.set(list(municipalities))
        audit_record(
            actor=actor,
            action="create",
            obj=supplier,
            organisation_id=organisation.pk if organisation else None,
            after={
                **snapshot(supplier, ["name", "kind", "organisation_id"]),
                "municipalities": sorted(m.code for m in supplier.municipalities.all()),
            },
        )
    return supplier


def supplier_update(
    *,
    actor: Any,
    supplier: Supplier,
    name: str,
    municipalities: Iterable[Municipality] | None = None,
) -> Supplier:
    """Rename an organisation's own supplier or change the municipalities it serves.
    Its kind stays: its declarations and meters are of that kind."""
    if supplier.organisation_id is None:
        raise ValidationError(_("En national forsyning vedligeholdes af sektoren."))
    name = name.strip()
    _validate_supplier(name, supplier.kind)
    if (
        Supplier.objects.filter(
            organisation_id=supplier.organisation_id, kind=supplier.kind, name=name
        )
        .exclude(pk=supplier.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Organisationen har allerede en forsyning med det navn.")})
    wanted = None if municipalities is None else list(municipalities)

    def after_save(fresh: Supplier) -> dict[str, tuple[Any, Any]]:
        if wanted is None:
            return {}
        before = sorted(fresh.municipalities.values_list("code", flat=True))
        fresh.municipalities.set(wanted)
        return {"municipalities": (before, sorted(m.code for m in wanted))}

    return audited_update(
        actor=actor,
        obj=supplier,
        changes={"name": name},
        allowed={"name"},
        organisation_id=supplier.organisation_id,
        after_save=after_save,
    )
