"""People and roles: every service, its refusals and its audit entries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation

from almen.access.policy import principal_for
from almen.access.roles import Role
from almen.accounts.models import User
from almen.audit.models import AuditEntry
from almen.notify.models import Notification
from almen.people import services
from almen.people.models import ActivationCode, Invitation
from almen.register.models import (
    Body,
    BodyKind,
    BodyMembership,
    BodyRole,
    Estate,
    Household,
    Membership,
    Organisation,
    Resident,
)

pytestmark = pytest.mark.django_db

CVR_A = "29190909"


@pytest.fixture
def org(cast) -> Organisation:
    return Organisation.objects.get(cvr=CVR_A)


@pytest.fixture
def staff(cast) -> User:
    user = cast["org_staff"].user
    assert user is not None
    return user


@pytest.fixture
def estate(org) -> Estate:
    return Estate.objects.get(organisation=org, number=1)


@pytest.fixture
def board(estate) -> Body:
    return Body.objects.get(estate=estate, kind=BodyKind.ESTATE_BOARD)


def _code(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code or "" for errors in error.error_dict.values() for e in errors}
    return {e.code or "" for e in error.error_list}


def _person(email: str, name: str = "Test Person") -> User:
    return User.objects.create(email=email, name=name)


def deliver() -> None:
    """One pass of the notification worker: the outbox's e-mails into mail.outbox."""
    call_command("notify_worker", "--once")


# --- invitations ------------------------------------------------------------------------


def test_invitation_is_sent_after_commit_with_a_one_time_link(
    org, staff, django_capture_on_commit_callbacks
) -> None:
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=staff, organisation=org, email="Ny.Kollega@Example.DK", name="Ny Kollega"
        )
    assert invitation.email == "ny.kollega@example.dk"
    assert invitation.role == Role.ORG_STAFF
    deliver()
    [message] = mail.outbox
    assert message.to == ["ny.kollega@example.dk"]
    assert org.name in message.subject
    assert "Hej Ny Kollega" in message.body
    assert "godkendelses-app" in message.body
    token = re.search(r"/invitation/([^/\s]+)/", str(message.body)).group(1)  # type: ignore[union-attr]
    # Only the digest is stored.
    assert token not in invitation.digest
    assert Invitation.objects.get(pk=invitation.pk).digest == services.digest_of(token)
    assert AuditEntry.objects.filter(action="invite", object_id=str(invitation.pk)).exists()


def test_invitation_is_not_sent_when_the_transaction_rolls_back(org, staff) -> None:
    mail.outbox = []

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        services.invitation_create(actor=staff, organisation=org, email="x@example.dk")
        assert Notification.objects.filter(address="x@example.dk").exists()  # in the outbox
        raise Undo
    assert not Notification.objects.filter(address="x@example.dk").exists()
    deliver()
    assert mail.outbox == []


def test_invitation_in_danish_and_english(org, staff, django_capture_on_commit_callbacks) -> None:
    """The invitee has no language setting yet: Danish first, then English, whatever
    language the staff member who invites uses."""
    mail.outbox = []
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(actor=staff, organisation=org, email="en@example.dk")
    deliver()
    body = mail.outbox[0].body
    assert body.index("har inviteret dig til Almen") < body.index("has invited you to Almen")
    assert "Invitation til Almen" in mail.outbox[0].subject


def test_invitation_to_an_address_with_an_account_is_refused(org, staff) -> None:
    before = (Invitation.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        services.invitation_create(actor=staff, organisation=org, email="BESTYRELSE.A@almen.demo")
    assert _code(error.value) == {"account_exists"}
    assert "Giv kontoen en rolle" in str(error.value)
    assert (Invitation.objects.count(), AuditEntry.objects.count()) == before


def test_a_second_open_invitation_to_the_same_address_is_refused(org, staff) -> None:
    services.invitation_create(actor=staff, organisation=org, email="to@example.dk")
    with pytest.raises(ValidationError) as error:
        services.invitation_create(actor=staff, organisation=org, email="to@example.dk")
    assert _code(error.value) == {"already_invited"}


def test_accepting_sets_the_password_and_grants_the_role_once(org, staff) -> None:
    invitation = services.invitation_create(
        actor=staff, organisation=org, email="ny@example.dk", name="Ny"
    )
    token = invitation.token  # type: ignore[attr-defined]
    user = services.invitation_accept(token=token, password="en-lang-adgangskode")
    assert user.check_password("en-lang-adgangskode")
    assert principal_for(user).is_staff_of(org.pk)
    assert principal_for(user).needs_mfa
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, password="en-anden-adgangskode")
    assert services.invitation_for_token(token) is None


