"""Fetch-and-authorise for import runs: the organisation's staff only."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from almen.imports.models import ImportRun
from almen.register.access import organisation_for_staff


def import_run_for_staff(request: HttpRequest, cvr: str, run_id: uuid.UUID) -> ImportRun:
    """The run, for staff of the organisation it belongs to (404 for another's run)."""
    organisation = organisation_for_staff(request, cvr)
    try:
        run = (
            ImportRun.objects.register()
            .select_related("uploaded_by", "committed_by")
            .get(organisation=organisation, public_id=run_id)
        )
    except ImportRun.DoesNotExist:
        raise Http404 from None
    run.organisation = organisation
    return run
