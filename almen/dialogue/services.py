"""State changes for the styringsdialog. Each validates first, records an audit entry
(under the organisation, so it shows in the organisation's log), and is the one path
used by views, the demo and tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, audited_update, snapshot
from almen.dialogue.access import goal_visible_to_municipality
from almen.dialogue.models import (
    Agreement,
    Dialogue,
    DialogueStatus,
    FollowUpStatus,
    ResponsibleParty,
)
from almen.goals.models import Goal
from almen.register.models import Municipality, Organisation

DIALOGUE_FIELDS = [
    "organisation_id",
    "municipality_id",
    "year",
    "meeting_date",
    "meeting_place",
    "participants",
    "status",
    "minutes_summary",
]
DIALOGUE_EDITABLE = {"meeting_date", "meeting_place", "participants", "status", "minutes_summary"}
AGREEMENT_FIELDS = [
    "dialogue_id",
    "title",
    "description",
    "goal_id",
    "responsible_party",
    "responsible_person",
    "due",
    "follow_up_status",
    "follow_up_note",
]
AGREEMENT_EDITABLE = {
    "title",
    "description",
    "goal",
    "responsible_party",
    "responsible_person",
    "due",
}


def _check_place(organisation: Organisation, municipality: Municipality) -> None:
    """A dialogue is held with a municipality where the organisation has estates or
    its seat."""
    if organisation.municipality_id == municipality.pk:
        return
    if organisation.estates.filter(municipality=municipality).exists():
        return
    raise ValidationError(
        {
            "municipality": _(
                "%(organisation)s har hverken afdelinger eller hjemsted i %(municipality)s. "
                "Styringsdialogen holdes med de kommuner, hvor organisationen har boliger."
            )
            % {"organisation": organisation.name, "municipality": municipality.name}
        }
    )


def _check_dialogue(dialogue: Dialogue) -> None:
    if dialogue.meeting_date is not None and dialogue.meeting_date.year != dialogue.year:
        raise ValidationError(
            {
                "meeting_date": _("Mødet skal ligge i styringsdialogens år (%(year)s).")
                % {"year": dialogue.year}
            }
        )
    dialogue.full_clean()


def _clean_participants(text: str) -> str:
    """One participant per line; blank lines and trailing spaces go."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@transaction.atomic
def dialogue_create(
    *,
    actor: Any,
    organisation: Organisation,
    municipality: Municipality,
    year: int,
    meeting_date: dt.date | None = None,
    meeting_place: str = "",
    participants: str = "",
    status: str = DialogueStatus.PLANNED,
    minutes_summary: str = "",
) -> Dialogue:
    """Open the year's styringsdialog between ``organisation`` and ``municipality``."""
    _check_place(organisation, municipality)
    dialogue = Dialogue(
        organisation=organisation,
        municipality=municipality,
        year=year,
        meeting_date=meeting_date,
        meeting_place=meeting_place.strip(),
        participants=_clean_participants(participants),
        status=status,
        minutes_summary=minutes_summary,
    )
    _check_dialogue(dialogue)
    dialogue.save()
    audit_record(
        actor=actor,
        action="create",
        obj=dialogue,
        organisation_id=organisation.pk,
        after=snapshot(dialogue, DIALOGUE_FIELDS),
    )
    return dialogue


@transaction.atomic
def dialogue_update(*, actor: Any, dialogue: Dialogue, **changes: Any) -> Dialogue:
    """Change the meeting, participants, status or minutes. The organisation,
    municipality and year are what the dialogue *is*: they do not change."""
    if "participants" in changes and isinstance(changes["participants"], str):
        changes["participants"] = _clean_participants(changes["participants"])

    def validate(fresh: Dialogue) -> None:
        _check_dialogue(fresh)
        if fresh.meeting_date is not None:
            early = fresh.agreements.filter(due__lt=fresh.meeting_date).first()
            if early is not None:
                raise ValidationError(
                    {
                        "meeting_date": _(
                            "Aftalen »%(title)s« har frist før den nye mødedato. Ret fristen først."
                        )
                        % {"title": early.title}
                    }
                )

    return audited_update(
        actor=actor,
        obj=dialogue,
        changes=changes,
        allowed=DIALOGUE_EDITABLE,
        organisation_id=dialogue.organisation_id,
        validate=validate,
    )


def _check_agreement(agreement: Agreement) -> None:
    dialogue = agreement.dialogue
    goal = agreement.goal
    if goal is not None:
        if goal.organisation_id != dialogue.organisation_id:
            raise ValidationError(
                {"goal": _("Målet hører ikke til boligorganisationen i denne styringsdialog.")}
            )
        if not goal_visible_to_municipality(goal, dialogue.municipality_id):
            raise ValidationError(
                {
                    "goal": _(
                        "Målet er ikke delt med %(municipality)s. Et mål skal være vedtaget og "
                        "have synligheden »Kommunen« eller bredere, før det kan indgå i en aftale."
                    )
                    % {"municipality": dialogue.municipality.name}
                }
            )
    meeting = dialogue.meeting_date
    if agreement.due is not None and meeting is not None and agreement.due < meeting:
        raise ValidationError(
            {
                "due": _("Fristen kan ikke ligge før mødet (%(date)s).")
                % {"date": meeting.strftime("%d-%m-%Y")}
            }
        )
    agreement.full_clean(exclude=["dialogue"])


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    dialogue: Dialogue,
    title: str,
    description: str = "",
    goal: Goal | None = None,
    responsible_party: str = ResponsibleParty.ORGANISATION,
    responsible_person: str = "",
    due: dt.date | None = None,
) -> Agreement:
    """Record an agreement made in ``dialogue``, optionally serving one of the
    organisation's goals that is shared with the municipality."""
    agreement = Agreement(
        dialogue=dialogue,
        title=title.strip(),
        description=description,
        goal=goal,
        responsible_party=responsible_party,
        responsible_person=responsible_person.strip(),
        due=due,
    )
    _check_agreement(agreement)
    agreement.save()
    audit_record(
        actor=actor,
        action="create",
        obj=agreement,
        organisation_id=dialogue.organisation_id,
        after=snapshot(agreement, AGREEMENT_FIELDS),
    )
    return agreement


def _change(
    actor: Any, agreement: Agreement, changes: dict[str, Any], allowed: Iterable[str]
) -> Agreement:
    return audited_update(
        actor=actor,
        obj=agreement,
        changes=changes,
        allowed=allowed,
        organisation_id=agreement.dialogue.organisation_id,
        validate=_check_agreement,
    )


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, **changes: Any) -> Agreement:
    """Change what was agreed: title, description, goal, who is responsible, due date.
    Follow-up has its own service (``agreement_follow_up``)."""
    return _change(actor, agreement, changes, AGREEMENT_EDITABLE)


@transaction.atomic
def agreement_follow_up(
    *, actor: Any, agreement: Agreement, follow_up_status: str, follow_up_note: str = ""
) -> Agreement:
    """Record how an agreement is going. An agreement that is given up needs a reason."""
    if follow_up_status not in FollowUpStatus.values:
        raise ValidationError({"follow_up_status": _("Vælg en gyldig status for opfølgningen.")})
    return _change(
        actor,
        agreement,
        {"follow_up_status": follow_up_status, "follow_up_note": follow_up_note.strip()},
        {"follow_up_status", "follow_up_note"},
    )
