"""Who is responsible for a goal or an action ("ansvarlig"): a person of the
organisation, one of its bodies, or, only for parties outside it, a name in free text.

The people of an organisation are its staff and its board members (``register.
Membership``) and the members of its bodies (``register.BodyMembership``: the
organisationsbestyrelse, the repræsentantskab and the estates' boards), current today.
Its bodies are its own and its estates'. Forms offer exactly these; the services refuse
anything else, so a goal can never name a person of another organisation.

``match`` is the rule the data migration uses to turn old free text into a person or a
body: only when exactly one candidate answers to the text (decision 0025).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from almen.accounts.models import User
from almen.register.models import Body, BodyKind, BodyMembership, Membership, Role

PERSON = "person"
BODY = "body"
EXTERNAL = "external"

# The Danish names a body answers to in free text: its kind, and with the definite
# article ("Organisationsbestyrelsen").
# What to join to show who is responsible (``label``) without a query per row.
RELATED = ("responsible_user", "responsible_body__organisation", "responsible_body__estate")

BODY_NAMES: dict[str, tuple[str, ...]] = {
    BodyKind.REPRESENTATIVE_COUNCIL: ("repræsentantskab", "repræsentantskabet"),
    BodyKind.ORGANISATION_BOARD: ("organisationsbestyrelse", "organisationsbestyrelsen"),
    BodyKind.ESTATE_BOARD: ("afdelingsbestyrelse", "afdelingsbestyrelsen"),
}


def people_of(organisation_id: int) -> QuerySet[User]:
    """Everyone who may be named responsible in the organisation, by name."""
    staff = Membership.objects.current().filter(
        organisation_id=organisation_id, role__in=[Role.ORG_STAFF, Role.ORG_BOARD]
    )
    seats = BodyMembership.objects.current().filter(body__organisation_id=organisation_id)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=staff.values("user_id")) | Q(pk__in=seats.values("user_id")))
        .order_by("name", "email")
    )


def bodies_of(organisation_id: int) -> QuerySet[Body]:
    return (
        Body.objects.filter(organisation_id=organisation_id)
        .select_related("organisation", "estate")
        .order_by("estate__number", "kind")
    )


def person_label(user: User) -> str:
    """A person as others see them: the name, never the e-mail address."""
    return user.name or _("(navn ikke oplyst)")


def label(obj: Any) -> str:
    """The responsible of a goal or an action as a text (person, body or external)."""
    if obj.responsible_user_id and obj.responsible_user is not None:
        return person_label(obj.responsible_user)
    if obj.responsible_body_id and obj.responsible_body is not None:
        return str(obj.responsible_body)
    return str(obj.responsible)


def label_for(obj: Any, principal: Any) -> str:
    """``label`` as ``principal`` may see it: a person's name only for people of the
    same organisation; everyone else reads "en person i organisationen"."""
    if obj.responsible_user_id:
        own = (
            principal.staff_organisations
            | principal.board_organisations
            | principal.member_organisations
        )
        if obj.organisation_id not in own and not principal.superuser:
            return _("En person i organisationen")
    return label(obj)


def kind(obj: Any) -> str:
    if obj.responsible_user_id:
        return PERSON
    if obj.responsible_body_id:
        return BODY
    return EXTERNAL if obj.responsible else ""


def check(obj: Any) -> None:
    """The services' rule: one responsible at most, and a person or body of the goal's
    or action's own organisation."""
    chosen = [bool(obj.responsible_user_id), bool(obj.responsible_body_id), bool(obj.responsible)]
    if sum(chosen) > 1:
        raise ValidationError(
            {
                "responsible": _(
                    "Vælg én ansvarlig: en person, et organ eller en ekstern part – ikke flere."
                )
            }
        )
    if (
        obj.responsible_user_id
        and not _unchanged(obj, "responsible_user_id")
        and not people_of(obj.organisation_id).filter(pk=obj.responsible_user_id).exists()
    ):
        raise ValidationError(
            {"responsible_user": _("Personen er ikke tilknyttet organisationen.")}
        )
    if (
        obj.responsible_body_id
        and not Body.objects.filter(
            pk=obj.responsible_body_id, organisation_id=obj.organisation_id
        ).exists()
    ):
        raise ValidationError({"responsible_body": _("Organet hører ikke til organisationen.")})


def _unchanged(obj: Any, attname: str) -> bool:
    """The stored row already names this person: someone who has since left the
    organisation stays named until the goal or action is given another responsible."""
    if obj.pk is None:
        return False
    return bool(
        type(obj)._default_manager.filter(pk=obj.pk, **{attname: getattr(obj, attname)}).exists()
    )


# --- the data migration's rule ----------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Candidate:
    kind: str  # PERSON or BODY
    pk: int
    names: frozenset[str]


def body_names(kind_: str, estate_label: str | None, own_estate: bool) -> frozenset[str]:
    """What a body may be called: "Organisationsbestyrelse(n)"; an estate's board
    "Afdelingsbestyrelse – 1 Solgården", and plain "Afdelingsbestyrelsen" only on a goal or
    action of that same estate."""
    bare = BODY_NAMES.get(kind_, ())
    if estate_label is None:
        return frozenset(bare)
    full = {f"{name} – {normalise(estate_label)}" for name in bare}
    full |= {f"{name} - {normalise(estate_label)}" for name in bare}
    return frozenset(full | (set(bare) if own_estate else set()))


