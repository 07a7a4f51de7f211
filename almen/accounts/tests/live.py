"""Helpers for tests that run against pytest-django's live server."""

from __future__ import annotations

import importlib

from django.apps import apps

from almen.register.demo import personas_create
from almen.register.models import Municipality


def ensure_personas() -> None:
    """live_server needs ``transactional_db``, whose teardown empties every table, so
    an earlier live test may have removed the migration-loaded municipalities and the
    session-wide personas. Loading both again is idempotent (same sizes as
    almen/conftest.py)."""
    if not Municipality.objects.exists():
        migration = importlib.import_module("almen.register.migrations.0002_load_municipalities")
        migration.load(apps, None)
    from almen.goals.models import Framework

    if not Framework.objects.exists():
        migration = importlib.import_module("almen.goals.migrations.0002_load_framework_2026_2028")
        migration.load(apps, None)
    personas_create(homes_per_estate=6, estates_per_org=2)
