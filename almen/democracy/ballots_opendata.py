"""The secret ballots in the open-data zip: the published results of public ballots
(one row per ballot with its turnout, one row per option with its votes). Never who
took part; not the bulletins (each is in the API, ``/api/v1/ballots/{id}/bulletin``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from almen.democracy.models import Ballot, BallotOption, BallotState
from almen.democracy.opendata import CVR, ESTATE
from almen.democracy.stats_selectors import share
from almen.lib.opendata import DATE, DECIMAL, INTEGER, TEXT, TIMESTAMP, UUID, Column, Table
from almen.lib.visibility import Visibility


def published_ballots() -> QuerySet[Ballot]:
    """What anyone may read: the public ballots whose result is published (the same
    as ``access.readable_ballots`` of an anonymous caller)."""
    return Ballot.objects.filter(state=BallotState.PUBLISHED, visibility=Visibility.PUBLIC)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _ballots() -> Iterator[tuple[Any, ...]]:
    rows = (
        published_ballots()
        .order_by("estate__organisation__cvr", "closes_at", "id")
        .values_list(
            "public_id",
            "estate__organisation__cvr",
            "estate__number",
            "kind",
            "purpose",
            "title",
            "question",
            "roll_on",
            "opens_at",
            "closes_at",
            "published_at",
            "tally",
            "decision__public_id",
            "decision__published_at",
            "decision__visibility",
        )
    )
    for *fields, tally, decision_id, decision_published, decision_visibility in rows.iterator(
        chunk_size=500
    ):
        tally = tally if isinstance(tally, dict) else {}
        households, roll = _int(tally.get("households")), _int(tally.get("roll"))
        public_decision = decision_published is not None and (
            decision_visibility == Visibility.PUBLIC
        )
        yield (
            *fields,
            roll,
            households,
            _int(tally.get("votes")),
            _int(tally.get("blank")),
            share(households, roll) if households is not None and roll else None,
            decision_id if public_decision else None,
        )


def _results() -> Iterator[tuple[Any, ...]]:
    tallies = dict(published_ballots().values_list("pk", "tally"))
    options = (
        BallotOption.objects.filter(ballot_id__in=published_ballots().values("pk"))
        .order_by("ballot__public_id", "position")
        .values_list("ballot_id", "ballot__public_id", "position", "kind", "label")
    )
    for ballot_pk, ballot_id, position, kind, label in options.iterator(chunk_size=2000):
        tally = tallies.get(ballot_pk)
        counts = (tally or {}).get("options", {}) if isinstance(tally, dict) else {}
        row = counts.get(str(position)) or {}
        yield (
            ballot_id,
            position,
            kind,
            label,
            _int(row.get("total")),
            _int(row.get("digital")),
            _int(row.get("salen")),
            _int(row.get("papir")),
        )


VOTES = _("stemmer")
HOUSEHOLDS = _("husstande")

TABLES = (
    Table(
        "ballots",
        _(
            "Hemmelige afstemninger med offentliggjort resultat, som afdelingen har gjort "
            "offentlige: urafstemninger, digitale afstemninger efter møder, skriftlige "
            "afstemninger i salen og valg. Hvor mange husstande der stemte, aldrig hvem."
        ),
        (
            Column("id", UUID, _("Afstemningens id (som i API'et).")),
            CVR,
            ESTATE,
            Column("kind", TEXT, _("Typen: ja_nej, et_valg eller valg.")),
            Column(
                "purpose",
                TEXT,
                _("Afstemningsformen: urafstemning, efter_moedet eller salen."),
            ),
            Column("title", TEXT, _("Afstemningens overskrift.")),
            Column("question", TEXT, _("Hvad der blev stemt om.")),
            Column("roll_on", DATE, _("Skæringsdatoen for stemmeretten.")),
            Column("opens_at", TIMESTAMP, _("Hvornår afstemningen åbnede.")),
            Column("closes_at", TIMESTAMP, _("Hvornår afstemningen lukkede.")),
            Column("published_at", TIMESTAMP, _("Hvornår resultatet blev offentliggjort.")),
            Column(
                "roll_size",
                INTEGER,
                _("Husstande på listen over stemmeberettigede."),
                HOUSEHOLDS,
            ),
            Column("households_voted", INTEGER, _("Husstande, der stemte."), HOUSEHOLDS),
            Column("votes", INTEGER, _("Afgivne stemmer i alt (2 pr. husstand)."), VOTES),
            Column("votes_blank", INTEGER, _("Blanke stemmer."), VOTES),
            Column(
                "turnout",
                DECIMAL,
                _("Husstande, der stemte, i procent af husstandene på listen."),
                _("procent"),
            ),
            Column(
                "decision_id",
                UUID,
                _("Beslutningen i beslutningsprotokollen (decisions.id), når den er offentlig."),
            ),
        ),
        _ballots,
    ),
    Table(
        "ballot_results",
        _("Stemmerne pr. mulighed i de offentlige afstemninger i ballots."),
        (
            Column("ballot_id", UUID, _("Afstemningen (ballots.id).")),
            Column("position", INTEGER, _("Mulighedens nummer på stemmesedlen.")),
            Column("kind", TEXT, _("ja, nej, blank, mulighed eller kandidat.")),
            Column("label", TEXT, _("Muligheden, som den stod på stemmesedlen.")),
            Column("votes", INTEGER, _("Stemmer i alt."), VOTES),
            Column("votes_digital", INTEGER, _("Stemmer afgivet digitalt."), VOTES),
            Column("votes_hall", INTEGER, _("Stemmesedler i salen."), VOTES),
            Column("votes_paper", INTEGER, _("Brevstemmer på papir."), VOTES),
        ),
        _results,
    ),
)
