"""Content tests: each persona sees on each page what it may see, and nothing else.

The authorisation matrix (test_matrix.py) checks status codes; a page that answers
200 to everyone can still list a private goal or the board's names to the wrong
person. Here a small world of goals in every visibility and status, board members and
a resident with distinctive names and e-mails is built, every listing page is fetched
as every persona, and the tokens found in the page are compared with an explicit
table below.

The table is written by hand from the rules in DESIGN.md/STYLE.md (who reads what at
which visibility), NOT computed by calling the policy: a test that asks the policy
what the policy allows cannot fail when the policy is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from almen.access.roles import Role
from almen.accounts.models import User
from almen.accounts.tests.helpers import login_with_mfa
from almen.goals import services as goal_services
from almen.goals.models import Commitment, Framework, GoalStatus
from almen.lib.visibility import Visibility
from almen.register import services as register_services
from almen.register.demo import DEMO_TOTP_SECRET, Persona
from almen.register.models import (
    Body,
    BodyKind,
    BodyRole,
    Estate,
    Household,
    Municipality,
    Organisation,
    Resident,
)

ORG_A = "29190909"  # Boligselskabet Fællesbo, København (0101)
ORG_B = "31415926"  # Aarhus Almene Boliger, Aarhus (0751)

# --- personas ------------------------------------------------------------------------
# The eight of STYLE.md plus the organisation board, and one more: a municipality
# officer of another municipality (Aarhus, organisation B's).
OTHER_OFFICER = "other_municipality_officer"
PERSONAS = [
    "anonymous",
    "resident_a",
    "resident_b",
    "estate_board_a",
    "org_board",
    "org_staff",
    "other_org_staff",
    "municipality_officer",
    OTHER_OFFICER,
    "sector_staff",
]
ALL = frozenset(PERSONAS)
LOGGED_IN = ALL - {"anonymous"}
# Members of organisation A through an estate, its board and its staff.
ORG_A_MEMBERS = frozenset({"resident_a", "resident_b", "estate_board_a", "org_board", "org_staff"})
# Professionals: staff, organisation boards, officers and the sector (not residents,
# not estate boards as such).
PROFESSIONALS = frozenset(
    {
        "org_board",
        "org_staff",
        "other_org_staff",
        "municipality_officer",
        OTHER_OFFICER,
        "sector_staff",
    }
)

# --- goals: token -> (place, visibility, status, who may read it) ---------------------
# Places: "EA" estate A (org A, estate 1), "EB" estate B (org A, estate 2),
# "OA" organisation A itself, "OB" organisation B itself.
# Rules (DESIGN.md): private — those who manage the place (org staff; the estate's own
# board) and the organisation's board; organisation — also the organisation's members;
# municipality — also the officers of the place's municipality; sector — also every
# professional; public — everyone. Drafts: those who manage and the organisation board,
# whatever the visibility. Ended goals are read like adopted ones.
EA_MANAGERS = frozenset({"estate_board_a", "org_board", "org_staff"})
ORG_A_MANAGERS = frozenset({"org_board", "org_staff"})


@dataclass(frozen=True)
class GoalRow:
    place: str
    visibility: str
    status: str
    readers: frozenset[str]


GOALS: dict[str, GoalRow] = {
    "ZqEAPRIVATE": GoalRow("EA", Visibility.PRIVATE, GoalStatus.ADOPTED, EA_MANAGERS),
    "ZqEAORGANISATION": GoalRow("EA", Visibility.ORGANISATION, GoalStatus.ADOPTED, ORG_A_MEMBERS),
    "ZqEAMUNICIPALITY": GoalRow(
        "EA",
        Visibility.MUNICIPALITY,
        GoalStatus.ADOPTED,
        ORG_A_MEMBERS | {"municipality_officer"},
    ),
    "ZqEASECTOR": GoalRow("EA", Visibility.SECTOR, GoalStatus.ADOPTED, LOGGED_IN),
    "ZqEAPUBLIC": GoalRow("EA", Visibility.PUBLIC, GoalStatus.ADOPTED, ALL),
    "ZqEADRAFT": GoalRow("EA", Visibility.PUBLIC, GoalStatus.DRAFT, EA_MANAGERS),
    # Estate A's board does not manage estate B: its private goals are not theirs.
    "ZqEBPRIVATE": GoalRow("EB", Visibility.PRIVATE, GoalStatus.ADOPTED, ORG_A_MANAGERS),
    "ZqEBORGANISATION": GoalRow("EB", Visibility.ORGANISATION, GoalStatus.ADOPTED, ORG_A_MEMBERS),
    "ZqEBDRAFT": GoalRow("EB", Visibility.PUBLIC, GoalStatus.DRAFT, ORG_A_MANAGERS),
    "ZqOAPRIVATE": GoalRow("OA", Visibility.PRIVATE, GoalStatus.ADOPTED, ORG_A_MANAGERS),
    "ZqOAORGANISATION": GoalRow("OA", Visibility.ORGANISATION, GoalStatus.ADOPTED, ORG_A_MEMBERS),
    "ZqOAMUNICIPALITY": GoalRow(
        "OA",
        Visibility.MUNICIPALITY,
        GoalStatus.ADOPTED,
        ORG_A_MEMBERS | {"municipality_officer"},
    ),
    "ZqOASECTOR": GoalRow("OA", Visibility.SECTOR, GoalStatus.ADOPTED, LOGGED_IN),
    "ZqOAPUBLIC": GoalRow("OA", Visibility.PUBLIC, GoalStatus.ADOPTED, ALL),
    "ZqOADRAFT": GoalRow("OA", Visibility.PUBLIC, GoalStatus.DRAFT, ORG_A_MANAGERS),
    "ZqOAENDED": GoalRow("OA", Visibility.PRIVATE, GoalStatus.ENDED, ORG_A_MANAGERS),
    # Organisation B (Aarhus): København's officer is not Aarhus's; residents and
    # estate boards of organisation A are not professionals.
    "ZqOBPRIVATE": GoalRow(
        "OB", Visibility.PRIVATE, GoalStatus.ADOPTED, frozenset({"other_org_staff"})
    ),
    "ZqOBMUNICIPALITY": GoalRow(
        "OB",
        Visibility.MUNICIPALITY,
        GoalStatus.ADOPTED,
        frozenset({"other_org_staff", OTHER_OFFICER}),
    ),
    "ZqOBSECTOR": GoalRow("OB", Visibility.SECTOR, GoalStatus.ADOPTED, PROFESSIONALS),
    "ZqOBPUBLIC": GoalRow("OB", Visibility.PUBLIC, GoalStatus.ADOPTED, ALL),
    "ZqOBDRAFT": GoalRow("OB", Visibility.PUBLIC, GoalStatus.DRAFT, frozenset({"other_org_staff"})),
}

# --- people ---------------------------------------------------------------------------
BOARD_NAME = "Quirina Zqbestyrelsesmedlem"  # on estate A's board
BOARD_EMAIL = "quirina.zq@indhold.test"  # her e-mail: never on a listing page
NAMELESS_EMAIL = "navnloes.zq@indhold.test"  # a board member with no name: shown by e-mail
RESIDENT_NAME = "Ulrikke Zqbeboer"  # a resident of estate A
RESIDENT_EMAIL = "ulrikke.zq@indhold.test"
PEOPLE = [BOARD_NAME, BOARD_EMAIL, NAMELESS_EMAIL, RESIDENT_NAME, RESIDENT_EMAIL]
# Estate A's board list: its residents, the organisation's members and its staff.
BOARD_LIST_READERS = ORG_A_MEMBERS
# Residents' names and e-mails (personal data): the organisation and the estate's board.
PERSONAL_DATA_READERS = frozenset({"estate_board_a", "org_staff"})

UNIVERSE = [*GOALS, *PEOPLE]


def readers_of(token: str) -> frozenset[str]:
    return GOALS[token].readers


def goals_where(
    persona: str, *, places: Iterable[str], drafts: bool = True, ended: bool = True
) -> set[str]:
    return {
        token
        for token, row in GOALS.items()
        if row.place in places
        and persona in row.readers
        and (drafts or row.status != GoalStatus.DRAFT)
        and (ended or row.status != GoalStatus.ENDED)
    }


# --- the world ------------------------------------------------------------------------


def _user(email: str, name: str, *, totp: bool = False) -> User:
    user = User.objects.create(email=email, name=name)
    user.set_unusable_password()
    user.save()
    if totp:
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


@pytest.fixture
def world(cast: dict[str, Persona]) -> dict[str, User]:
    org_a = Organisation.objects.get(cvr=ORG_A)
    org_b = Organisation.objects.get(cvr=ORG_B)
    estate_a = Estate.objects.get(organisation=org_a, number=1)
    estate_b = Estate.objects.get(organisation=org_a, number=2)
    framework = Framework.objects.current()
    assert framework is not None
    commitment = Commitment.objects.get(cornerstone__framework=framework, code="3.2")
    places = {
        "EA": (org_a, estate_a),
        "EB": (org_a, estate_b),
        "OA": (org_a, None),
        "OB": (org_b, None),
    }
    for token, row in GOALS.items():
        organisation, estate = places[row.place]
        goal_services.goal_create(
            actor=None,
            organisation=organisation,
            estate=estate,
            framework=framework,
            title=f"Mål {token}",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2028, 12, 31),
            commitments=[commitment],
            status=row.status,
            visibility=row.visibility,
        )
    board = Body.objects.get(estate=estate_a, kind=BodyKind.ESTATE_BOARD)
    for email, name in ((BOARD_EMAIL, BOARD_NAME), (NAMELESS_EMAIL, "")):
        register_services.body_membership_add(
            actor=None,
            body=board,
            user=_user(email, name),
            role=BodyRole.MEMBER,
            term_start=dt.date(2025, 9, 15),
        )
    household = Household.objects.active().filter(unit__estate=estate_a).first()
    assert household is not None
    Resident.objects.create(household=household, name=RESIDENT_NAME, email=RESIDENT_EMAIL)
    officer = _user("kommune.aarhus.zq@indhold.test", "Officer Aarhus", totp=True)
    register_services.membership_grant(
        actor=None,
        starts=dt.date(2024, 1, 1),
        user=officer,
        role=Role.MUNICIPALITY_OFFICER,
        municipality=Municipality.objects.get(code="0751"),
    )
    return {OTHER_OFFICER: officer}


@pytest.fixture
def client_as(world: dict[str, User], cast: dict[str, Persona]) -> Callable[[str], Client]:
    def make(persona: str) -> Client:
        client = Client()
        user = world.get(persona) or cast[persona].user
        if user is not None:
            login_with_mfa(client, user)
        return client

    return make


@dataclass(frozen=True)
class Expect:
    """``must`` appear; nothing outside ``may`` (which includes ``must``) appears."""

    must: frozenset[str]
    may: frozenset[str]


def exactly(tokens: Iterable[str]) -> Expect:
    tokens = frozenset(tokens)
    return Expect(tokens, tokens)


def check_page(
    client_as: Callable[[str], Client],
    url: str,
    expect: Callable[[str], Expect],
    universe: Iterable[str] = UNIVERSE,
) -> None:
    universe = list(universe)
    problems = []
    for persona in PERSONAS:
        response = client_as(persona).get(url)
        assert response.status_code < 500, (url, persona, response.status_code)
        html = response.content.decode()
        found = {token for token in universe if token in html}
        wanted = expect(persona)
        missing = wanted.must - found
        leaked = found - wanted.may - wanted.must
        if missing or leaked:
            problems.append(
                f"{persona} ({response.status_code}): leaked {sorted(leaked)}, "
                f"missing {sorted(missing)}"
            )
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


def estate_url(cvr: str, number: int) -> str:
    return reverse("web:estate_detail", args=[cvr, number])


# --- the pages ------------------------------------------------------------------------


def test_goal_list(client_as) -> None:
    check_page(
        client_as,
        reverse("goals:goal_list"),
        lambda persona: exactly(goals_where(persona, places=["EA", "EB", "OA", "OB"])),
    )


def test_organisation_pages(client_as) -> None:
    for cvr, place in ((ORG_A, "OA"), (ORG_B, "OB")):

        def expect(persona: str, place: str = place) -> Expect:
            return exactly(goals_where(persona, places=[place]))

        check_page(client_as, reverse("web:organisation_detail", args=[cvr]), expect)


def test_estate_page_a(client_as) -> None:
    def expect(persona: str) -> Expect:
        tokens = goals_where(persona, places=["EA"])
        if persona in BOARD_LIST_READERS:
            # The board list shows names; a member without a name by e-mail. Never a
            # named member's e-mail, never the residents.
            tokens |= {BOARD_NAME, NAMELESS_EMAIL}
        return exactly(tokens)

    check_page(client_as, estate_url(ORG_A, 1), expect)


def test_estate_page_b(client_as) -> None:
    # Estate A's board members are not on estate B's page.
    check_page(
        client_as,
        estate_url(ORG_A, 2),
        lambda persona: exactly(goals_where(persona, places=["EB"])),
    )


def test_residents_list(client_as) -> None:
    check_page(
        client_as,
        reverse("web:estate_residents", args=[ORG_A, 1]),
        lambda persona: exactly(
            {RESIDENT_NAME, RESIDENT_EMAIL} if persona in PERSONAL_DATA_READERS else set()
        ),
    )


def test_home_page(client_as) -> None:
    def expect(persona: str) -> Expect:
        # Residents and estate boards: what their estate works on (not drafts).
        estates = {"resident_a": ["EA"], "resident_b": ["EB"], "estate_board_a": ["EA"]}
        must = goals_where(persona, places=estates.get(persona, []), drafts=False)
        may = set(must)
        if persona == "estate_board_a":
            # "Needs attention" may name the estate's goals, drafts included.
            may |= goals_where(persona, places=["EA"])
        if persona in {"org_staff", "other_org_staff"}:
            # "Needs attention" and "recent changes" (the audit log) for their own
            # organisation: only what they may read anyway.
            own = ["EA", "EB", "OA"] if persona == "org_staff" else ["OB"]
            may |= goals_where(persona, places=own)
            if persona == "org_staff":
                may |= {BOARD_NAME, BOARD_EMAIL, NAMELESS_EMAIL}
        return Expect(frozenset(must), frozenset(may))

    check_page(client_as, reverse("web:home"), expect)


def test_inspiration_library(client_as) -> None:
    # Published goals only (public and not a draft), for everyone alike.
    published = {t for t, row in GOALS.items() if row.readers == ALL}
    assert published == {"ZqEAPUBLIC", "ZqOAPUBLIC", "ZqOBPUBLIC"}
    check_page(client_as, reverse("goals:library"), lambda persona: exactly(published))


def test_municipality_overview(client_as) -> None:
    # An officer's own municipality's goals that they may read, not drafts; no other
    # municipality's, even when shared with the sector.
    def expect(persona: str) -> Expect:
        if persona == "municipality_officer":
            return exactly(goals_where(persona, places=["EA", "EB", "OA"], drafts=False))
        if persona == OTHER_OFFICER:
            return exactly(goals_where(persona, places=["OB"], drafts=False))
        return exactly(set())

    assert goals_where("municipality_officer", places=["EA", "EB", "OA"], drafts=False) == {
        "ZqEAMUNICIPALITY",
        "ZqEASECTOR",
        "ZqEAPUBLIC",
        "ZqOAMUNICIPALITY",
        "ZqOASECTOR",
        "ZqOAPUBLIC",
    }
    check_page(client_as, reverse("goals:municipality"), expect)


def test_national_picture_counts_only_shared_goals(client_as) -> None:
    """The national picture shows counts, not titles: everyone counts published goals,
    sector staff also those shared with the sector; never private, organisation,
    municipality or draft goals."""
    from almen.goals.models import Goal

    public = Goal.objects.filter(visibility=Visibility.PUBLIC).exclude(status=GoalStatus.DRAFT)
    sector = Goal.objects.filter(visibility__in=[Visibility.PUBLIC, Visibility.SECTOR]).exclude(
        status=GoalStatus.DRAFT
    )
    url = reverse("goals:national")
    for persona in PERSONAS:
        response = client_as(persona).get(url)
        expected = sector.count() if persona == "sector_staff" else public.count()
        assert response.context["picture"].goals == expected, persona
        html = response.content.decode()
        assert not [t for t in UNIVERSE if t in html], persona


def test_report_list(client_as) -> None:
    board = reverse("reports:board", args=[ORG_A, "pdf"])
    handout_1 = reverse("reports:handout", args=[ORG_A, 1, "pdf"])
    handout_2 = reverse("reports:handout", args=[ORG_A, 2, "pdf"])
    municipality = reverse(
        "reports:municipality", args=[ORG_A, "0101", timezone.localdate().year, "pdf"]
    )
    table = {
        board: ORG_A_MANAGERS,
        handout_1: {"resident_a", "estate_board_a", *ORG_A_MANAGERS},
        handout_2: {"resident_b", *ORG_A_MANAGERS},
        municipality: {"municipality_officer", *ORG_A_MANAGERS},
    }
    check_page(
        client_as,
        reverse("reports:organisation", args=[ORG_A]),
        lambda persona: exactly({url for url, who in table.items() if persona in who}),
        universe=[*table, *UNIVERSE],
    )


def test_dialogue_list(client_as) -> None:
    """Styringsdialoger: the organisation's staff and board and the municipality's
    officers of each dialogue; nobody else (the list needs a login)."""
    from almen.dialogue import services as dialogue_services
    from almen.dialogue.testing import DIALOGUE_ID

    other = dialogue_services.dialogue_create(
        actor=None,
        organisation=Organisation.objects.get(cvr=ORG_B),
        municipality=Municipality.objects.get(code="0751"),
        year=2026,
    )
    a_link = reverse("dialogue:dialogue_detail", args=[DIALOGUE_ID])
    b_link = reverse("dialogue:dialogue_detail", args=[other.public_id])
    table = {
        a_link: {"org_staff", "org_board", "municipality_officer"},
        b_link: {"other_org_staff", OTHER_OFFICER},
    }
    check_page(
        client_as,
        reverse("dialogue:dialogue_list"),
        lambda persona: exactly({url for url, who in table.items() if persona in who}),
        universe=[*table, *UNIVERSE],
    )


# --- people and roles (almen/people) ----------------------------------------------------
BOARD_PHONE = "29991234"  # the board member's phone, on her resident record
BOARD_PAGE_READERS = frozenset({"estate_board_a", "org_board", "org_staff"})


def _board_member_lives_in_estate_a() -> None:
    household = Household.objects.active().filter(unit__estate__organisation__cvr=ORG_A).first()
    assert household is not None
    Resident.objects.create(
        household=household,
        name=BOARD_NAME,
        email=BOARD_EMAIL,
        phone=BOARD_PHONE,
        user=User.objects.get(email=BOARD_EMAIL),
    )


def test_estate_board_page(client_as) -> None:
    """Estate A's board page: who sits (name, post, term) for the board itself, the
    organisation's staff and its board; never an e-mail or a phone (not even a
    nameless member's e-mail), never the residents."""
    _board_member_lives_in_estate_a()
    check_page(
        client_as,
        reverse("people:estate_board", args=[ORG_A, 1]),
        lambda persona: exactly({BOARD_NAME} if persona in BOARD_PAGE_READERS else set()),
        universe=[*UNIVERSE, BOARD_PHONE],
    )


def test_estate_board_page_b(client_as) -> None:
    """Estate B's board page shows none of estate A's board (and is refused to A's)."""
    check_page(
        client_as,
        reverse("people:estate_board", args=[ORG_A, 2]),
        lambda persona: exactly(set()),
        universe=[*UNIVERSE, BOARD_PHONE],
    )


def test_people_page(client_as) -> None:
    """The organisation's people page: its staff (the data controller, who manage the
    seats and send invitations) see the members and their e-mails; nobody else sees
    the page, and residents who sit nowhere are not on it."""
    _board_member_lives_in_estate_a()
    check_page(
        client_as,
        reverse("people:organisation", args=[ORG_A]),
        lambda persona: exactly(
            {BOARD_NAME, BOARD_EMAIL, NAMELESS_EMAIL} if persona == "org_staff" else set()
        ),
        universe=[*UNIVERSE, BOARD_PHONE],
    )
