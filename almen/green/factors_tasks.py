"""Background work for emission factors (Django's Tasks API; the database queue in
production, the immediate backend in tests): a factor added or changed rewrites the
footprints of the meters that could use it."""

from __future__ import annotations

from django.tasks import task

from almen.green import factors_services


@task
def factor_recompute(factor_id: int) -> int:
    """Recompute the footprint months ``factor_id`` can reach; returns months written."""
    return factors_services.factor_recompute(factor_id=factor_id)
