"""A styringsdialog meeting takes attachments (minutes, decisions): read by the
dialogue's readers, added and removed by both sides that write it (dialogue/access.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from almen.attachments.owners import OwnerKind, register_owner
from almen.dialogue.access import can_read, can_write
from almen.dialogue.models import Dialogue


def _dialogue(key: str) -> Dialogue | None:
    try:
        return (
            Dialogue.objects.select_related("organisation", "municipality")
            .filter(public_id=key)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def register(app: str) -> None:
    register_owner(
        OwnerKind(
            key="styringsdialog",
            model=Dialogue,
            label=gettext_lazy("styringsdialog"),
            fetch=_dialogue,
            url_key=lambda d: str(d.public_id),
            can_read=lambda p, d: can_read(p, d.organisation_id, d.municipality_id),
            can_manage=lambda p, d: can_write(p, d.organisation_id, d.municipality_id),
            organisation_id=lambda d: d.organisation_id,
            page_url=lambda d: reverse("dialogue:dialogue_detail", args=[d.public_id]),
            title=lambda d: (
                _("Styringsdialog %(year)s: %(organisation)s og %(municipality)s")
                % {
                    "year": d.year,
                    "organisation": d.organisation.name,
                    "municipality": d.municipality.name,
                }
            ),
        ),
        app=app,
    )
