"""The resident democracy at national scale, for benchmarks (``bench/democracy.py``).

``democracy_national_seed`` puts three years of afdelingsmøder on top of the register's
national data (``almen.register.national``: organisations with CVR numbers starting
with 9): for every estate an ordinary meeting each September, an extraordinary one in
about one year of six, each held with its agenda and results, proposals, the households
that came (and who of them, for the under-35 share), published minutes and the
decisions in the register; plus one upcoming ordinary meeting per estate (its notice
out in most estates, a draft in the rest) with proposals handed in. The first estate's
upcoming meeting has 20 agenda items and 30 proposals (the bench's meeting page).

Like the other national seeds this bypasses the services and the audit log on purpose
and writes with the bulk path (``lib.bulk.copy_rows``: ``COPY`` on PostgreSQL, batched
``executemany`` on SQLite) in one transaction, estates in chunks so memory stays small.
National meetings are recognised by their public ids (``MEETING_ID_RANGE``).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from almen.democracy import rules
from almen.democracy.models import (
    MINIMUM_AGENDA,
    AgendaItem,
    AgendaKind,
    Attendance,
    Decision,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Outcome,
    Proposal,
    ProposalStatus,
)
from almen.democracy.opendata import opendata_invalidate
from almen.lib.bulk import copy_rows
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Household, Resident
from almen.register.national import (
    BATCH,
    FIRST_NAMES,
    NATIONAL_CVR_PREFIX,
    SURNAMES,
    Progress,
    analyze,
)

YEARS = 3
CHUNK = 250  # estates per round trip
EXTRAORDINARY_SHARE = 1 / 6
TURNOUT = (0.04, 0.35)
BENCH_ITEMS = 20
BENCH_PROPOSALS = 30

MEETING_ID_MARKER = 0xDE3A0000
MEETING_ID_RANGE = (
    uuid.UUID(int=MEETING_ID_MARKER << 96),
    uuid.UUID(int=(MEETING_ID_MARKER + 1) << 96),
)

PROPOSAL_TITLES = [
    "Overdækket cykelparkering",
    "Fælles køkkenhave",
    "Ladestandere til elbiler",
    "Nye legeredskaber",
    "Husdyrhold i afdelingen",
    "Længere åbningstid i vaskeriet",
    "Grønne tage på skurene",
    "Fælleslokale til unge",
    "Bedre belysning på stierne",
    "Byttehylde i opgangene",
]


class NationalDemocracyExists(Exception):
    """National meetings are already in the database; seeding twice would double them."""


def national_democracy_exists() -> bool:
    low, high = MEETING_ID_RANGE
    return Meeting.objects.filter(public_id__gte=low, public_id__lt=high).exists()


def _meeting_uuid(rng: random.Random) -> str:
    bits = (MEETING_ID_MARKER << 96) | rng.getrandbits(96)
    return uuid.UUID(int=bits, version=4).hex


def _uuid(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def _columns(model: type[models.Model]) -> list[str]:
    return [f.column or f.name for f in model._meta.concrete_fields]


THROUGH = Attendance.residents.through
TABLES: list[type[models.Model]] = [
    Meeting,
    Proposal,
    AgendaItem,
    Attendance,
    THROUGH,
    Minutes,
    Decision,
]


@dataclass
class Rows:
    """One chunk's rows per model, as dicts by column, and the next id of each."""

    next_id: dict[type[models.Model], int]
    rows: dict[type[models.Model], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, model: type[models.Model], **values: Any) -> int:
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        self.rows[model].append({"id": pk, **values})
        return pk


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    """Empty values for columns a row leaves out: NULL where allowed, else ''/False."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        column = f.column or f.name
        if f.null:
            out[column] = None
        elif isinstance(f, models.BooleanField):
            out[column] = False
        elif isinstance(f, (models.CharField, models.TextField)):
            out[column] = ""
    return out


class _Seeder:
    def __init__(self, seed: int, today: dt.date, now: dt.datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not security
        self.today = today
        self.now = now
        self.adapt = connection.ops.adapt_datetimefield_value
        self.bench_done = False

    def at(self, day: dt.date, hour: int = 19) -> Any:
        aware = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        return self.adapt(aware)

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def votes(self, present: int, share_for: float) -> tuple[int, int, int]:
        total = present * rules.VOTES_PER_HOUSEHOLD
        cast = int(total * self.rng.uniform(0.85, 1.0))
        votes_for = int(cast * share_for)
        blank = int((cast - votes_for) * 0.2)
        return votes_for, cast - votes_for - blank, blank

    # --- one estate ------------------------------------------------------------------

    def estate(
        self,
        rows: Rows,
        estate_id: int,
        organisation_id: int,
        households: list[tuple[int, int]],
        residents: dict[int, int],
    ) -> None:
        last = (
            self.today.year
            if self.today > dt.date(self.today.year, 9, 30)
            else (self.today.year - 1)
        )
        for year in range(last - YEARS + 1, last + 1):
            if self.rng.random() < EXTRAORDINARY_SHARE:
                day = dt.date(year, self.rng.randint(2, 5), self.rng.randint(1, 28))
                self.held(rows, estate_id, organisation_id, households, residents, day, True)
            day = dt.date(year, 9, self.rng.randint(3, 26))
            self.held(rows, estate_id, organisation_id, households, residents, day, False)
        self.upcoming(rows, estate_id, organisation_id, households)

    def meeting(
        self,
        rows: Rows,
        *,
        estate_id: int,
        organisation_id: int,
        kind: str,
        day: dt.date,
        status: str,
        noticed: bool,
    ) -> int:
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(19)))
        title = (
            f"Ordinært afdelingsmøde {day.year}"
            if kind == MeetingKind.ORDINARY
            else f"Ekstraordinært afdelingsmøde {day:%d-%m-%Y}"
        )
        notice_before = 30 if kind == MeetingKind.ORDINARY else 16
        return rows.add(
            Meeting,
            **{
                **_defaults(Meeting),
                "public_id": _meeting_uuid(self.rng),
                "organisation_id": organisation_id,
                "estate_id": estate_id,
                "kind": kind,
                "title": title,
                "starts_at": self.adapt(starts),
                "ends_at": self.adapt(starts + dt.timedelta(hours=2)),
                "place": "Fælleshuset",
                "status": status,
                "roll_on": (day - dt.timedelta(days=notice_before)).isoformat()
                if noticed
                else None,
                "notice_published_at": self.adapt(starts - dt.timedelta(days=notice_before))
                if noticed
                else None,
                "material_published_at": self.adapt(starts - dt.timedelta(days=8))
                if status == MeetingStatus.HELD
                else None,
                "created_at": self.adapt(self.now),
                "updated_at": self.adapt(self.now),
            },
        )

    def proposal(
        self,
        rows: Rows,
        *,
        estate_id: int,
        meeting_id: int,
        household_id: int | None,
        status: str,
        submitted: dt.datetime,
        n: int,
    ) -> int:
        title = PROPOSAL_TITLES[n % len(PROPOSAL_TITLES)]
        return rows.add(
            Proposal,
            **{
                **_defaults(Proposal),
                "public_id": _uuid(self.rng),
                "estate_id": estate_id,
                "meeting_id": meeting_id,
                "household_id": household_id,
                "proposer_name": self.name(),
                "title": title if n < len(PROPOSAL_TITLES) else f"{title} ({n + 1})",
                "text": f"Vi foreslår: {title.lower()}. Udgiften afholdes over driften.",
                "status": status,
                "submitted_at": self.adapt(submitted),
                "decided_at": None if status == ProposalStatus.SUBMITTED else self.adapt(submitted),
            },
        )

    def item(
        self, rows: Rows, meeting_id: int, position: int, kind: str, title: str, **more: Any
    ) -> int:
        return rows.add(
            AgendaItem,
            **{
                **_defaults(AgendaItem),
                "meeting_id": meeting_id,
                "position": position,
                "kind": kind,
                "title": title,
                **more,
            },
        )

    def held(
        self,
        rows: Rows,
        estate_id: int,
        organisation_id: int,
        households: list[tuple[int, int]],
        residents: dict[int, int],
        day: dt.date,
        extraordinary: bool,
    ) -> None:
        rng = self.rng
        kind = MeetingKind.EXTRAORDINARY if extraordinary else MeetingKind.ORDINARY
        meeting_id = self.meeting(
            rows,
            estate_id=estate_id,
            organisation_id=organisation_id,
            kind=kind,
            day=day,
            status=MeetingStatus.HELD,
            noticed=True,
        )
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(19)))
        roll_day = (day - dt.timedelta(days=30)).toordinal()
        roll = [pk for pk, moved_in in households if moved_in <= roll_day]
        came = [pk for pk in roll if rng.random() < rng.uniform(*TURNOUT)]
        checked_in = self.adapt(starts - dt.timedelta(minutes=5))
        for household_id in came:
            attendance_id = rows.add(
                Attendance,
                **{
                    **_defaults(Attendance),
                    "meeting_id": meeting_id,
                    "household_id": household_id,
                    "checked_in_at": checked_in,
                },
            )
            resident_id = residents.get(household_id)
            if resident_id is not None:
                rows.add(THROUGH, attendance_id=attendance_id, resident_id=resident_id)
        present = len(came)
        decided = self.adapt(starts + dt.timedelta(hours=1))
        published = starts + dt.timedelta(days=rng.randint(7, 27))
        voted: list[tuple[int, str, tuple[int, int, int]]] = []
        if extraordinary:
            self.item(
                rows,
                meeting_id,
                1,
                AgendaKind.CHAIR,
                str(AgendaKind.CHAIR.label),
                outcome=Outcome.ELECTED,
                recorded_at=decided,
            )
            votes = self.votes(present, rng.uniform(0.3, 0.8))
            title = "Beboernes ønske om et ekstraordinært møde"
            item_id = self.item(
                rows,
                meeting_id,
                2,
                AgendaKind.OTHER,
                title,
                votes_for=votes[0],
                votes_against=votes[1],
                votes_blank=votes[2],
                outcome=Outcome.ADOPTED if votes[0] > votes[1] else Outcome.REJECTED,
                recorded_at=decided,
            )
            voted.append((item_id, title, votes))
        else:
            position = 0
            accepted = [
                (
                    self.proposal(
                        rows,
                        estate_id=estate_id,
                        meeting_id=meeting_id,
                        household_id=rng.choice(roll) if roll else None,
                        status=ProposalStatus.ACCEPTED,
                        submitted=starts - dt.timedelta(days=rng.randint(15, 40)),
                        n=rng.randrange(len(PROPOSAL_TITLES)),
                    ),
                    rows.rows[Proposal][-1]["title"],
                )
                for _ in range(rng.choice([0, 1, 1, 2, 3]))
            ]
            for kind_ in MINIMUM_AGENDA:
                position += 1
                if kind_ == AgendaKind.BUDGET:
                    votes = self.votes(present, rng.uniform(0.6, 0.95))
                    item_id = self.item(
                        rows,
                        meeting_id,
                        position,
                        kind_,
                        str(kind_.label),
                        votes_for=votes[0],
                        votes_against=votes[1],
                        votes_blank=votes[2],
                        outcome=Outcome.ADOPTED,
                        recorded_at=decided,
                    )
                    voted.append((item_id, f"Budget {day.year + 1}", votes))
                    continue
                outcome = {
                    AgendaKind.CHAIR: Outcome.ELECTED,
                    AgendaKind.RULES: Outcome.ADOPTED,
                    AgendaKind.REPORT: Outcome.NOTED,
                    AgendaKind.ACCOUNTS: Outcome.NOTED,
                    AgendaKind.ELECTION: Outcome.ELECTED,
                }.get(kind_, Outcome.NONE)
                self.item(
                    rows,
                    meeting_id,
                    position,
                    kind_,
                    str(kind_.label),
                    outcome=outcome,
                    recorded_at=decided if outcome else None,
                )
                if kind_ == AgendaKind.PROPOSALS:
                    for proposal_id, title in accepted:
                        position += 1
                        votes = self.votes(present, rng.uniform(0.3, 0.9))
                        item_id = self.item(
                            rows,
                            meeting_id,
                            position,
                            AgendaKind.PROPOSAL,
                            title,
                            proposal_id=proposal_id,
                            votes_for=votes[0],
                            votes_against=votes[1],
                            votes_blank=votes[2],
                            outcome=Outcome.ADOPTED if votes[0] > votes[1] else Outcome.REJECTED,
                            recorded_at=decided,
                        )
                        voted.append((item_id, title, votes))
        rows.add(
            Minutes,
            **{
                **_defaults(Minutes),
                "meeting_id": meeting_id,
                "text": f"Referat af afdelingsmødet {day:%d-%m-%Y}. Til stede: {present} "
                "husstande.",
                "drafted_at": self.adapt(starts + dt.timedelta(days=2)),
                "edited_at": self.adapt(published),
                "published_at": self.adapt(published),
            },
        )
        for item_id, title, (votes_for, votes_against, votes_blank) in voted:
            rows.add(
                Decision,
                **{
                    **_defaults(Decision),
                    "public_id": _uuid(rng),
                    "organisation_id": organisation_id,
                    "estate_id": estate_id,
                    "forum": Forum.RESIDENTS_MEETING,
                    "meeting_id": meeting_id,
                    "item_id": item_id,
                    "decided_on": day.isoformat(),
                    "title": title,
                    "text": f"Afdelingsmødet {day:%d-%m-%Y}: {title}.",
                    "votes_for": votes_for,
                    "votes_against": votes_against,
                    "votes_blank": votes_blank,
                    "outcome": Outcome.ADOPTED if votes_for > votes_against else Outcome.REJECTED,
                    "visibility": Visibility.PUBLIC,
                    "published_at": self.adapt(published),
                    "created_at": self.adapt(self.now),
                },
            )

    def upcoming(
        self, rows: Rows, estate_id: int, organisation_id: int, households: list[tuple[int, int]]
    ) -> None:
        rng = self.rng
        bench = not self.bench_done
        self.bench_done = True
        noticed = bench or rng.random() < 0.6
        day = self.today + dt.timedelta(
            days=rng.randint(35, 150) if noticed else rng.randint(20, 200)
        )
        meeting_id = self.meeting(
            rows,
            estate_id=estate_id,
            organisation_id=organisation_id,
            kind=MeetingKind.ORDINARY,
            day=day,
            status=MeetingStatus.NOTICED if noticed else MeetingStatus.DRAFT,
            noticed=False,
        )
        if noticed:
            # The notice went out yesterday (in time: the meeting is ≥ 5 weeks ahead).
            row = rows.rows[Meeting][-1]
            row["notice_published_at"] = self.adapt(self.now - dt.timedelta(days=1))
            row["roll_on"] = (self.today - dt.timedelta(days=1)).isoformat()
        ids = [pk for pk, _moved_in in households]
        proposals = BENCH_PROPOSALS if bench else rng.choice([0, 0, 1, 2, 3])
        accepted = []
        for n in range(proposals):
            status = ProposalStatus.ACCEPTED if bench and n < 12 else ProposalStatus.SUBMITTED
            proposal_id = self.proposal(
                rows,
                estate_id=estate_id,
                meeting_id=meeting_id,
                household_id=rng.choice(ids) if ids else None,
                status=status,
                submitted=self.now - dt.timedelta(days=rng.randint(1, 10)),
                n=n,
            )
            if status == ProposalStatus.ACCEPTED:
                accepted.append(proposal_id)
        position = 0
        for kind_ in MINIMUM_AGENDA:
            position += 1
            self.item(rows, meeting_id, position, kind_, str(kind_.label))
            if kind_ == AgendaKind.PROPOSALS:
                for proposal_id in accepted:
                    position += 1
                    self.item(
                        rows,
                        meeting_id,
                        position,
                        AgendaKind.PROPOSAL,
                        f"Forslag {position}",
                        proposal_id=proposal_id,
                    )
        assert not bench or position == BENCH_ITEMS


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def democracy_national_seed(
    *, estates: int | None = None, seed: int = 2026, out: TextIO | None = None
) -> dict[str, Any]:
    """Meetings for the first ``estates`` national estates (all without). Returns rows
    per table and the time taken. Raises ``NationalDemocracyExists`` if seeded before,
    ``ValueError`` if the national register is missing."""
    if national_democracy_exists():
        raise NationalDemocracyExists
    chosen = list(
        Estate.objects.filter(organisation__cvr__startswith=NATIONAL_CVR_PREFIX)
        .order_by("id")
        .values_list("id", "organisation_id")
    )
    if estates is not None:
        if estates < 1:
            raise ValueError("Der skal være mindst én afdeling.")
        chosen = chosen[:estates]
    if not chosen:
        raise ValueError("Der er ingen nationale registerdata: kør seed_national først.")
    # About 40 rows per estate and year; the bar only needs to be roughly right.
    progress = Progress(len(chosen) * YEARS * 40, out)
    seeder = _Seeder(seed, timezone.localdate(), timezone.now())
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        next_id = {
            model: (model._default_manager.aggregate(m=models.Max("id"))["m"] or 0) + 1
            for model in TABLES
        }
        for chunk in _chunks(chosen, CHUNK):
            estate_ids = [e for e, _org in chunk]
            households: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for pk, estate_id, moved_in in (
                Household.objects.active()
                .filter(unit__estate_id__in=estate_ids)
                .order_by("id")
                .values_list("id", "unit__estate_id", "moved_in")
            ):
                households[estate_id].append((pk, moved_in.toordinal()))
            residents: dict[int, int] = {}
            for pk, household_id in (
                Resident.objects.filter(household__unit__estate_id__in=estate_ids)
                .order_by("-id")
                .values_list("id", "household_id")
            ):
                residents[household_id] = pk  # the household's first resident wins
            rows = Rows(next_id)
            for estate_id, organisation_id in chunk:
                seeder.estate(rows, estate_id, organisation_id, households[estate_id], residents)
            for model in TABLES:
                columns = _columns(model)
                values = ([row[c] for c in columns] for row in rows.rows[model])
                progress.label = model._meta.model_name or ""
                counts[model._meta.db_table] += copy_rows(
                    model._meta.db_table,
                    columns,
                    values,
                    batch_size=BATCH,
                    on_batch=progress.tick,
                )
            next_id = rows.next_id
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), TABLES):
                    cursor.execute(sql)
        analyze(model._meta.db_table for model in TABLES)
    seconds = progress.close()
    opendata_invalidate()
    return {"rows": dict(counts), "seconds": seconds, "total": sum(counts.values())}
