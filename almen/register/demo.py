"""The demo: three organisations in København, Aarhus and Aalborg, 12 estates,
about 2,500 households with Danish names, boards, and one login per persona.

``personas_create`` builds the same cast at a small size for the tests, so the
people a developer logs in as and the people the tests check are the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from almen.access.roles import Role
from almen.accounts.models import User
from almen.register import services
from almen.register.models import (
    Body,
    BodyKind,
    BodyRole,
    Building,
    Estate,
    Household,
    Municipality,
    Organisation,
    Resident,
    Unit,
    UnitKind,
)

FIRST_NAMES = [
    "Anne",
    "Kirsten",
    "Hanne",
    "Mette",
    "Anna",
    "Helle",
    "Susanne",
    "Lene",
    "Maria",
    "Marianne",
    "Lone",
    "Camilla",
    "Pia",
    "Louise",
    "Charlotte",
    "Bente",
    "Tina",
    "Gitte",
    "Inge",
    "Karen",
    "Peter",
    "Michael",
    "Lars",
    "Jens",
    "Thomas",
    "Henrik",
    "Søren",
    "Christian",
    "Martin",
    "Jan",
    "Morten",
    "Jesper",
    "Anders",
    "Niels",
    "Mads",
    "Rasmus",
    "Per",
    "Hans",
    "Ole",
    "Mohammed",
    "Ali",
    "Fatima",
    "Aisha",
    "Emil",
    "Freja",
    "Noah",
    "Ida",
    "William",
    "Ella",
    "Oscar",
    "Alma",
    "Lucas",
    "Sofia",
    "Victor",
    "Clara",
]
SURNAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Andersen",
    "Pedersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Olesen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Holm",
    "Schmidt",
    "Yilmaz",
    "Hussein",
    "Ahmed",
    "Khan",
    "Nguyen",
]
STREETS = [
    "Birkevej",
    "Egevej",
    "Rosenvænget",
    "Solsikkevej",
    "Kastanjealle",
    "Lærkevej",
    "Mågevej",
    "Tjørnevej",
    "Engparken",
    "Skovbrynet",
    "Havnegade",
    "Bøgeparken",
]

DEMO_PASSWORD = "almen-demo-2026"  # noqa: S105 - printed by `make run`, demo only
# A fixed TOTP secret for the demo's staff logins, so a developer can add it to an
# authenticator app (or run `manage.py demo_totp`) — never used outside the demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

ORGANISATIONS = [
    # cvr, name, municipality code, postal code, city, estate names
    (
        "29190909",
        "Boligselskabet Fællesbo",
        "0101",
        "2400",
        "København NV",
        ["Bispeparken", "Lundtofteparken", "Tingbjerg Have", "Utterslev Mose"],
    ),
    (
        "31415926",
        "Aarhus Almene Boliger",
        "0751",
        "8220",
        "Brabrand",
        ["Gellerupstien", "Hasle Bakker", "Skovgårdsparken", "Bispehaven"],
    ),
    (
        "27182818",
        "Himmerland Boligforening Demo",
        "0851",
        "9000",
        "Aalborg",
        ["Kildeparken", "Løvvangen", "Fyrkildevej", "Aalborg Øst"],
    ),
]


# The demo organisations' contact pages (the third has none, to show the empty page).
DEMO_CONTACTS = {
    "29190909": {
        "contact_email": "kontakt@faellesbo.almen.demo",
        "contact_phone": "33 12 34 56",
        "opening_hours": "Mandag–torsdag 9–15, fredag 9–12",
        "website": "https://faellesbo.almen.demo",
    },
    "31415926": {
        "contact_email": "kontakt@aarhus-almene.almen.demo",
        "contact_phone": "86 12 34 56",
        "opening_hours": "Hverdage 10–14",
    },
}


@dataclass
class Persona:
    key: str
    label: str
    email: str
    user: User | None
    password_login: bool


def _user(email: str, name: str, *, password: bool, totp: bool = False) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        if password:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        if totp:
            TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _estate_with_units(
    *,
    organisation: Organisation,
    number: int,
    name: str,
    municipality: Municipality,
    postal_code: str,
    city: str,
    homes: int,
    rng: random.Random,
    fill: float,
) -> Estate:
    street = rng.choice(STREETS)
    estate = services.estate_create(
        actor=None,
        organisation=organisation,
        number=number,
        name=name,
        municipality=municipality,
        address=f"{street} 1",
        postal_code=postal_code,
        city=city,
        fiscal_year_start_month=rng.choice([1, 1, 1, 7]),
    )
    buildings = Building.objects.bulk_create(
        [Building(estate=estate, address=f"{street} {n}") for n in range(1, homes // 24 + 2)]
    )
    units = []
    for i in range(homes):
        building = buildings[i // 24]
        kind = rng.choices(list(UnitKind), weights=[80, 12, 8])[0]
        rooms = 1 if kind == UnitKind.YOUTH else rng.randint(1, 5)
        units.append(
            Unit(
                estate=estate,
                building=building,
                number=f"{number:03d}-{i + 1:04d}",
                address=f"{building.address}, {1 + (i % 24) // 4}. {['tv', 'th', 'mf'][i % 3]}",
                kind=kind,
                rooms=rooms,
                area_m2=Decimal(25 + rooms * 18 + rng.randint(0, 12)),
            )
        )
    Unit.objects.bulk_create(units)
    households, residents = [], []
    for unit in Unit.objects.filter(estate=estate):
        if rng.random() > fill:
            continue  # a vacant home
        moved_in = dt.date(rng.randint(1975, 2026), rng.randint(1, 12), rng.randint(1, 28))
        households.append(Household(unit=unit, moved_in=min(moved_in, dt.date(2026, 6, 1))))
    Household.objects.bulk_create(households)
    for household in households:
        surname = rng.choice(SURNAMES)
        for _ in range(rng.choices([1, 2, 3, 4], weights=[40, 35, 15, 10])[0]):
            residents.append(
                Resident(
                    household=household,
                    name=f"{rng.choice(FIRST_NAMES)} {surname}",
                    birth_year=rng.randint(1935, 2008),
                )
            )
    Resident.objects.bulk_create(residents, batch_size=1000)
    return estate


def _settle(user: User, estate: Estate, *, on: dt.date) -> None:
    """Give ``user`` a current tenancy in ``estate`` (a vacant unit, or a new one)."""
    unit = (
        Unit.objects.filter(estate=estate)
        .exclude(households__moved_out__isnull=True)
        .order_by("number")
        .first()
    )
    if unit is None:
        count = Unit.objects.filter(estate=estate).count()
        unit = Unit.objects.create(
            estate=estate,
            number=f"{estate.number:03d}-P{count + 1}",
            address=f"{estate.address}, st. th",
            kind=UnitKind.FAMILY,
            rooms=3,
            area_m2=Decimal("78.00"),
        )
    household = Household.objects.create(unit=unit, moved_in=on)
    Resident.objects.create(
        household=household, name=user.name, email=user.email, user=user, birth_year=1980
    )


def personas_create(
    *, homes_per_estate: int, estates_per_org: int, seed: int = 2026
) -> dict[str, Persona]:
    """Organisations, estates and the eight personas of STYLE.md (plus an
    organisation board member). Idempotent: returns the existing cast if present."""
    rng = random.Random(seed)
    existing = Organisation.objects.filter(cvr=ORGANISATIONS[0][0]).first()
    if existing is None:
        with transaction.atomic():
            for cvr, name, code, postal, city, estate_names in ORGANISATIONS:
                municipality = Municipality.objects.get(code=code)
                org = services.organisation_create(
                    actor=None,
                    cvr=cvr,
                    name=name,
                    municipality=municipality,
                    address=f"{rng.choice(STREETS)} 2, {postal} {city}",
                )
                if cvr in DEMO_CONTACTS:
                    services.organisation_contact_update(
                        actor=None, organisation=org, **DEMO_CONTACTS[cvr]
                    )
                for n, estate_name in enumerate(estate_names[:estates_per_org], start=1):
                    _estate_with_units(
                        organisation=org,
                        number=n,
                        name=estate_name,
                        municipality=municipality,
                        postal_code=postal,
                        city=city,
                        homes=homes_per_estate,
                        rng=rng,
                        fill=0.95,
                    )
            _cast_create()
            services.estate_counts_refresh()
    return personas()


# Staff grants start well before any date the tests travel to.
GRANTED = dt.date(2024, 1, 1)


def _cast_create() -> None:
    org_a, org_b = (Organisation.objects.get(cvr=row[0]) for row in ORGANISATIONS[:2])
    estate_a = Estate.objects.get(organisation=org_a, number=1)
    estate_b = Estate.objects.get(organisation=org_a, number=2)
    since = dt.date(2024, 5, 1)
    resident_a = _user("beboer.a@almen.demo", "Fatima Hansen", password=False)
    _settle(resident_a, estate_a, on=since)
    resident_b = _user("beboer.b@almen.demo", "Jens Mortensen", password=False)
    _settle(resident_b, estate_b, on=since)
    board_a = _user("bestyrelse.a@almen.demo", "Karen Lund", password=True)
    _settle(board_a, estate_a, on=dt.date(2019, 3, 1))
    services.body_membership_add(
        actor=None,
        body=Body.objects.get(estate=estate_a, kind=BodyKind.ESTATE_BOARD),
        user=board_a,
        role=BodyRole.CHAIR,
        term_start=dt.date(2025, 9, 15),
    )
    org_board = _user("organisationsbestyrelse@almen.demo", "Per Holm", password=True)
    services.body_membership_add(
        actor=None,
        body=Body.objects.get(organisation=org_a, kind=BodyKind.ORGANISATION_BOARD),
        user=org_board,
        role=BodyRole.MEMBER,
        term_start=dt.date(2025, 6, 1),
    )
    staff = _user("administration@almen.demo", "Mette Schmidt", password=True, totp=True)
    services.membership_grant(
        actor=None, starts=GRANTED, user=staff, role=Role.ORG_STAFF, organisation=org_a
    )
    other = _user("administration.b@almen.demo", "Ali Yilmaz", password=True, totp=True)
    services.membership_grant(
        actor=None, starts=GRANTED, user=other, role=Role.ORG_STAFF, organisation=org_b
    )
    officer = _user("kommune@almen.demo", "Lars Poulsen", password=True, totp=True)
    services.membership_grant(
        actor=None,
        starts=GRANTED,
        user=officer,
        role=Role.MUNICIPALITY_OFFICER,
        municipality=org_a.municipality,
    )
    sector = _user("sektor@almen.demo", "Hanne Olesen", password=True, totp=True)
    services.membership_grant(actor=None, starts=GRANTED, user=sector, role=Role.SECTOR_STAFF)


PERSONAS: list[tuple[str, str, str | None, bool]] = [
    # key, label, e-mail (None: anonymous), logs in with password (+TOTP for staff)
    ("resident_a", "Beboer i afdeling A", "beboer.a@almen.demo", False),
    ("resident_b", "Beboer i afdeling B", "beboer.b@almen.demo", False),
    ("estate_board_a", "Afdelingsbestyrelse, afdeling A", "bestyrelse.a@almen.demo", True),
    ("org_board", "Organisationsbestyrelse", "organisationsbestyrelse@almen.demo", True),
    ("org_staff", "Administration", "administration@almen.demo", True),
    (
        "other_org_staff",
        "Administration i en anden organisation",
        "administration.b@almen.demo",
        True,
    ),
    ("municipality_officer", "Kommune (København)", "kommune@almen.demo", True),
    ("sector_staff", "Sektoren (BL)", "sektor@almen.demo", True),
    ("anonymous", "Offentligheden (ikke logget ind)", None, False),
]


def personas() -> dict[str, Persona]:
    users = {u.email: u for u in User.objects.filter(email__in=[p[2] for p in PERSONAS if p[2]])}
    return {
        key: Persona(
            key=key, label=label, email=email or "", user=users.get(email or ""), password_login=pw
        )
        for key, label, email, pw in PERSONAS
    }


def demo_create() -> dict[str, Any]:
    """The full demo (≈ 2,500 households). Idempotent."""
    cast = personas_create(homes_per_estate=220, estates_per_org=4)
    return {"personas": cast, "households": Household.objects.active().count()}