def test_expired_and_revoked_invitations_do_not_work(org, staff) -> None:
    expired = services.invitation_create(actor=staff, organisation=org, email="a@example.dk")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked = services.invitation_create(actor=staff, organisation=org, email="b@example.dk")
    services.invitation_revoke(actor=staff, invitation=revoked)
    for invitation in (expired, revoked):
        with pytest.raises(ValidationError):
            services.invitation_accept(
                token=invitation.token,  # type: ignore[attr-defined]
                password="en-lang-adgangskode",
            )
    assert not User.objects.filter(email__in=["a@example.dk", "b@example.dk"]).exists()
    # A revoked invitation frees the address for a new one.
    services.invitation_create(actor=staff, organisation=org, email="b@example.dk")


# --- roles ------------------------------------------------------------------------------


def test_a_role_given_twice_is_refused_and_can_be_given_again_after_it_ended(org, staff) -> None:
    person = _person("rolle@example.dk")
    first = services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)
    assert _code(error.value) == {"duplicate"}
    assert "har allerede rollen Organisationsbestyrelse" in str(error.value)
    assert AuditEntry.objects.count() == entries
    # Ended (last day in the past): given again as a new row; the old one stays.
    Membership.objects.filter(pk=first.pk).update(starts=dt.date(2025, 1, 1))
    first.refresh_from_db()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.role_end(actor=staff, membership=first, on=yesterday)
    assert not principal_for(person).is_board_of_organisation(org.pk)
    again = services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)
    assert again.pk != first.pk
    assert Membership.objects.filter(user=person).count() == 2
    assert principal_for(person).is_board_of_organisation(org.pk)


def test_a_role_that_ends_later_still_counts_as_held(org, staff) -> None:
    person = _person("senere@example.dk")
    membership = services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)
    services.role_end(
        actor=staff, membership=membership, on=timezone.localdate() + dt.timedelta(days=30)
    )
    with pytest.raises(ValidationError):
        services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)


def test_only_organisation_roles_can_be_given(org, staff) -> None:
    with pytest.raises(ValidationError):
        services.role_give(
            actor=staff,
            organisation=org,
            user=_person("x@example.dk"),
            role=Role.SECTOR_STAFF,
        )


def test_staff_cannot_end_their_own_staff_role(org, staff) -> None:
    membership = Membership.objects.get(user=staff, role=Role.ORG_STAFF)
    with pytest.raises(ValidationError) as error:
        services.role_end(actor=staff, membership=membership, on=timezone.localdate())
    assert _code(error.value) == {"own_role"}
    assert Membership.objects.get(pk=membership.pk).ends is None


def test_ending_before_the_start_is_refused(org, staff) -> None:
    person = _person("tidlig@example.dk")
    membership = services.role_give(actor=staff, organisation=org, user=person, role=Role.ORG_BOARD)
    with pytest.raises(ValidationError) as error:
        services.role_end(
            actor=staff, membership=membership, on=membership.starts - dt.timedelta(days=1)
        )
    assert _code(error.value) == {"before_start"}


# --- body seats -------------------------------------------------------------------------


