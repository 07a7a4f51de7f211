"""Metrics the register can compute, for indicators to bind to."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from almen.lib import metrics
from almen.lib.metrics import Metric, Period
from almen.register.models import Household, Unit, UnitKind

_SCOPES = frozenset({"estate", "organisation", "municipality", "sector"})


def _units(scope: str, scope_id: int | None) -> QuerySet[Unit]:
    units = Unit.objects.all()
    if scope == "sector":
        return units
    if scope_id is None:
        raise ValueError(f"a {scope} metric needs the {scope}'s id")
    if scope == "estate":
        return units.filter(estate_id=scope_id)
    if scope == "organisation":
        return units.filter(estate__organisation_id=scope_id)
    if scope == "municipality":
        return units.filter(estate__municipality_id=scope_id)
    raise ValueError(f"unknown scope {scope!r}")


def households(scope: str, scope_id: int | None, period: Period) -> Decimal:
    """Households living there at the end of the period."""
    count = (
        Household.objects.active(on=period.end)
        .filter(unit__in=_units(scope, scope_id).values("pk"))
        .count()
    )
    return Decimal(count)


def homes(scope: str, scope_id: int | None, period: Period) -> Decimal:
    return Decimal(_units(scope, scope_id).count())


def _share_of(kind: str) -> Callable[[str, int | None, Period], Decimal | None]:
    def compute(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
        agg = _units(scope, scope_id).aggregate(
            total=Count("id"), of_kind=Count("id", filter=Q(kind=kind))
        )
        if not agg["total"]:
            return None
        return (Decimal(agg["of_kind"]) * 100 / Decimal(agg["total"])).quantize(Decimal("0.1"))

    return compute


def occupancy(scope: str, scope_id: int | None, period: Period) -> Decimal | None:
    total = homes(scope, scope_id, period)
    if not total:
        return None
    return (households(scope, scope_id, period) * 100 / total).quantize(Decimal("0.1"))


SOURCE = _(
    "Almens register over afdelinger, lejemål og husstande, som boligorganisationen "
    "importerer fra sit lejesystem."
)


def register_metrics() -> None:
    metrics.register(
        Metric(
            "register.households",
            _("Husstande"),
            "husstande",
            _SCOPES,
            households,
            _("Husstande, der bor der ved periodens slutning."),
            source=SOURCE,
            method=_(
                "Tæller de husstande, hvis indflytning ligger på eller før periodens "
                "sidste dag, og som ikke er flyttet ud inden da."
            ),
        )
    )
    metrics.register(
        Metric(
            "register.homes",
            _("Boliger"),
            "boliger",
            _SCOPES,
            homes,
            _("Antal lejemål."),
            source=SOURCE,
            method=_("Tæller lejemålene i registeret, som det ser ud i dag."),
        )
    )
    metrics.register(
        Metric(
            "register.occupancy",
            _("Udlejede boliger"),
            "%",
            _SCOPES,
            occupancy,
            _("Andel af boligerne med en husstand."),
            source=SOURCE,
            method=_(
                "Husstande ved periodens slutning divideret med antal lejemål, gange 100, "
                "afrundet til én decimal."
            ),
        )
    )
    labels = {
        UnitKind.FAMILY: (
            _("Andel familieboliger"),
            _("Familieboliger i procent af alle boliger."),
        ),
        UnitKind.ELDERLY: (_("Andel ældreboliger"), _("Ældreboliger i procent af alle boliger.")),
        UnitKind.YOUTH: (_("Andel ungdomsboliger"), _("Ungdomsboliger i procent af alle boliger.")),
    }
    for kind, (label, definition) in labels.items():
        metrics.register(
            Metric(
                f"register.share_{kind.value}",
                label,
                "%",
                _SCOPES,
                _share_of(kind.value),
                definition,
                source=SOURCE,
                method=_(
                    "Lejemål af typen divideret med alle lejemål, gange 100, afrundet til "
                    "én decimal. Typen er den, lejesystemet angiver."
                ),
            )
        )
