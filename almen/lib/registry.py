"""Where a module plugs in: the registries it fills from ``AppConfig.ready()``.

Each registry (open-data tables, panels, notification kinds, API routers and URLs, demo
seeds, next to the metric registry in ``lib/metrics.py`` and the access contributors in
``access/policy.py``) is a ``Registry``: entries under a unique key, each remembering
the app that registered it, in registration order (``INSTALLED_APPS`` order, ground
floor first, since that is the order in which Django calls ``ready()``).

``withdrawn(app)`` takes one app's entries out of every registry (and its metrics) for
the duration of a ``with`` block: the test that proves a module can be removed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from almen.lib import metrics


def resolve(target: Any) -> Any:
    """``"module:attribute"`` imported, or the object itself. Entries that are only used
    later (API routers, import kinds, demos) are registered by name, so that start-up
    imports none of their modules (decision 0033)."""
    if isinstance(target, str):
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute)
    return target


class Lazy:
    """A function registered by ``"module:attribute"`` where a registry takes a callable
    (a panel's context, a reminder producer, …): its module is imported on the first
    call, not at start-up (decisions 0033 and 0035). Calls pass straight through."""

    def __init__(self, target: str) -> None:
        module, colon, attribute = target.partition(":")
        if not (module and colon and attribute):
            raise ValueError(f"not 'module:attribute': {target!r}")
        self.target = target
        # As the function would say: a registry's owner is found by its module.
        self.__module__, self.__name__, self.__qualname__ = module, attribute, attribute
        self._function: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._function is None:
            self._function = resolve(self.target)
        return self._function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.target!r})"


class AlreadyRegistered(ValueError):
    """Another app already registered an entry under this key."""


@dataclass(frozen=True)
class Entry[T]:
    key: str
    app: str
    item: T


class Registry[T]:
    """Entries by key, in registration order. Registering the same key again from the
    same app replaces the entry (``ready()`` may run more than once in tests)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, Entry[T]] = {}
        _registries.append(self)

    def register(self, key: str, item: T, *, app: str) -> None:
        existing = self._entries.get(key)
        if existing is not None and existing.app != app:
            raise AlreadyRegistered(f"{self.name}: {key!r} is already registered by {existing.app}")
        self._entries[key] = Entry(key, app, item)

    def get(self, key: str) -> T:
        try:
            return self._entries[key].item
        except KeyError:
            raise LookupError(f"{self.name}: nothing registered as {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def items(self) -> list[T]:
        return [entry.item for entry in self._entries.values()]

    def entries(self) -> list[Entry[T]]:
        return list(self._entries.values())

    def apps(self) -> set[str]:
        return {entry.app for entry in self._entries.values()}


_registries: list[Registry[Any]] = []


def registries() -> list[Registry[Any]]:
    return list(_registries)


@contextmanager
def withdrawn(app: str) -> Iterator[None]:
    """Take app ``app`` (its label, e.g. ``"goals"``) out of every registry and the
    metric registry, and put everything back afterwards, in the same order."""
    module = apps.get_app_config(app).name + "."
    saved = [(registry, dict(registry._entries)) for registry in _registries]
    saved_metrics = dict(metrics._registry)
    try:
        for registry in _registries:
            registry._entries = {k: e for k, e in registry._entries.items() if e.app != app}
        for metric in metrics.all_metrics():
            if metric.compute.__module__.startswith(module):
                metrics.unregister(metric.key)
        yield
    finally:
        for registry, entries in saved:
            registry._entries = entries
        metrics._registry.clear()
        metrics._registry.update(saved_metrics)
