"""The imports part registers its kinds by name and ``"module:attribute"`` so that
start-up imports none of the import code; the names must be the services' own."""

from __future__ import annotations

from almen.green import imports_manifest, imports_services
from almen.imports import kinds


def test_the_manifest_registers_every_kind_the_services_know():
    assert set(imports_manifest.KINDS) == set(imports_services.KINDS)


def test_each_kind_resolves_to_the_services_processor():
    for kind in imports_services.KINDS:
        assert kinds.processor_for(kind) is imports_services.green_run_process