def test_seating_a_person_twice_or_a_second_chair_is_refused(board, staff) -> None:
    person = _person("medlem@example.dk")
    services.body_member_add(
        actor=staff, body=board, user=person, role=BodyRole.MEMBER, term_start=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.body_member_add(
            actor=staff,
            body=board,
            user=person,
            role=BodyRole.SUBSTITUTE,
            term_start=dt.date(2026, 1, 1),
        )
    assert _code(error.value) == {"duplicate"}
    # Karen Lund (the persona) is the chair.
    with pytest.raises(ValidationError) as error:
        services.body_member_add(
            actor=staff,
            body=board,
            user=_person("formand2@example.dk"),
            role=BodyRole.CHAIR,
            term_start=dt.date(2026, 1, 1),
        )
    assert _code(error.value) == {"role_taken"}
    assert "Karen Lund" in str(error.value)


def test_ending_the_last_member_needs_an_explicit_yes(board, staff, cast) -> None:
    chair = BodyMembership.objects.get(body=board, user=cast["estate_board_a"].user)
    substitute = services.body_member_add(
        actor=staff,
        body=board,
        user=_person("suppleant@example.dk"),
        role=BodyRole.SUBSTITUTE,
        term_start=dt.date(2026, 1, 1),
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.body_member_end(actor=staff, seat=chair, on=today)
    assert _code(error.value) == {"last_member"}
    assert "det sidste medlem" in str(error.value)
    assert BodyMembership.objects.get(pk=chair.pk).term_end is None
    # Substitutes do not count, and may always leave.
    services.body_member_end(actor=staff, seat=substitute, on=today)
    services.body_member_end(actor=staff, seat=chair, on=today, allow_empty=True)
    chair.refresh_from_db()
    assert chair.term_end == today
    assert AuditEntry.objects.filter(action="end", object_id=str(chair.pk)).exists()


def test_ending_a_member_while_others_sit_needs_no_yes(board, staff, cast) -> None:
    services.body_member_add(
        actor=staff,
        body=board,
        user=_person("anden@example.dk"),
        role=BodyRole.MEMBER,
        term_start=dt.date(2026, 1, 1),
    )
    chair = BodyMembership.objects.get(body=board, user=cast["estate_board_a"].user)
    services.body_member_end(actor=staff, seat=chair, on=timezone.localdate())


def test_an_ended_seat_can_be_taken_again(board, staff, cast) -> None:
    user = cast["estate_board_a"].user
    chair = BodyMembership.objects.get(body=board, user=user)
    services.body_member_end(
        actor=staff, seat=chair, on=timezone.localdate() - dt.timedelta(days=1), allow_empty=True
    )
    assert not principal_for(user).is_board_of_estate(board.estate_id)
    services.body_member_add(
        actor=staff, body=board, user=user, role=BodyRole.CHAIR, term_start=timezone.localdate()
    )
    assert principal_for(user).is_board_of_estate(board.estate_id)


def test_a_new_person_gets_an_account_and_an_invitation(org, staff, estate) -> None:
    person = services.person_for_seat(
        actor=staff, organisation=org, email="Ny.Person@example.dk", name="Ny Person"
    )
    assert person.user.email == "ny.person@example.dk"
    assert not person.user.has_usable_password()
    assert person.invitation is not None and person.invitation.user == person.user
    # The same address again: the same account, no second invitation.
    again = services.person_for_seat(actor=staff, organisation=org, email="ny.person@example.dk")
    assert again.user == person.user and again.invitation is None


def test_a_resident_without_e_mail_needs_one_to_be_seated(org, staff, estate) -> None:
    resident = Resident.objects.filter(
        household__unit__estate=estate, user__isnull=True, email=""
    ).first()
    assert resident is not None
    with pytest.raises(ValidationError):
        services.person_for_seat(actor=staff, organisation=org, resident=resident)
    person = services.person_for_seat(
        actor=staff, organisation=org, resident=resident, email="beboer.ny@example.dk"
    )
    resident.refresh_from_db()
    assert resident.user == person.user
    assert resident.email == "beboer.ny@example.dk"
    assert person.user.name == resident.name


# --- accounts ---------------------------------------------------------------------------


def test_deactivating_and_reactivating_an_account(org, staff, cast) -> None:
    user = cast["estate_board_a"].user
    services.account_deactivate(actor=staff, organisation=org, user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.filter(action="deactivate", object_id=str(user.pk)).exists()
    # Seats stay; reactivating gives everything back.
    assert BodyMembership.objects.filter(user=user).exists()
    with pytest.raises(ValidationError):
        services.account_deactivate(actor=staff, organisation=org, user=user)
    services.account_reactivate(actor=staff, organisation=org, user=user)
    user.refresh_from_db()
    assert user.is_active


def test_staff_cannot_deactivate_themselves(org, staff) -> None:
    with pytest.raises(ValidationError) as error:
        services.account_deactivate(actor=staff, organisation=org, user=staff)
    assert _code(error.value) == {"self"}


def test_an_account_with_roles_elsewhere_is_not_deactivated(org, staff, cast) -> None:
    other = cast["other_org_staff"].user
    services.role_give(actor=staff, organisation=org, user=other, role=Role.ORG_BOARD)
    with pytest.raises(ValidationError) as error:
        services.account_deactivate(actor=staff, organisation=org, user=other)
    assert _code(error.value) == {"elsewhere"}
    other.refresh_from_db()
    assert other.is_active


# --- activation letters -----------------------------------------------------------------


def test_letters_cover_households_without_login_or_e_mail(estate, staff) -> None:
    households = services.households_for_letters(estate)
    assert households
    letters = services.activation_letters_create(actor=staff, estate=estate)
    assert [letter.household for letter in letters] == households
    codes = ActivationCode.objects.filter(household__in=households)
    assert codes.count() == len(households)
    # Hashed at rest: no code appears in the table.
    for letter in letters:
        plain = services.normalise_code(letter.code)
        assert len(plain) == services.CODE_LENGTH
        assert not codes.filter(digest=plain).exists()
        assert codes.filter(digest=services.digest_of(plain)).exists()


def test_a_code_works_once_and_links_the_resident(estate, staff) -> None:
    letter = services.activation_letters_create(actor=staff, estate=estate)[0]
    resident = letter.residents[0]
    user = services.activation_redeem(
        code=letter.code.lower().replace("-", " "), resident=resident, email="Min@Example.dk"
    )
    resident.refresh_from_db()
    assert resident.user == user and resident.email == "min@example.dk"
    assert principal_for(user).is_resident_of(estate.pk)
    other = Resident.objects.filter(household=letter.household).exclude(pk=resident.pk).first()
    with pytest.raises(ValidationError) as error:
        services.activation_redeem(
            code=letter.code, resident=other or resident, email="igen@example.dk"
        )
    assert _code(error.value) == {services.INVALID_CODE}


def test_a_new_letter_voids_the_old_code_and_expired_codes_fail(estate, staff) -> None:
    old = services.activation_letters_create(actor=staff, estate=estate)[0]
    new = next(
        letter
        for letter in services.activation_letters_create(actor=staff, estate=estate)
        if letter.household == old.household
    )
    assert services.activation_code_for(old.code) is None
    assert services.activation_code_for(new.code) is not None
    ActivationCode.objects.filter(household=new.household).update(expires_at=timezone.now())
    assert services.activation_code_for(new.code) is None


def test_a_code_cannot_take_an_address_that_has_an_account(estate, staff) -> None:
    letter = services.activation_letters_create(actor=staff, estate=estate)[0]
    with pytest.raises(ValidationError) as error:
        services.activation_redeem(
            code=letter.code, resident=letter.residents[0], email="beboer.a@almen.demo"
        )
    assert _code(error.value) == {"account_exists"}
    assert services.activation_code_for(letter.code) is not None  # not used up


def test_a_code_is_for_its_own_household(estate, staff) -> None:
    first, second = services.activation_letters_create(actor=staff, estate=estate)[:2]
    with pytest.raises(ValidationError):
        services.activation_redeem(
            code=first.code, resident=second.residents[0], email="fremmed@example.dk"
        )


def test_a_code_of_a_household_that_moved_out_does_not_work(estate, staff) -> None:
    letter = services.activation_letters_create(actor=staff, estate=estate)[0]
    Household.objects.filter(pk=letter.household.pk).update(
        moved_out=timezone.localdate() - dt.timedelta(days=1)
    )
    assert services.activation_code_for(letter.code) is None


def test_a_deactivated_account_cannot_accept_its_invitation(org, staff) -> None:
    person = services.person_for_seat(
        actor=staff, organisation=org, email="slukket@example.dk", name="Slukket"
    )
    User.objects.filter(pk=person.user.pk).update(is_active=False)
    assert person.invitation is not None
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(
            token=person.invitation.token,  # type: ignore[attr-defined]
            password="en-lang-adgangskode",
        )
    assert _code(error.value) == {"inactive"}
