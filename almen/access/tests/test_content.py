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
        if persona == "org_board":
            # Its dashboard (decision 0025): what needs attention in the organisation's
            # goals, only those it may read.
            may |= goals_where(persona, places=["EA", "EB", "OA"])
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
        # The "indstilling" is the administration's to write: links for its staff only.
        reverse("reports:recommendation", args=[ORG_A, "bestyrelse"]): {"org_staff"},
        reverse("reports:recommendation", args=[ORG_A, "kommune"]): {"org_staff"},
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


def test_attachments_on_goal_pages(client_as, world) -> None:
    """A goal's files are listed to exactly its readers; the upload form to those who
    manage it; whoever uploaded is shown by name, never by e-mail."""
    import io

    from almen.attachments import services as attachment_services
    from almen.goals.models import Goal

    uploader = User.objects.get(email=NAMELESS_EMAIL)  # a board member without a name
    managers = {
        "ZqEAPRIVATE": {"estate_board_a", "org_staff"},
        "ZqEAORGANISATION": {"estate_board_a", "org_staff"},
        "ZqOBSECTOR": {"other_org_staff"},
    }
    for token, who_manages in managers.items():
        goal = Goal.objects.get(title=f"Mål {token}")
        data = b"Referat\n"
        attachment_services.attachment_add(
            actor=uploader,
            owner=goal,
            fileobj=io.BytesIO(data),
            name=f"Fil{token}.txt",
            size=len(data),
        )

        def expect(persona: str, token: str = token, who_manages: set[str] = who_manages) -> Expect:
            return exactly(
                ({f"Fil{token}.txt"} if persona in readers_of(token) else set())
                | ({"Læg et bilag op"} if persona in who_manages else set())
            )

        check_page(
            client_as,
            reverse("goals:goal_detail", args=[goal.public_id]),
            expect,
            universe=[f"Fil{token}.txt", "Læg et bilag op", NAMELESS_EMAIL, BOARD_EMAIL],
        )


def test_organisation_contact_page(client_as) -> None:
    """An organisation's contact page shows its own contact details to everyone, and
    no person's: not the board's e-mails, not the residents'."""
    for cvr, email in ((ORG_A, "kontakt.a.zq@indhold.test"), (ORG_B, "kontakt.b.zq@indhold.test")):
        register_services.organisation_contact_update(
            actor=None, organisation=Organisation.objects.get(cvr=cvr), contact_email=email
        )
    for cvr, own in ((ORG_A, "kontakt.a.zq@indhold.test"), (ORG_B, "kontakt.b.zq@indhold.test")):

        def expect(persona: str, own: str = own) -> Expect:
            return exactly({own})

        check_page(
            client_as,
            reverse("web:organisation_contact", args=[cvr]),
            expect,
            universe=["kontakt.a.zq@indhold.test", "kontakt.b.zq@indhold.test", *UNIVERSE],
        )


def test_notification_pages_show_no_one_elses_data(client_as) -> None:
    """The preferences page lists kinds of message, not objects; the unsubscribe page
    names neither the person nor the address the link was sent to."""
    from almen.notify.services import unsubscribe_token

    check_page(client_as, reverse("notify:preferences"), lambda persona: exactly(set()))
    board = User.objects.get(email=BOARD_EMAIL)
    link = reverse(
        "notify:unsubscribe", args=[unsubscribe_token(kind="goals.action_due", user_id=board.pk)]
    )
    check_page(client_as, link, lambda persona: exactly(set()))


# --- CSV downloads (authorised like the page they sit on) -----------------------------


def _csv_text(response) -> str:
    return response.content.decode("utf-8-sig")


def test_a_goals_csv_only_for_who_may_see_the_goal(client_as) -> None:
    """Each goal's indicators CSV: 200 with the goal's indicator for its readers, 404
    for every other logged-in persona, the login page for anonymous visitors."""
    from decimal import Decimal

    from almen.goals.models import Goal
    from almen.goals.progress import Direction

    urls = {}
    for token in GOALS:
        goal = Goal.objects.get(title=f"Mål {token}")
        goal_services.indicator_create(
            actor=None,
            goal=goal,
            title=f"Indikator {token}",
            unit="antal",
            direction=Direction.INCREASE,
            baseline_value=Decimal(1),
            baseline_date=dt.date(2026, 1, 1),
            target_value=Decimal(2),
            target_date=dt.date(2028, 1, 1),
        )
        urls[token] = reverse("goals:goal_indicators_csv", args=[goal.public_id])
    problems = []
    for persona in PERSONAS:
        client = client_as(persona)
        for token, url in urls.items():
            response = client.get(url)
            if persona in readers_of(token):
                ok = response.status_code == 200 and f"Indikator {token}" in _csv_text(response)
            elif persona == "anonymous":
                ok = response.status_code == 302
            else:
                ok = response.status_code == 404
            if not ok:
                problems.append(f"{persona} {token}: {response.status_code}")
    assert not problems, problems


def test_public_national_csv_counts_only_shared_goals(client_as) -> None:
    """The national picture's CSV of commitments: every indicator under 3.2 counted by
    status is on a published goal (sector staff: also the sector's), never on a private,
    organisation, municipality or draft goal."""
    import csv
    import io
    from decimal import Decimal

    from almen.goals.models import Goal
    from almen.goals.progress import Direction

    for token in GOALS:
        goal_services.indicator_create(
            actor=None,
            goal=Goal.objects.get(title=f"Mål {token}"),
            title="Tæller",
            unit="antal",
            direction=Direction.INCREASE,
            baseline_value=Decimal(1),
            baseline_date=dt.date(2026, 1, 1),
            target_value=Decimal(2),
            target_date=dt.date(2028, 1, 1),
        )
    published = {t for t, row in GOALS.items() if row.readers == ALL}
    with_sector = published | {
        t for t, row in GOALS.items() if row.visibility == "sector" and row.status != "draft"
    }
    from almen.goals.picture import picture_invalidate

    # The indicators above were written without the services' commit hook running.
    picture_invalidate()
    for persona in PERSONAS:
        response = client_as(persona).get(reverse("goals:national_csv_punkter"))
        rows = list(csv.reader(io.StringIO(_csv_text(response)), delimiter=";"))
        header, row = rows[0], next(r for r in rows if r[0] == "3.2")
        counted = sum(
            int(v) for h, v in zip(header, row, strict=True) if h.startswith("Indikatorer")
        )
        expected = with_sector if persona == "sector_staff" else published
        assert counted == len(expected), (persona, counted)
        assert not [t for t in UNIVERSE if t in _csv_text(response)], persona
    picture_invalidate()  # what this world cached is not the next test's


def test_commitment_csv_lists_published_goals_only(client_as) -> None:
    published = {t for t, row in GOALS.items() if row.readers == ALL}
    check_page(
        client_as,
        reverse("goals:commitment_goals_csv", args=["2026-2028", "3.2"]),
        lambda persona: exactly(published),
    )


def test_municipality_csv_is_the_officers_overview(client_as) -> None:
    def expect(persona: str) -> Expect:
        if persona == "municipality_officer":
            return exactly(goals_where(persona, places=["EA", "EB", "OA"], drafts=False))
        if persona == OTHER_OFFICER:
            return exactly(goals_where(persona, places=["OB"], drafts=False))
        return exactly(set())

    check_page(client_as, reverse("goals:municipality_csv"), expect)


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
