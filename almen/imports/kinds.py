"""Kinds of import on the same runs: the tenancy register (``"register"``, this app)
and whatever other modules register (grøn drift's readings, energy labels and degree
days). The background task runs ``processor(run_id=…, commit=…, in_worker=True)`` of
the run's kind, so this app never imports the modules above it (decision 0031)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from almen.lib.registry import Registry, resolve

REGISTER = "register"

Processor = Callable[..., Any]

_processors: Registry[Processor] = Registry("import kinds")


def register(kind: str, processor: Processor | str, *, app: str) -> None:
    """``processor(*, run_id: str, commit: bool, in_worker: bool) -> ImportRun``, or its
    ``"module:attribute"``, imported on first use: start-up then imports no module of a
    kind's (a management command like ``ballot_verify`` pays for none of them)."""
    _processors.register(kind, processor, app=app)  # type: ignore[arg-type]


def processor_for(kind: str) -> Processor:
    if kind == REGISTER:
        from almen.imports import services

        return services.import_run_process
    resolved: Processor = resolve(_processors.get(kind))
    return resolved
