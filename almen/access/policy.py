"""The one place where access is decided.

``principal_for(user)`` gathers everything a user holds, as reported by the apps'
contributors — explicit memberships plus what the register implies (a current tenancy
makes a resident of that estate, a seat on an afdelingsbestyrelse makes an estate
board member) — in a fixed number of queries. The ``can_*`` functions answer
questions about a scope and a visibility. Each app's ``access.py`` fetches an object
and asks these functions; views never decide access themselves.

Not every principal is a person. ``principal_for_token`` makes one for an API token
acting for its organisation (the REST API), ``principal_for_municipality`` one for a
municipality as a body (what its officers could read, for the styringsdialog). Both go
through the same ``can_*`` questions and the apps' ``visible_*`` querysets as a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from almen.access.roles import STAFF_ROLES, Role
from almen.lib.visibility import Visibility, at_least

if TYPE_CHECKING:
    from almen.register.models import Estate, Organisation


@dataclass(frozen=True)
class Scope:
    """Where an object lives: its organisation, optionally its estate, and the
    municipalities it touches."""

    organisation_id: int
    municipality_ids: frozenset[int]
    estate_id: int | None = None

    @classmethod
    def of_estate(cls, estate: Estate) -> Scope:
        return cls(
            organisation_id=estate.organisation_id,
            estate_id=estate.pk,
            municipality_ids=frozenset({estate.municipality_id}),
        )

    @classmethod
    def of_organisation(cls, organisation: Organisation) -> Scope:
        return cls(
            organisation_id=organisation.pk,
            municipality_ids=frozenset({organisation.municipality_id}),
        )


@dataclass(frozen=True)
class Principal:
    user_id: int | None = None
    resident_estates: frozenset[int] = frozenset()
    board_estates: frozenset[int] = frozenset()
    staff_organisations: frozenset[int] = frozenset()
    board_organisations: frozenset[int] = frozenset()
    # Organisations a resident or estate board member belongs to through an estate.
    member_organisations: frozenset[int] = frozenset()
    municipalities: frozenset[int] = frozenset()
    sector: bool = False
    superuser: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    # A principal that is not a person: AGENT_TOKEN (an API token; ``token_id`` and
    # ``scopes`` say which and what it may do) or AGENT_MUNICIPALITY.
    agent: str = ""
    token_id: int | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.agent

    @property
    def is_token(self) -> bool:
        return self.agent == AGENT_TOKEN

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_professional(self) -> bool:
        """Staff, boards, officers and sector: people who see beyond their own home.
        An API token is not: it reads what is public and what is its organisation's,
        never what other organisations share with the sector."""
        if self.is_token:
            return False
        return bool(
            self.staff_organisations
            or self.board_organisations
            or self.municipalities
            or self.sector
            or self.superuser
        )

    @property
    def needs_mfa(self) -> bool:
        return self.superuser or bool(self.roles & {r.value for r in STAFF_ROLES})

    # --- questions about a scope -------------------------------------------------
    def is_staff_of(self, organisation_id: int) -> bool:
        return self.superuser or organisation_id in self.staff_organisations

    def is_board_of_organisation(self, organisation_id: int) -> bool:
        return organisation_id in self.board_organisations

    def is_board_of_estate(self, estate_id: int | None) -> bool:
        return estate_id is not None and estate_id in self.board_estates

    def is_resident_of(self, estate_id: int | None) -> bool:
        return estate_id is not None and estate_id in self.resident_estates

    def is_member_of(self, organisation_id: int) -> bool:
        return (
            self.is_staff_of(organisation_id)
            or organisation_id in self.board_organisations
            or organisation_id in self.member_organisations
        )

    def can_read(self, scope: Scope, visibility: str) -> bool:
        """May this principal read an object in ``scope`` shared at ``visibility``?"""
        if visibility == Visibility.PUBLIC or self.superuser:
            return True
        if self.can_manage(scope):
            return True
        if self.is_board_of_organisation(scope.organisation_id):
            return True
        if at_least(visibility, Visibility.ORGANISATION) and self.is_member_of(
            scope.organisation_id
        ):
            return True
        if at_least(visibility, Visibility.MUNICIPALITY) and (
            self.municipalities & scope.municipality_ids
        ):
            return True
        # Shared with the sector: BL's staff, every organisation's staff and boards, and
        # municipality officers (professionals), but not residents of other estates.
        return at_least(visibility, Visibility.SECTOR) and self.is_professional

    def can_manage(self, scope: Scope) -> bool:
        """May this principal change objects in ``scope``? Organisation staff change
        everything in their organisation; an estate board its own estate's objects."""
        return self.is_staff_of(scope.organisation_id) or self.is_board_of_estate(scope.estate_id)

    def can_read_personal_data(self, scope: Scope) -> bool:
        """Names and contact details of residents: the organisation (data controller)
        and the estate's own board, nobody else."""
        return self.is_staff_of(scope.organisation_id) or self.is_board_of_estate(scope.estate_id)


