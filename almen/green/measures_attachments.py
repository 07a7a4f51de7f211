"""Green measures take photos through almen/attachments: how to find a measure from
its URL key and — grøn drift's own rules (``green/access.py``) — who sees its photos
(those who may read the measure, by its visibility) and who adds and removes them (the
estate's staff and board). JPEG, PNG and WebP only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from almen.access.policy import Principal
from almen.attachments.owners import OwnerKind, register_owner
from almen.green import access
from almen.green.models import GreenMeasure

KEY = "groent-tiltag"
# The photos a measure takes (the upload form says so too). Kept here, not with the
# form: registering the owner at start-up must not import the forms (decision 0035).
PHOTO_TYPES = frozenset({"jpeg", "png", "webp"})


def _measure(key: str) -> GreenMeasure | None:
    try:
        return (
            GreenMeasure.objects.select_related("estate__organisation", "estate__municipality")
            .filter(public_id=key)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def can_read(p: Principal, measure: GreenMeasure) -> bool:
    return access.can_read_measure(p, measure.estate, measure.visibility)


def can_manage(p: Principal, measure: GreenMeasure) -> bool:
    return access.can_manage_measures(p, measure.estate)


def _page_url(measure: GreenMeasure) -> str:
    from almen.green.measures_views import measure_url

    return measure_url(measure) + "#fotos"


def register(app: str) -> None:
    register_owner(
        OwnerKind(
            key=KEY,
            model=GreenMeasure,
            label=gettext_lazy("grønt tiltag"),
            fetch=_measure,
            url_key=lambda m: str(m.public_id),
            can_read=can_read,
            can_manage=can_manage,
            organisation_id=lambda m: m.estate.organisation_id,
            page_url=_page_url,
            title=lambda m: m.title,
            types=PHOTO_TYPES,
        ),
        app=app,
    )