def match(text: str, candidates: Iterable[Candidate]) -> Candidate | None:
    """The one candidate that answers to ``text``, or None (no match or ambiguous)."""
    wanted = normalise(text)
    if not wanted:
        return None
    found = [c for c in candidates if wanted in c.names]
    return found[0] if len(found) == 1 else None


def map_free_text(apps: Any) -> tuple[int, int]:
    """The data migration (goals 0010): each goal's and action's free-text "ansvarlig"
    becomes a person or a body of its organisation when exactly one answers to it (a
    person by name or e-mail, a body by its name); otherwise it stays as an external
    party's name. Works on the models of ``apps`` (the migration's historical ones).
    Returns how many goals and actions were mapped."""
    import datetime as dt

    from django.db.models import Q as Q_

    today = dt.datetime.now(tz=dt.UTC).date()
    goal_model = apps.get_model("goals", "Goal")
    action_model = apps.get_model("goals", "Action")
    body_model = apps.get_model("register", "Body")
    membership_model = apps.get_model("register", "Membership")
    seat_model = apps.get_model("register", "BodyMembership")
    user_model = apps.get_model("accounts", "User")
    estate_model = apps.get_model("register", "Estate")

    unmapped = Q_(responsible_user__isnull=True, responsible_body__isnull=True)
    pending = {
        model: list(
            model.objects.filter(unmapped)
            .exclude(responsible="")
            .values_list("pk", "organisation_id", "estate_id", "responsible")
        )
        for model in (goal_model, action_model)
    }
    organisations = {row[1] for rows in pending.values() for row in rows}
    if not organisations:
        return 0, 0
    current = Q_(ends__isnull=True) | Q_(ends__gte=today)
    people: dict[int, dict[int, frozenset[str]]] = {o: {} for o in organisations}
    user_ids: dict[int, set[int]] = {o: set() for o in organisations}
    for user_id, organisation_id in membership_model.objects.filter(
        current,
        starts__lte=today,
        organisation_id__in=organisations,
        role__in=["org_staff", "org_board"],
    ).values_list("user_id", "organisation_id"):
        user_ids[organisation_id].add(user_id)
    seated = Q_(term_end__isnull=True) | Q_(term_end__gte=today)
    for user_id, organisation_id in seat_model.objects.filter(
        seated, term_start__lte=today, body__organisation_id__in=organisations
    ).values_list("user_id", "body__organisation_id"):
        user_ids[organisation_id].add(user_id)
    users = {
        pk: frozenset(n for n in (normalise(name), normalise(email)) if n)
        for pk, name, email in user_model.objects.filter(
            is_active=True, pk__in={u for ids in user_ids.values() for u in ids}
        ).values_list("pk", "name", "email")
    }
    for organisation_id, ids in user_ids.items():
        people[organisation_id] = {pk: users[pk] for pk in ids if pk in users}
    bodies: dict[int, list[tuple[int, str, int | None]]] = {o: [] for o in organisations}
    for pk, organisation_id, kind_, estate_id in body_model.objects.filter(
        organisation_id__in=organisations
    ).values_list("pk", "organisation_id", "kind", "estate_id"):
        bodies[organisation_id].append((pk, kind_, estate_id))
    estate_labels = {
        pk: f"{number} {name}"
        for pk, number, name in estate_model.objects.filter(
            organisation_id__in=organisations
        ).values_list("pk", "number", "name")
    }

    known: dict[tuple[int, int | None], dict[str, list[Candidate]]] = {}

    def candidates(organisation_id: int, estate_id: int | None) -> dict[str, list[Candidate]]:
        """By name, for each organisation and estate once (``match``'s rule, indexed)."""
        key = (organisation_id, estate_id)
        if key not in known:
            index: dict[str, list[Candidate]] = {}
            for candidate in _candidates(organisation_id, estate_id):
                for name in candidate.names:
                    index.setdefault(name, []).append(candidate)
            known[key] = index
        return known[key]

    def _candidates(organisation_id: int, estate_id: int | None) -> list[Candidate]:
        found = [Candidate(PERSON, pk, names) for pk, names in people[organisation_id].items()]
        for pk, kind_, body_estate in bodies[organisation_id]:
            estate_label = estate_labels.get(body_estate) if body_estate else None
            names = body_names(kind_, estate_label, own_estate=body_estate == estate_id)
            found.append(Candidate(BODY, pk, names))
        return found

    mapped = []
    for model, rows in pending.items():
        # One UPDATE per person or body named (bulk_update's CASE over thousands of
        # rows took minutes at national scale).
        targets: dict[tuple[str, int], list[int]] = {}
        for pk, organisation_id, estate_id, text in rows:
            found = candidates(organisation_id, estate_id).get(normalise(text), [])
            hit = found[0] if len(found) == 1 else None
            if hit is not None:
                targets.setdefault((hit.kind, hit.pk), []).append(pk)
        for (kind_, target), pks in targets.items():
            field = "responsible_user_id" if kind_ == PERSON else "responsible_body_id"
            for start in range(0, len(pks), 5000):
                model.objects.filter(pk__in=pks[start : start + 5000]).update(
                    responsible="", **{field: target}
                )
        mapped.append(sum(len(pks) for pks in targets.values()))
    return mapped[0], mapped[1]