ANONYMOUS = Principal()
AGENT_TOKEN = "token"  # noqa: S105 (a kind of principal, not a secret)
AGENT_MUNICIPALITY = "municipality"


def principal_for_token(
    *, token_id: int, organisation_id: int, scopes: Iterable[str], acts_as_staff: bool
) -> Principal:
    """An API token acting for its organisation. With ``acts_as_staff`` (the token may
    read the organisation's goals) it reads and manages like the organisation's staff;
    without, it reads like an anonymous visitor. Which scopes make a token act as
    staff is the register's decision (``almen.register.tokens.token_principal``); what
    it may then do (write, import) is checked against ``scopes`` by each endpoint."""
    return Principal(
        agent=AGENT_TOKEN,
        token_id=token_id,
        scopes=frozenset(scopes),
        staff_organisations=frozenset({organisation_id}) if acts_as_staff else frozenset(),
    )


def principal_for_municipality(municipality_id: int) -> Principal:
    """A municipality as a body: what every officer of it may read, whoever they are."""
    return Principal(agent=AGENT_MUNICIPALITY, municipalities=frozenset({municipality_id}))


@dataclass(frozen=True)
class Grant:
    """One role in one scope, as a contributor reports it."""

    role: str
    organisation_id: int | None = None
    estate_id: int | None = None
    municipality_id: int | None = None


Contributor = Callable[[Any], Iterable[Grant]]
_contributors: list[Contributor] = []


def register_contributor(contributor: Contributor) -> None:
    """Apps tell the policy what roles a user holds (called from ``AppConfig.ready``).

    This keeps access at the ground floor: it knows roles and scopes, not the models
    that imply them (memberships, tenancies, board seats).
    """
    if contributor not in _contributors:
        _contributors.append(contributor)


def principal_for(user: Any) -> Principal:
    """Everything ``user`` holds today, from every contributor."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    sets: dict[str, set[int]] = {
        "resident_estates": set(),
        "board_estates": set(),
        "staff_organisations": set(),
        "board_organisations": set(),
        "member_organisations": set(),
        "municipalities": set(),
    }
    roles: set[str] = set()
    sector = False
    for contributor in _contributors:
        for grant in contributor(user):
            roles.add(grant.role)
            if grant.role == Role.ORG_STAFF and grant.organisation_id:
                sets["staff_organisations"].add(grant.organisation_id)
            elif grant.role == Role.ORG_BOARD and grant.organisation_id:
                sets["board_organisations"].add(grant.organisation_id)
            elif grant.role == Role.MUNICIPALITY_OFFICER and grant.municipality_id:
                sets["municipalities"].add(grant.municipality_id)
            elif grant.role == Role.SECTOR_STAFF:
                sector = True
            elif grant.role in (Role.ESTATE_BOARD, Role.RESIDENT) and grant.estate_id:
                key = "board_estates" if grant.role == Role.ESTATE_BOARD else "resident_estates"
                sets[key].add(grant.estate_id)
                if grant.organisation_id:
                    sets["member_organisations"].add(grant.organisation_id)
    return Principal(
        user_id=user.pk,
        sector=sector,
        superuser=bool(user.is_superuser),
        roles=frozenset(roles),
        resident_estates=frozenset(sets["resident_estates"]),
        board_estates=frozenset(sets["board_estates"]),
        staff_organisations=frozenset(sets["staff_organisations"]),
        board_organisations=frozenset(sets["board_organisations"]),
        member_organisations=frozenset(sets["member_organisations"]),
        municipalities=frozenset(sets["municipalities"]),
    )


def principal(request: HttpRequest) -> Principal:
    """The request's principal, computed once per request."""
    cached = getattr(request, "_almen_principal", None)
    if cached is None:
        cached = principal_for(getattr(request, "user", None))
        request._almen_principal = cached  # type: ignore[attr-defined]
    return cached


class LoginRequired(Exception):
    """Raised for anonymous visitors to pages that need a login; the middleware
    turns it into a redirect to the login page."""


def deny(p: Principal, *, can_read: bool) -> NoReturn:
    """Anonymous visitors are asked to log in; outsiders get 404 (they must not
    learn that the object exists); those who may read but not act get 403."""
    if p.is_anonymous:
        raise LoginRequired
    if can_read:
        raise PermissionDenied
    raise Http404


def deny_unless(p: Principal, ok: bool, organisation_id: int) -> None:
    """``deny`` unless ``ok``: 403 for the organisation's members, 404 for outsiders."""
    if not ok:
        deny(p, can_read=p.is_member_of(organisation_id))
