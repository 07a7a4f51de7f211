"""Fetch-and-authorise for the styringsdialog.

Both sides write: the organisation's staff and the officers of the municipality the
dialogue is held with. The organisation's board reads. Everyone else is an outsider
(404); anonymous visitors are asked to log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from almen.access.policy import (
    LoginRequired,
    Principal,
    deny,
    principal,
    principal_for_municipality,
)
from almen.dialogue.models import Agreement, Dialogue, DialogueQuerySet
from almen.goals.access import can_view_goal, visible_goals
from almen.goals.models import Goal
from almen.register.models import Estate, Municipality, Organisation


def can_write(p: Principal, organisation_id: int, municipality_id: int) -> bool:
    return p.is_staff_of(organisation_id) or municipality_id in p.municipalities


def can_read(p: Principal, organisation_id: int, municipality_id: int) -> bool:
    return can_write(p, organisation_id, municipality_id) or p.is_board_of_organisation(
        organisation_id
    )


def visible_dialogues(p: Principal) -> DialogueQuerySet:
    if p.superuser:
        return Dialogue.objects.all()
    if p.is_anonymous:
        return Dialogue.objects.none()
    return Dialogue.objects.filter(
        Q(organisation_id__in=p.staff_organisations | p.board_organisations)
        | Q(municipality_id__in=p.municipalities)
    )


def _dialogue(public_id: UUID | str) -> Dialogue:
    try:
        return Dialogue.objects.select_related("organisation", "municipality").get(
            public_id=public_id
        )
    except (Dialogue.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def dialogue_for_view(request: HttpRequest, public_id: UUID | str) -> Dialogue:
    dialogue = _dialogue(public_id)
    p = principal(request)
    if not can_read(p, dialogue.organisation_id, dialogue.municipality_id):
        deny(p, can_read=False)
    return dialogue


def dialogue_for_manage(request: HttpRequest, public_id: UUID | str) -> Dialogue:
    dialogue = _dialogue(public_id)
    p = principal(request)
    if not can_write(p, dialogue.organisation_id, dialogue.municipality_id):
        deny(p, can_read=can_read(p, dialogue.organisation_id, dialogue.municipality_id))
    return dialogue


def dialogue_for_pack(request: HttpRequest, cvr: str, code: str, year: int) -> Dialogue:
    """The dialogue named by organisation (CVR), municipality code and year, for the
    meeting pack (reports): the same readers as the dialogue's page."""
    try:
        dialogue = Dialogue.objects.select_related("organisation", "municipality").get(
            organisation__cvr=cvr, municipality__code=code, year=year
        )
    except Dialogue.DoesNotExist:
        raise Http404 from None
    p = principal(request)
    if not can_read(p, dialogue.organisation_id, dialogue.municipality_id):
        deny(p, can_read=False)
    return dialogue


def agreement_for_manage(dialogue: Dialogue, public_id: UUID) -> Agreement:
    """An agreement of a dialogue already authorised for managing."""
    try:
        return dialogue.agreements.select_related("goal").get(public_id=public_id)
    except Agreement.DoesNotExist:
        raise Http404 from None


# --- where a dialogue may be created ------------------------------------------------------


@dataclass(frozen=True)
class Place:
    organisation: Organisation
    municipality: Municipality


def places_for_create(p: Principal) -> list[Place]:
    """Every (organisation, municipality) pair ``p`` may open a dialogue for: the
    municipalities where the organisation has estates or its seat, limited to the
    organisations ``p`` works for and the municipalities ``p`` is an officer of.
    Three queries whatever the size."""
    if p.is_anonymous:
        return []
    organisations = Organisation.objects.select_related("municipality")
    if not p.superuser:
        organisations = organisations.filter(
            Q(pk__in=p.staff_organisations)
            | Q(municipality_id__in=p.municipalities)
            | Q(estates__municipality_id__in=p.municipalities)
        ).distinct()
    by_id = {o.pk: o for o in organisations.order_by("name")}
    if not by_id:
        return []
    pairs: dict[int, set[int]] = {pk: {o.municipality_id} for pk, o in by_id.items()}
    for org_id, muni_id in (
        Estate.objects.filter(organisation_id__in=by_id)
        .values_list("organisation_id", "municipality_id")
        .distinct()
    ):
        pairs[org_id].add(muni_id)
    municipalities = Municipality.objects.in_bulk({m for ms in pairs.values() for m in ms})
    places = [
        Place(by_id[org_id], municipalities[muni_id])
        for org_id, munis in pairs.items()
        for muni_id in munis
        if can_write(p, org_id, muni_id)
    ]
    return sorted(places, key=lambda pl: (pl.organisation.name, pl.municipality.name))


def places_for_create_page(request: HttpRequest) -> list[Place]:
    """For the create page: at least one place, or 403 (logged in) / login."""
    p = principal(request)
    if p.is_anonymous:
        raise LoginRequired
    places = places_for_create(p)
    if not places:
        deny(p, can_read=True)
    return places


# --- which goals an agreement may name -------------------------------------------------


def goal_visible_to_municipality(goal: Goal, municipality_id: int) -> bool:
    """Could the municipality's officers read this goal? The access policy's answer for
    the municipality as a principal (not a draft; shared with the municipality where
    the goal lives, or wider)."""
    return can_view_goal(principal_for_municipality(municipality_id), goal)


def goals_for_agreement(dialogue: Dialogue) -> QuerySet[Goal]:
    """The organisation's goals that an agreement in ``dialogue`` may name: those the
    municipality may read (``visible_goals`` for it), as one query."""
    return (
        visible_goals(principal_for_municipality(dialogue.municipality_id))
        .filter(organisation_id=dialogue.organisation_id)
        .select_related("estate", "organisation")
        .order_by("estate__number", "title")
    )
