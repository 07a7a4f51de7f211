"""The secret ballots in the REST API at /api/v1 (issue 9, item 9): the ballots a caller
may see, a ballot with its options, its published result and its bulletin. Read only.

Who sees what is ``democracy/access.py``'s, asked with the caller as a principal
(``stats_api.democracy_principal``, the same rule as the meetings):

- Without a token the call is anonymous: the ballots whose result is published and
  whose visibility is public, with their results and bulletins.
- A token with ``democracy:read`` acts for its organisation like its staff: every
  ballot of its organisation that is no longer a draft; results and bulletins once
  published. A token without that scope reads like an anonymous caller.

Never a draft, never a result before it is published, and never who took part: the
participation rows are not in the API (the bulletin is the box: tracker codes and
choices, no household). Anything not visible answers 404, as if it did not exist.
"""

import datetime as dt
import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from almen.access.policy import Principal
from almen.democracy import ballots_box
from almen.democracy.access import (
    can_read_ballot,
    can_read_decision,
    can_read_published_result,
    readable_ballots,
)
from almen.democracy.bulletin_verify import FORMAT
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotKind,
    BallotPurpose,
    BallotState,
)
from almen.democracy.stats_api import _Shaped, democracy_principal
from almen.democracy.stats_selectors import share
from almen.lib.api import ErrorOut, Pagination

router = Router(tags=["beboerdemokrati"])

SHOWN_STATES = [s.value for s in BallotState if s != BallotState.DRAFT]


def _pattern(values: list[str]) -> str:
    return "^(" + "|".join(values) + ")$"


# --- schemas ----------------------------------------------------------------------------


class BallotOut(Schema):
    id: uuid.UUID = Field(description="Afstemningens offentlige id.")
    organisation_cvr: str
    estate_id: uuid.UUID = Field(description="Afdelingens id.")
    estate_number: int
    title: str
    question: str = Field(description="Hvad der stemmes om.")
    kind: str = Field(description="ja_nej, et_valg eller valg (bestyrelse og suppleanter).")
    purpose: str = Field(
        description="urafstemning, efter_moedet (digital afstemning efter mødet) eller "
        "salen (skriftlig afstemning i salen)."
    )
    state: str = Field(description="aaben, lukket, optalt eller offentliggjort.")
    roll_on: dt.date = Field(description="Skæringsdatoen for stemmeretten.")
    opens_at: dt.datetime
    closes_at: dt.datetime
    seats: int | None = Field(description="Pladser i bestyrelsen (kun valg).")
    substitute_seats: int = Field(description="Suppleanter (kun valg).")
    result_published_at: dt.datetime | None = Field(
        description="Hvornår resultatet blev offentliggjort; tomt før."
    )


class OptionOut(Schema):
    position: int = Field(description="Mulighedens nummer på stemmesedlen, fra 1.")
    kind: str = Field(description="ja, nej, blank, mulighed eller kandidat.")
    label: str


class BallotDetailOut(BallotOut):
    options: list[OptionOut]


class OptionResultOut(OptionOut):
    votes: int = Field(description="Stemmer i alt (2 pr. husstand).")
    votes_digital: int
    votes_hall: int = Field(description="Stemmesedler i salen.")
    votes_paper: int = Field(description="Brevstemmer på papir.")


class ResultOut(Schema):
    ballot_id: uuid.UUID
    state: str
    counted_at: dt.datetime | None
    published_at: dt.datetime | None
    options: list[OptionResultOut]
    votes: int = Field(description="Afgivne stemmer i alt, blanke medregnet.")
    votes_blank: int
    votes_digital: int
    votes_hall: int
    votes_paper: int
    households: int = Field(description="Husstande, der stemte.")
    roll: int = Field(description="Husstande på listen over stemmeberettigede.")
    possible_votes: int = Field(description="2 stemmer pr. husstand på listen.")
    turnout: float | None = Field(
        description="Husstande, der stemte, i procent af husstandene på listen."
    )
    decision_id: uuid.UUID | None = Field(
        description="Beslutningen, afstemningen førte til, hvis du kan se den."
    )


class EntryOut(Schema):
    seq: int = Field(description="Nummer i urnen, fra 1.")
    batch: int = Field(description="Den blandede portion, stemmen kom i urnen med.")
    tracker: str = Field(description="Kvitteringskoden, fx K7F-3QX-M2P.")
    marks: str = Field(description="De valgte muligheders numre, kommasepareret.")
    weight: int = Field(description="1 eller 2 stemmer på sedlen.")
    prev_hash: str
    hash: str = Field(description="SHA-256 af den forrige hash og stemmens felter.")


class OptionTallyOut(Schema):
    digital: int | None = None
    salen: int | None = None
    papir: int | None = None
    total: int | None = None


