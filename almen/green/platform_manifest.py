"""What the platform part of grøn drift registers (called from ``manifest.register``):
the metrics for the goals."""

from __future__ import annotations

from almen.green import platform_metrics


def register() -> None:
    platform_metrics.register_metrics()
