"""Demo goals: every demo organisation gets goals across all three cornerstones, with
indicators, three years of measurements, actions and reviews. Statuses are computed
from the measurements like everywhere else; nothing here sets a status."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from almen.goals import services
from almen.goals.models import (
    ActionStatus,
    Commitment,
    Framework,
    Frequency,
    Goal,
    GoalStatus,
    Measurement,
    ReviewAssessment,
)
from almen.goals.progress import Direction
from almen.lib import demo
from almen.lib.visibility import Visibility
from almen.register.models import Body, BodyKind, Membership, Organisation, Role

# The indicators' metadata by unit (definition, source, method, who measures).
DEMO_METADATA: dict[str, dict[str, Any]] = {
    "%": {
        "definition": "Antallet, der opfylder kravet, i procent af alle i gruppen.",
        "data_source": "Kvartalsvis optælling og spørgeskema blandt beboerne",
        "method": "Tæller og nævner opgøres på samme dag; tomme boliger tæller ikke med.",
        "measured_by": "Afdelingsbestyrelsen med hjælp fra administrationen",
    },
    "kWh/m²": {
        "definition": "Varmeforbrug i kWh pr. m² opvarmet boligareal i kvartalet.",
        "data_source": "Fjernaflæste målere og forsyningens afregning",
        "method": "Forbruget korrigeres ikke for graddage; arealet er BBR-arealet.",
        "measured_by": "Driften",
    },
}

# title, commitment code, why here, indicator (title, unit, direction, baseline, target),
# actions, whether estate-level
TEMPLATES = [
    (
        "Bedre trivsel for ældre beboere",
        "1.3",
        "Mange ældre beboere bor alene, og færre kommer til fællesarrangementer end før.",
        (
            "Andel beboere over 70, der deltager i fællesarrangementer",
            "%",
            Direction.INCREASE,
            18,
            35,
        ),
        ["Ugentlig kaffeklub i fælleshuset", "Besøgsvenner i samarbejde med kommunen"],
        True,
    ),
    (
        "Klar besked i en krise",
        "1.4",
        "Under stormen i 2025 vidste mange beboere ikke, hvor de skulle søge information.",
        ("Husstande, der kan nås med krisebesked", "%", Direction.INCREASE, 55, 90),
        ["Indsamle kontaktoplysninger ved indflytning", "Øvelse med kommunens beredskab"],
        False,
    ),
    (
        "Lavere varmeforbrug",
        "2.4",
        "Varmeregningen er steget, og bygningerne fra 1970'erne har et stort forbrug.",
        ("Varmeforbrug pr. m²", "kWh/m²", Direction.DECREASE, 128, 95),
        ["Indregulering af varmeanlæg", "Fjernaflæste målere i alle opgange"],
        False,
    ),
    (
        "Mere natur i gården",
        "2.3",
        "Beboerne har ønsket mindre græsplæne og mere liv i de grønne arealer.",
        ("Areal med vild natur", "m²", Direction.INCREASE, 150, 1200),
        ["Blomstereng ved legepladsen", "Insekthoteller bygget af børneklubben"],
        True,
    ),
    (
        "Flere unge i beboerdemokratiet",
        "3.2",
        "Gennemsnitsalderen i afdelingsbestyrelserne er 64 år.",
        ("Andel deltagere under 35 på afdelingsmøder", "%", Direction.INCREASE, 8, 20),
        ["Afdelingsmøde med børnepasning og aftensmad", "Digital afstemning som supplement"],
        True,
    ),
    (
        "Beboerne bestemmer over en pulje",
        "3.4",
        "Beboerne vil selv sætte aktiviteter i gang, men ansøgningerne er tunge.",
        ("Beboerinitiativer, der har fået støtte", "antal", Direction.INCREASE, 2, 12),
        ["Pulje på 50.000 kr. med enkel ansøgning"],
        False,
    ),
]

START = dt.date(2026, 1, 1)
END = dt.date(2028, 12, 31)
BASELINE = dt.date(2024, 1, 1)


@transaction.atomic
def goals_demo_create(*, seed: int = 2026) -> int:
    """Idempotent: does nothing if demo goals exist. Returns the number of goals made."""
    if Goal.objects.exists():
        return 0
    rng = random.Random(seed)
    framework = Framework.objects.current()
    if framework is None:
        return 0
    commitments = {c.code: c for c in Commitment.objects.filter(cornerstone__framework=framework)}
    made = 0
    organisations = list(Organisation.objects.order_by("name").prefetch_related("estates"))
    for index, organisation in enumerate(organisations):
        estates = list(organisation.estates.all())
        board = Body.objects.filter(
            organisation=organisation, kind=BodyKind.ORGANISATION_BOARD
        ).first()
        # Responsible people, not free text (decision 0025): the boards and a member of
        # staff; "Driften" stays text where the organisation has no staff in Almen.
        staff_row = (
            Membership.objects.filter(organisation=organisation, role=Role.ORG_STAFF)
            .select_related("user")
            .first()
        )
        staff = staff_row.user if staff_row else None
        for n, (title, code, why, ind, actions, on_estate) in enumerate(TEMPLATES):
            estate = estates[n % len(estates)] if on_estate and estates else None
            estate_board = (
                Body.objects.filter(estate=estate, kind=BodyKind.ESTATE_BOARD).first()
                if estate
                else None
            )
            # The first organisation shares publicly, others mix levels so that the
            # inspiration library, the municipality view and private goals all show.
            visibility = [
                Visibility.PUBLIC,
                Visibility.PUBLIC,
                Visibility.MUNICIPALITY,
                Visibility.PUBLIC,
                Visibility.SECTOR,
                Visibility.ORGANISATION,
            ][(index + n) % 6]
            goal = services.goal_create(
                actor=None,
                organisation=organisation,
                estate=estate,
                framework=framework,
                title=title,
                local_context=why,
                period_start=START,
                period_end=END,
                commitments=[commitments[code]],
                status=GoalStatus.ADOPTED,
                adopted_by=board,
                adopted_on=dt.date(2026, 3, 12),
                decision_reference="Organisationsbestyrelsens møde 12-03-2026, punkt 4"
                if estate is None
                else f"Afdelingsmødet i {estate.name}: {demo.GOALS_ADOPTED_ITEM}",
                # An estate's goals were adopted by its meeting: the democracy demo
                # records that decision under this id (lib.demo).
                decision_id=None
                if estate is None
                else demo.goals_adoption_decision_id(estate.public_id),
                visibility=visibility,
                responsible_body=estate_board or board,
                review_interval_months=6,
            )
            ind_title, unit, direction, baseline, target = ind
            indicator = services.indicator_create(
                actor=None,
                goal=goal,
                title=ind_title,
                unit=unit,
                direction=direction,
                baseline_value=Decimal(baseline),
                baseline_date=BASELINE,
                target_value=Decimal(target),
                target_date=END,
                frequency=Frequency.QUARTERLY,
                **DEMO_METADATA.get(unit, {}),
            )
            # Three years of quarterly measurements with a pace that differs per goal.
            pace = rng.choice([1.1, 0.8, 0.45, 0.15, -0.2])
            rows = []
            step = Decimal("1") if unit == "antal" else Decimal("0.1")  # whole counts
            for quarter in range(1, 12):
                day = dt.date(2024 + quarter // 4, 3 * (quarter % 4) + 1, 1)
                if day > dt.date(2026, 10, 1):
                    break
                share = (day - BASELINE).days / (END - BASELINE).days
                noise = Decimal(rng.uniform(-0.03, 0.03)) * Decimal(baseline)
                value = (
                    Decimal(baseline)
                    + (Decimal(target) - Decimal(baseline)) * Decimal(share * pace)
                    + noise
                )
                rows.append(
                    Measurement(
                        indicator=indicator,
                        date=day,
                        value=value.quantize(step),
                    )
                )
            Measurement.objects.bulk_create(rows)
            for a, action_title in enumerate(actions):
                services.action_create(
                    actor=None,
                    goals=[goal],
                    title=action_title,
                    **(
                        {"responsible_user": staff}
                        if a and staff
                        else {"responsible": "Driften"}
                        if a
                        else {"responsible_body": estate_board or board}
                    ),
                    start=dt.date(2026, 2 + a, 1),
                    due=dt.date(2026, 9 + a * 3, 1),
                    status=[ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED][
                        (n + a) % 3
                    ],
                    budget_dkk=Decimal(rng.choice([15000, 40000, 120000])),
                )
            services.review_record(
                actor=None,
                goal=goal,
                date=dt.date(2026, 6, 20),
                assessment=[ReviewAssessment.ON_TRACK, ReviewAssessment.AT_RISK][n % 2],
                worked="Beboerne har taget godt imod de første aktiviteter.",
                did_not_work="Vi nåede ikke de beboere, der ikke læser opslag.",
                change="Vi banker på døre og bruger sms ved næste arrangement.",
            )
            made += 1
    return made