class TallyOut(Schema):
    """The count as ``ballots_box.tally`` stored it when the ballot was counted."""

    options: dict[str, OptionTallyOut] | None = None
    blank: int | None = None
    votes: int | None = None
    votes_digital: int | None = None
    votes_hall: int | None = None
    votes_paper: int | None = None
    households: int | None = None
    roll: int | None = None
    possible_votes: int | None = None
    box_size: int | None = None
    chain_head: str | None = None
    kind: str | None = None


class BulletinBallotOut(Schema):
    id: uuid.UUID
    organisation_cvr: str
    estate_number: int
    title: str
    question: str
    kind: str
    purpose: str
    roll_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    counted_at: dt.datetime | None
    published_at: dt.datetime | None


class BulletinOut(Schema):
    format: str = Field(description="almen-ballot-v1.")
    ballot: BulletinBallotOut
    options: list[OptionOut]
    entries: list[EntryOut]
    chain_head: str = Field(description="Den sidste stemmes hash.")
    tally: TallyOut


class BallotFilter(Schema):
    organisation: str | None = Field(None, pattern=r"^\d{8}$", description="CVR-nummer.")
    estate: uuid.UUID | None = Field(None, description="Afdelingens id.")
    kind: str | None = Field(None, pattern=_pattern(list(BallotKind.values)))
    purpose: str | None = Field(None, pattern=_pattern(list(BallotPurpose.values)))
    state: str | None = Field(None, pattern=_pattern(SHOWN_STATES))


# --- shaping ----------------------------------------------------------------------------


def _ballot_out(ballot: Ballot) -> dict[str, Any]:
    estate = ballot.estate
    return {
        "id": ballot.public_id,
        "organisation_cvr": estate.organisation.cvr,
        "estate_id": estate.public_id,
        "estate_number": estate.number,
        "title": ballot.title,
        "question": ballot.question,
        "kind": ballot.kind,
        "purpose": ballot.purpose,
        "state": ballot.state,
        "roll_on": ballot.roll_on,
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "seats": ballot.seats,
        "substitute_seats": ballot.substitute_seats,
        "result_published_at": ballot.published_at
        if ballot.state == BallotState.PUBLISHED
        else None,
    }


def _options(ballot: Ballot) -> list[dict[str, Any]]:
    return [
        {"position": position, "kind": kind, "label": label}
        for position, kind, label in ballot.options.order_by("position").values_list(
            "position", "kind", "label"
        )
    ]


def _ballots() -> QuerySet[Ballot]:
    return Ballot.objects.select_related("estate", "estate__organisation", "decision")


def _ballot_or_404(request: HttpRequest, ballot_id: uuid.UUID) -> tuple[Ballot, Principal]:
    p = democracy_principal(request)
    ballot = _ballots().exclude(state=BallotState.DRAFT).filter(public_id=ballot_id).first()
    if ballot is None or not can_read_ballot(p, ballot):
        raise HttpError(404, _("Ingen afstemning med id %(id)s.") % {"id": ballot_id})
    return ballot, p


def _published_or_404(request: HttpRequest, ballot_id: uuid.UUID) -> tuple[Ballot, Principal]:
    ballot, p = _ballot_or_404(request, ballot_id)
    if not can_read_published_result(p, ballot):
        raise HttpError(404, _("Resultatet af afstemningen er ikke offentliggjort endnu."))
    return ballot, p


def _tally(ballot: Ballot) -> dict[str, Any]:
    """The count stored when the ballot was counted (a published ballot without one,
    which the admin part does not make, is counted again from the rows)."""
    return ballot.tally if isinstance(ballot.tally, dict) else ballots_box.tally(ballot)


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def bulletin_data(ballot: Ballot) -> dict[str, Any]:
    """The bulletin of a counted ballot: the ballot, its options, every entry of the
    box in chain order, the chain head and the stored tally (``bulletin_verify``'s
    format). The audit part's ``ballots_bulletin.bulletin_data`` has the same keys; the
    integrator may point this endpoint at that one."""
    estate = ballot.estate
    entries = BallotEntry.objects.filter(ballot=ballot).order_by("seq")
    return {
        "format": FORMAT,
        "ballot": {
            "id": ballot.public_id,
            "organisation_cvr": estate.organisation.cvr,
            "estate_number": estate.number,
            "title": ballot.title,
            "question": ballot.question,
            "kind": ballot.kind,
            "purpose": ballot.purpose,
            "roll_on": ballot.roll_on,
            "opens_at": ballot.opens_at,
            "closes_at": ballot.closes_at,
            "counted_at": ballot.counted_at,
            "published_at": ballot.published_at,
        },
        "options": _options(ballot),
        "entries": [
            {
                "seq": seq,
                "batch": batch,
                "tracker": tracker,
                "marks": marks,
                "weight": weight,
                "prev_hash": prev_hash,
                "hash": digest,
            }
            for seq, batch, tracker, marks, weight, prev_hash, digest in entries.values_list(
                "seq", "batch", "tracker", "marks", "weight", "prev_hash", "hash"
            ).iterator(chunk_size=5000)
        ],
        "chain_head": ballot.chain_head,
        "tally": _tally(ballot),
    }


