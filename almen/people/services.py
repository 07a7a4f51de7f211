"""People and roles: every change an organisation's staff make to who may do what.

Each service is keyword-only, atomic and audited. Nothing is deleted: ending a role or
a seat sets its end date, deactivating an account clears ``is_active``, and each can be
undone (give the role again, seat the person again, reactivate). Invitations and
activation codes are one-time secrets stored as SHA-256 digests (decision 0022).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.access.roles import Role
from almen.accounts.models import User
from almen.audit.services import audit_record, audited_update
from almen.lib.bounds import DATE_BOUNDS_MESSAGE, date_in_bounds
from almen.notify.services import notify
from almen.people.models import ActivationCode, Invitation
from almen.register import services as register_services
from almen.register.models import (
    Body,
    BodyMembership,
    BodyRole,
    Estate,
    Household,
    Membership,
    Organisation,
    Resident,
)

INVITATION_VALID = dt.timedelta(days=7)
ACTIVATION_VALID = dt.timedelta(days=60)
# Roles staff give within their own organisation. Board seats come from bodies.
GIVEABLE_ROLES = (Role.ORG_STAFF, Role.ORG_BOARD)
# Codes are typed from paper: no 0/O, 1/I/L, 5/S or 8/B to confuse.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY2345679"
CODE_LENGTH = 12


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _check_date(value: dt.date, field: str) -> None:
    if not date_in_bounds(value):
        raise ValidationError({field: DATE_BOUNDS_MESSAGE})


def _coded(errors: dict[str, Any], code: str) -> ValidationError:
    """Field errors that carry a code (``ValidationError({...}, code=…)`` drops it)."""
    return ValidationError({k: ValidationError(v, code=code) for k, v in errors.items()})


def _email(value: str) -> str:
    return value.strip().lower()


# --- invitations ----------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    organisation: Organisation,
    email: str,
    name: str = "",
    role: str = Role.ORG_STAFF,
    user: User | None = None,
) -> Invitation:
    """Invite a person to set a password. Without ``user``: a new person, who gets
    ``role`` on accepting (an address that already has an account is refused: give
    that account the role instead). With ``user``: an account made for a body seat."""
    email = _email(email)
    if user is None:
        if role not in GIVEABLE_ROLES:
            raise ValidationError({"role": _("Den rolle kan ikke gives her.")})
        if User.objects.filter(email__iexact=email).exists():
            raise _coded(
                {
                    "email": _(
                        "Der findes allerede en konto med adressen %(email)s. Giv kontoen "
                        "en rolle i stedet for at invitere."
                    )
                    % {"email": email}
                },
                "account_exists",
            )
        if Invitation.objects.pending().filter(organisation=organisation, email=email).exists():
            raise _coded(
                {
                    "email": _(
                        "%(email)s er allerede inviteret. Tilbagekald invitationen, hvis "
                        "den skal sendes igen."
                    )
                    % {"email": email}
                },
                "already_invited",
            )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        name=name.strip(),
        role="" if user is not None else role,
        user=user,
        digest=digest_of(token),
        expires_at=timezone.now() + INVITATION_VALID,
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    invitation.full_clean(exclude=["digest"])
    invitation.save()
    audit_record(
        actor=actor,
        action="invite",
        obj=invitation,
        organisation_id=organisation.pk,
        after={"email": email, "role": invitation.role, "expires_at": str(invitation.expires_at)},
    )
    invitation.token = token  # type: ignore[attr-defined]  # this once, never stored
    link = settings.SITE_URL + reverse("people:accept", args=[token])
    _send_invitation(invitation, link=link)
    return invitation


def _send_invitation(invitation: Invitation, *, link: str) -> None:
    """The invitation e-mail, through the notification outbox in the same transaction
    as the invitation: a rolled-back invitation sends nothing, a sent one is never sent
    twice (its key is the invitation). The invitee has no language yet: Danish first,
    then English, in one message. The link waits in the outbox row until it is sent
    (decision 0022)."""
    notify(
        kind="people.invitation",
        key=str(invitation.pk),
        address=invitation.email,
        context={
            "organisation": invitation.organisation.name,
            "name": invitation.name or invitation.email,
            "link": link,
            "valid_days": INVITATION_VALID.days,
            "staff": invitation.role == "org_staff",
        },
    )


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    if not invitation.is_pending:
        raise ValidationError(_("Invitationen er ikke længere åben."), code="not_pending")
    return audited_update(
        actor=actor,
        obj=invitation,
        changes={"revoked_at": timezone.now()},
        allowed={"revoked_at"},
        organisation_id=invitation.organisation_id,
        action="revoke",
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation with this token, or None (unknown, used, revoked, expired)."""
    invitation = (
        Invitation.objects.select_related("organisation", "user")
        .filter(digest=digest_of(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_pending else None


@transaction.atomic
def invitation_accept(*, token: str, password: str, name: str = "") -> User:
    """Set the password (and create the account) and grant the invitation's role."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(
            _("Invitationen er ugyldig, brugt eller udløbet. Bed om en ny."), code="invalid"
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Invitationen er allerede brugt."), code="used")
    user = invitation.user
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Der findes allerede en konto med denne adresse. Log ind med den."),
                code="account_exists",
            )
        user = User(email=invitation.email, name=(name or invitation.name).strip()[:200])
    elif not user.is_active:
        raise ValidationError(_("Kontoen er deaktiveret. Kontakt organisationen."), code="inactive")
    elif name.strip() and not user.name:
        user.name = name.strip()[:200]
    user.set_password(password)
    user.save()
    if invitation.role:
        register_services.membership_grant(
            actor=user, user=user, role=invitation.role, organisation=invitation.organisation
        )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    audit_record(
        actor=user,
        action="accept",
        obj=invitation,
        organisation_id=invitation.organisation_id,
        after={"email": invitation.email, "role": invitation.role},
    )
    return user


# --- roles ----------------------------------------------------------------------------


def _current_or_future(qs: Any, *, end_field: str) -> Any:
    """Rows that hold today or from a later date (not ended before today)."""
    today = timezone.localdate()
    return qs.filter(Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": today}))


@transaction.atomic
def role_give(
    *,
    actor: Any,
    organisation: Organisation,
    user: User,
    role: str,
    starts: dt.date | None = None,
) -> Membership:
    """Give ``user`` a role in the organisation from ``starts`` (today). A role the
    person already holds (now or from a later date) is refused, not doubled."""
    if role not in GIVEABLE_ROLES:
        raise ValidationError({"role": _("Den rolle kan ikke gives her.")})
    starts = starts or timezone.localdate()
    _check_date(starts, "starts")
    held = _current_or_future(
        Membership.objects.filter(user=user, role=role, organisation=organisation),
        end_field="ends",
    )
    if held.exists():
        raise _coded(
            {
                "role": _("%(person)s har allerede rollen %(role)s i %(organisation)s.")
                % {
                    "person": user,
                    "role": Role(role).label,
                    "organisation": organisation.name,
                }
            },
            "duplicate",
        )
    if not user.is_active:
        raise ValidationError(
            _("Kontoen er deaktiveret. Genaktivér den, før den får en rolle."), code="inactive"
        )
    membership = Membership(
        user=user, role=role, organisation=organisation, starts=starts, ends=None
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="grant",
        obj=membership,
        organisation_id=organisation.pk,
        after={"user": user.pk, "role": role, "starts": starts.isoformat()},
    )
    return membership


@transaction.atomic
def role_end(*, actor: Any, membership: Membership, on: dt.date) -> Membership:
    """End a role: ``on`` is its last day. Staff cannot end their own staff role
    (a colleague must), so an organisation is never locked out by a slip."""
    _check_date(on, "on")
    today = timezone.localdate()
    if membership.ends is not None and membership.ends < today:
        raise ValidationError(_("Rollen er allerede afsluttet."), code="ended")
    if on < membership.starts:
        raise _coded(
            {
                "on": _("Sidste dag kan ikke ligge før rollen begyndte (%(day)s).")
                % {"day": membership.starts.strftime("%d-%m-%Y")}
            },
            "before_start",
        )
    if membership.role == Role.ORG_STAFF and getattr(actor, "pk", None) == membership.user_id:
        raise ValidationError(
            _("Du kan ikke afslutte din egen rolle som administration. Bed en kollega om det."),
            code="own_role",
        )
    return register_services.membership_end(actor=actor, membership=membership, on=on)


# --- body seats -----------------------------------------------------------------------


@transaction.atomic
def body_member_add(
    *,
    actor: Any,
    body: Body,
    user: User,
    role: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
) -> BodyMembership:
    """Seat a person on a body. A person already seated (now or from a later date) is
    refused; so is a second chair or vice chair while one sits."""
    _check_date(term_start, "term_start")
    if term_end is not None:
        _check_date(term_end, "term_end")
        if term_end < term_start:
            raise ValidationError({"term_end": _("Valgt til skal ligge efter valgt fra.")})
    seats = _current_or_future(BodyMembership.objects.filter(body=body), end_field="term_end")
    seated = seats.filter(user=user).first()
    if seated is not None:
        raise _coded(
            {
                "role": _("%(person)s sidder allerede i %(body)s som %(role)s.")
                % {
                    "person": user,
                    "body": body.get_kind_display().lower(),
                    "role": seated.get_role_display().lower(),
                }
            },
            "duplicate",
        )
    if role in (BodyRole.CHAIR, BodyRole.VICE_CHAIR):
        other = seats.filter(role=role).select_related("user").first()
        if other is not None:
            raise _coded(
                {
                    "role": _(
                        "%(body)s har allerede en %(role)s: %(person)s. Afslut den post først."
                    )
                    % {
                        "body": body.get_kind_display(),
                        "role": BodyRole(role).label.lower(),
                        "person": other.user,
                    }
                },
                "role_taken",
            )
    return register_services.body_membership_add(
        actor=actor, body=body, user=user, role=role, term_start=term_start, term_end=term_end
    )


def others_remaining(seat: BodyMembership, on: dt.date) -> int:
    """Members (not substitutes) of the seat's body who still sit after ``on``."""
    next_day = max(timezone.localdate(), on + dt.timedelta(days=1))
    return (
        BodyMembership.objects.filter(body_id=seat.body_id, term_start__lte=next_day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gt=on))
        .exclude(role=BodyRole.SUBSTITUTE)
        .exclude(pk=seat.pk)
        .count()
    )


@transaction.atomic
def body_member_end(
    *, actor: Any, seat: BodyMembership, on: dt.date, allow_empty: bool = False
) -> BodyMembership:
    """End a seat: ``on`` is the last day. Ending the last member leaves the body
    without members; that needs ``allow_empty`` (the page asks explicitly)."""
    _check_date(on, "on")
    if seat.term_end is not None and seat.term_end < timezone.localdate():
        raise ValidationError(_("Medlemskabet er allerede afsluttet."), code="ended")
    if on < seat.term_start:
        raise _coded(
            {
                "on": _("Sidste dag kan ikke ligge før valgperioden begyndte (%(day)s).")
                % {"day": seat.term_start.strftime("%d-%m-%Y")}
            },
            "before_start",
        )
    if seat.role != BodyRole.SUBSTITUTE and not allow_empty and others_remaining(seat, on) == 0:
        raise ValidationError(
            _(
                "%(person)s er det sidste medlem af %(body)s. Afslutter du medlemskabet, "
                "står organet uden medlemmer. Bekræft det udtrykkeligt, eller tilføj først "
                "et nyt medlem."
            )
            % {"person": seat.user, "body": seat.body.get_kind_display().lower()},
            code="last_member",
        )
    return audited_update(
        actor=actor,
        obj=seat,
        changes={"term_end": on},
        allowed={"term_end"},
        organisation_id=seat.body.organisation_id,
        validate=lambda fresh: fresh.full_clean(),
        action="end",
    )


@dataclass(frozen=True)
class Person:
    user: User
    invitation: Invitation | None


@transaction.atomic
def person_for_seat(
    *,
    actor: Any,
    organisation: Organisation,
    email: str = "",
    name: str = "",
    resident: Resident | None = None,
) -> Person:
    """The account to seat: the resident's own, or the account with that e-mail, or a
    new account (no password yet) with an invitation to set one."""
    if resident is not None and resident.user_id is not None:
        return Person(resident.user, None)  # type: ignore[arg-type]
    email = _email(email or (resident.email if resident is not None else ""))
    if not email:
        raise ValidationError(
            {"email": _("Skriv personens e-mailadresse. Uden den kan personen ikke logge ind.")}
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if resident is not None:
            _link_resident(actor=actor, resident=resident, user=user)
        return Person(user, None)
    name = (name or (resident.name if resident is not None else "")).strip()
    if not name:
        raise ValidationError({"name": _("Skriv personens navn.")})
    user = User(email=email, name=name[:200])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        organisation_id=organisation.pk,
        after={"email": email, "name": user.name},
    )
    if resident is not None:
        _link_resident(actor=actor, resident=resident, user=user)
    invitation = invitation_create(actor=actor, organisation=organisation, email=email, user=user)
    return Person(user, invitation)


def _link_resident(*, actor: Any, resident: Resident, user: User) -> None:
    changes: dict[str, Any] = {"user": user}
    if not resident.email:
        changes["email"] = user.email
    audited_update(
        actor=actor,
        obj=resident,
        changes=changes,
        allowed={"user", "email"},
        organisation_id=lambda r: r.household.unit.estate.organisation_id,
    )


# --- accounts -------------------------------------------------------------------------


def account_ties_elsewhere(user: User, organisation: Organisation) -> bool:
    """Does the account hold anything outside ``organisation`` (then its staff may not
    deactivate it: end their roles here instead)?"""
    outside_roles = (
        Membership.objects.current()
        .filter(user=user)
        .exclude(organisation=organisation)
        .exclude(estate__organisation=organisation)
        .exists()
    )
    outside_seats = (
        BodyMembership.objects.current()
        .filter(user=user)
        .exclude(body__organisation=organisation)
        .exists()
    )
    outside_homes = (
        Household.objects.active()
        .filter(residents__user=user)
        .exclude(unit__estate__organisation=organisation)
        .exists()
    )
    return outside_roles or outside_seats or outside_homes


def _set_active(*, actor: Any, organisation: Organisation, user: User, active: bool) -> User:
    if user.is_active == active:
        raise ValidationError(
            _("Kontoen er allerede aktiv.") if active else _("Kontoen er allerede deaktiveret."),
            code="unchanged",
        )
    if not active:
        if getattr(actor, "pk", None) == user.pk:
            raise ValidationError(_("Du kan ikke deaktivere din egen konto."), code="self")
        if user.is_superuser or user.is_staff:
            raise ValidationError(
                _("Kontoen er en systemadministrators og kan ikke deaktiveres her."),
                code="superuser",
            )
    if account_ties_elsewhere(user, organisation):
        raise ValidationError(
            _(
                "Kontoen har også roller uden for %(organisation)s. Afslut rollerne her i "
                "stedet for at deaktivere kontoen."
            )
            % {"organisation": organisation.name},
            code="elsewhere",
        )
    return audited_update(
        actor=actor,
        obj=user,
        changes={"is_active": active},
        allowed={"is_active"},
        organisation_id=organisation.pk,
        action="reactivate" if active else "deactivate",
    )


@transaction.atomic
def account_deactivate(*, actor: Any, organisation: Organisation, user: User) -> User:
    """The person can no longer log in (open sessions end at the next request).
    Roles and seats stay as they are, so reactivating restores everything."""
    return _set_active(actor=actor, organisation=organisation, user=user, active=False)


@transaction.atomic
def account_reactivate(*, actor: Any, organisation: Organisation, user: User) -> User:
    return _set_active(actor=actor, organisation=organisation, user=user, active=True)


# --- activation letters ---------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    household: Household
    residents: list[Resident]
    code: str  # formatted, e.g. "ACDE-FGHJ-KMNP"


def households_for_letters(estate: Estate) -> list[Household]:
    """Current households of the estate where somebody has neither login nor e-mail."""
    return list(
        Household.objects.active()
        .filter(
            unit__estate=estate,
            residents__user__isnull=True,
            residents__email="",
            residents__anonymised_at__isnull=True,
        )
        .distinct()
        .select_related("unit")
        .order_by("unit__number")
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def activation_letters_create(*, actor: Any, estate: Estate) -> list[Letter]:
    """A new code for each household that needs one; earlier unused codes of those
    households stop working (only the newest letter counts)."""
    households = households_for_letters(estate)
    now = timezone.now()
    ActivationCode.objects.filter(
        household__in=households, used_at__isnull=True, voided_at__isnull=True
    ).update(voided_at=now)
    residents: dict[int, list[Resident]] = {}
    for resident in Resident.objects.filter(
        household__in=households, user__isnull=True, anonymised_at__isnull=True
    ).order_by("name"):
        residents.setdefault(resident.household_id, []).append(resident)
    letters, codes = [], []
    creator = actor if getattr(actor, "is_authenticated", False) else None
    for household in households:
        code = _new_code()
        codes.append(
            ActivationCode(
                household=household,
                digest=digest_of(code),
                expires_at=now + ACTIVATION_VALID,
                created_by=creator,
            )
        )
        letters.append(Letter(household, residents.get(household.pk, []), format_code(code)))
    ActivationCode.objects.bulk_create(codes)
    audit_record(
        actor=actor,
        action="letters",
        obj=estate,
        organisation_id=estate.organisation_id,
        after={"activation_letters": len(letters)},
    )
    return letters


def activation_code_for(code: str) -> ActivationCode | None:
    """The usable code (not used, not replaced, not expired), or None."""
    plain = normalise_code(code)
    if len(plain) != CODE_LENGTH:
        return None
    found = (
        ActivationCode.objects.select_related("household__unit__estate__organisation")
        .filter(
            digest=digest_of(plain),
            used_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        # A household that has moved out has no home to activate a login for.
        .filter(
            Q(household__moved_out__isnull=True) | Q(household__moved_out__gte=timezone.localdate())
        )
        .first()
    )
    return found


def activation_residents(activation: ActivationCode) -> list[Resident]:
    return list(
        Resident.objects.filter(
            household=activation.household, user__isnull=True, anonymised_at__isnull=True
        ).order_by("name")
    )


INVALID_CODE = "invalid_code"


@transaction.atomic
def activation_redeem(*, code: str, resident: Resident, email: str) -> User:
    """The resident on the letter chooses the e-mail address they will log in with
    (a one-time code is sent there each time). The code is then used up."""
    activation = activation_code_for(code)
    if activation is None:
        raise _coded(
            {
                "code": _(
                    "Koden er forkert, brugt eller udløbet. Tjek brevet, eller bed "
                    "organisationen om et nyt."
                )
            },
            INVALID_CODE,
        )
    activation = ActivationCode.objects.select_for_update().get(pk=activation.pk)
    if activation.used_at is not None:
        raise _coded({"code": _("Koden er allerede brugt.")}, INVALID_CODE)
    if resident.household_id != activation.household_id or resident.user_id is not None:
        raise ValidationError({"resident": _("Vælg en af de beboere, brevet er til.")})
    email = _email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise _coded(
            {
                "email": _(
                    "Der findes allerede en konto med den adresse. Brug en anden adresse, "
                    "eller log ind med den konto, du har."
                )
            },
            "account_exists",
        )
    user = User(email=email, name=resident.name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    organisation_id = activation.household.unit.estate.organisation_id
    audited_update(
        actor=user,
        obj=resident,
        changes={"user": user, "email": email},
        allowed={"user", "email"},
        organisation_id=organisation_id,
        action="activate",
    )
    activation.used_at = timezone.now()
    activation.used_by = user
    activation.save(update_fields=["used_at", "used_by"])
    return user
