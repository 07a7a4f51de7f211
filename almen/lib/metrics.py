"""The metric registry: where modules meet.

A module registers the metrics it can compute (households, CO2e per m², turnout …)
for a scope and a period; an indicator may be bound to a metric by key. Goals does not
import the module that computes a figure, nor does that module import goals: both talk
to this registry (see "Module seams" in docs/architecture.md for what imports what).

Register from ``AppConfig.ready()``::

    metrics.register(Metric(key="register.households", label=_("Husstande"), unit="count",
                            scopes={"estate", "organisation"}, compute=households,
                            description=_("Husstande, der bor der ved periodens slutning."),
                            source=_("Almens lejerregister"), method=_("Tæller …")))

``description`` (the definition), ``source`` and ``method`` are the metric's metadata:
an indicator bound to the metric shows them on its page (Open SDG's metadata section)
instead of asking whoever manages the goal to type them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise

ScopeKind = str  # "estate" | "organisation" | "municipality" | "sector"
SCOPE_KINDS = ("estate", "organisation", "municipality", "sector")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period end before start")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    unit: str
    scopes: frozenset[ScopeKind]
    compute: Callable[[ScopeKind, int | None, Period], Decimal | None] = field(compare=False)
    description: str | Promise = ""  # the definition: what the number is
    source: str | Promise = ""  # where the data comes from
    method: str | Promise = ""  # how the number is computed from it

    def value(self, scope: ScopeKind, scope_id: int | None, period: Period) -> Decimal | None:
        if scope not in self.scopes:
            raise UnknownMetric(f"{self.key} is not computed for {scope}")
        return self.compute(scope, scope_id, period)


class UnknownMetric(LookupError):
    """The metric is not (or no longer) provided by any module, or not for that scope."""


_registry: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    existing = _registry.get(metric.key)
    if existing is not None and existing.compute.__module__ != metric.compute.__module__:
        raise ValueError(f"metric {metric.key!r} is already registered by another module")
    unknown = set(metric.scopes) - set(SCOPE_KINDS)
    if unknown:
        raise ValueError(f"unknown scopes {unknown} for {metric.key}")
    _registry[metric.key] = metric


def get(key: str) -> Metric:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownMetric(key) from None


def all_metrics() -> list[Metric]:
    return sorted(_registry.values(), key=lambda m: m.key)


def unregister(key: str) -> None:
    """For tests that check what happens when a module stops providing a metric."""
    _registry.pop(key, None)