# --- endpoints --------------------------------------------------------------------------


@router.get(
    "",
    response=list[BallotOut],
    summary="Hemmelige afstemninger",
    description="Urafstemninger, digitale afstemninger efter møder, skriftlige "
    "afstemninger i salen og valg, som du kan se: uden token de offentlige, hvis "
    "resultat er offentliggjort; med et API-token med democracy:read alle "
    "organisationens (aldrig en kladde). Sideinddelt (limit/offset). Filtrér med "
    "organisation (CVR), estate (afdelingens id), kind, purpose og state. Nyeste først.",
)
@paginate(Pagination)
def ballots(request: HttpRequest, filters: Query[BallotFilter]) -> Any:
    queryset = readable_ballots(democracy_principal(request))
    if filters.organisation:
        queryset = queryset.filter(estate__organisation__cvr=filters.organisation)
    if filters.estate:
        queryset = queryset.filter(estate__public_id=filters.estate)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.purpose:
        queryset = queryset.filter(purpose=filters.purpose)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    ordered = queryset.select_related("estate", "estate__organisation").order_by("-opens_at", "-id")
    return _Shaped(ordered, _ballot_out)


@router.get(
    "/{ballot_id}",
    response={200: BallotDetailOut, 404: ErrorOut},
    summary="Én afstemning med dens muligheder",
    description="404, hvis afstemningen ikke findes, er en kladde eller ikke er synlig for dig.",
)
def ballot_detail(request: HttpRequest, ballot_id: uuid.UUID) -> dict[str, Any]:
    ballot, _p = _ballot_or_404(request, ballot_id)
    return {**_ballot_out(ballot), "options": _options(ballot)}


@router.get(
    "/{ballot_id}/result",
    response={200: ResultOut, 404: ErrorOut},
    summary="En afstemnings offentliggjorte resultat",
    description="Stemmer pr. mulighed (digitalt, i salen, på papir), blanke stemmer og "
    "deltagelsen (husstande og stemmer). Aldrig hvem der stemte. 404, før resultatet "
    "er offentliggjort.",
)
def ballot_result(request: HttpRequest, ballot_id: uuid.UUID) -> dict[str, Any]:
    ballot, p = _published_or_404(request, ballot_id)
    tally = _tally(ballot)
    counts = tally.get("options") or {}
    options = []
    for option in _options(ballot):
        row = counts.get(str(option["position"])) or {}
        options.append(
            {
                **option,
                "votes": _int(row.get("total")),
                "votes_digital": _int(row.get("digital")),
                "votes_hall": _int(row.get("salen")),
                "votes_paper": _int(row.get("papir")),
            }
        )
    households, roll = _int(tally.get("households")), _int(tally.get("roll"))
    turnout = share(households, roll)
    decision = ballot.decision
    decision_visible = (
        decision is not None
        and decision.published_at is not None
        and can_read_decision(p, decision)
    )
    return {
        "ballot_id": ballot.public_id,
        "state": ballot.state,
        "counted_at": ballot.counted_at,
        "published_at": ballot.published_at,
        "options": options,
        "votes": _int(tally.get("votes")),
        "votes_blank": _int(tally.get("blank")),
        "votes_digital": _int(tally.get("votes_digital")),
        "votes_hall": _int(tally.get("votes_hall")),
        "votes_paper": _int(tally.get("votes_paper")),
        "households": households,
        "roll": roll,
        "possible_votes": _int(tally.get("possible_votes")),
        "turnout": float(turnout) if turnout is not None else None,
        "decision_id": decision.public_id if decision_visible and decision else None,
    }


@router.get(
    "/{ballot_id}/bulletin",
    response={200: BulletinOut, 404: ErrorOut},
    summary="En afstemnings opslag (urnen)",
    description="Hver stemme i urnen med kvitteringskode, valg, vægt og hash, i kædens "
    "rækkefølge, kædens sidste hash og optællingen: det samme som opslagets JSON-fil, "
    "som bulletin_verify.py kontrollerer. Ingen husstande og intet tidspunkt for den "
    "enkelte stemme. 404, før resultatet er offentliggjort.",
)
def ballot_bulletin(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    ballot, _p = _published_or_404(request, ballot_id)
    # Written straight out (the box of a large estate holds tens of thousands of
    # entries); the document above describes the same shape.
    return HttpResponse(
        json.dumps(bulletin_data(ballot), cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
