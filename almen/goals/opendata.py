"""The goals' open-data tables: the framework, and the published goals (public and not
a draft) with what hangs off them. Registered from ``GoalsConfig.ready()`` through
``almen.goals.manifest``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from almen.goals.models import Action, Framework, Goal, Indicator, Measurement, Review
from almen.goals.selectors import calculation, indicator_metadata, with_latest
from almen.lib.opendata import DATE, DECIMAL, INTEGER, TEXT, TIMESTAMP, UUID, Column, Table

# Who is responsible, as published: the kind ("person", "body", "external" or empty),
# the body's kind when a body is, and the external party's name as written. A person's
# name and e-mail are personal data and are not published (decision 0025).
RESPONSIBLE_KIND = Case(
    When(responsible_user__isnull=False, then=Value("person")),
    When(responsible_body__isnull=False, then=Value("body")),
    When(~Q(responsible=""), then=Value("external")),
    default=Value(""),
)
RESPONSIBLE_BODY = Coalesce(F("responsible_body__kind"), Value(""))
RESPONSIBLE_COLUMNS = (
    Column(
        "responsible",
        TEXT,
        _("Den eksterne part, der har ansvaret, som skrevet; tomt for en person eller et organ."),
    ),
    Column(
        "responsible_kind",
        TEXT,
        _(
            "Hvem der har ansvaret: person (en person i organisationen; navnet udgives ikke), "
            "body (et organ), external (en ekstern part) eller tomt."
        ),
    ),
    Column(
        "responsible_body",
        TEXT,
        _(
            "Det ansvarlige organs type: organisationsbestyrelse, afdelingsbestyrelse "
            "(afdelingens) eller repræsentantskab; tomt, hvis ikke et organ."
        ),
    ),
)


def _published() -> QuerySet[Goal]:
    return Goal.objects.published()


def _framework() -> Iterator[tuple[Any, ...]]:
    for framework in (
        Framework.objects.published()
        .order_by("period_start")
        .prefetch_related("cornerstones__commitments", "prerequisites")
    ):
        for cornerstone in framework.cornerstones.all():
            yield (
                framework.slug,
                "cornerstone",
                str(cornerstone.number),
                cornerstone.number,
                cornerstone.title_da,
                cornerstone.title_en,
            )
            for commitment in sorted(cornerstone.commitments.all(), key=lambda c: c.number):
                yield (
                    framework.slug,
                    "commitment",
                    commitment.code,
                    cornerstone.number,
                    commitment.text_da,
                    commitment.text_en,
                )
        for prerequisite in framework.prerequisites.all():
            yield (
                framework.slug,
                "prerequisite",
                prerequisite.code,
                None,
                prerequisite.text_da,
                prerequisite.text_en,
            )


def _goals() -> Iterator[tuple[Any, ...]]:
    published = dict(_published().values_list("pk", "public_id"))
    rows = (
        _published()
        .order_by("organisation__cvr", "title", "pk")
        .annotate(
            published_responsible_kind=RESPONSIBLE_KIND, responsible_body_kind=RESPONSIBLE_BODY
        )
        .values_list(
            "public_id",
            "framework__slug",
            "organisation__cvr",
            "estate__public_id",
            "estate__municipality__code",
            "organisation__municipality__code",
            "title",
            "local_context",
            "responsible",
            "published_responsible_kind",
            "responsible_body_kind",
            "status",
            "period_start",
            "period_end",
            "adopted_on",
            "decision_reference",
            "review_interval_months",
            "inspired_by_id",
            "inspired_by_label",
            "updated_at",
        )
        .iterator(chunk_size=2000)
    )
    for row in rows:
        (*head, estate_municipality, org_municipality) = row[:6]
        source_id, label, updated_at = row[17], row[18], row[19]
        # The source goal is named only while it is itself published; the credit label
        # survives a deleted source (it was public when copied) but not a withdrawn one.
        source = published.get(source_id) if source_id else None
        if source_id and source is None:
            label = ""
        yield (
            *head,
            estate_municipality or org_municipality,
            *row[6:17],
            source,
            label,
            updated_at,
        )


def _goal_links(through: Any, field: str) -> Iterator[tuple[Any, ...]]:
    yield from (
        through.objects.filter(goal__in=_published())
        .order_by("goal_id", f"{field}__code")
        .values_list("goal__public_id", f"{field}__code")
    )


def _indicators() -> Iterator[tuple[Any, ...]]:
    indicators = with_latest(
        Indicator.objects.filter(goal__in=_published()).annotate(
            goal_public_id=F("goal__public_id")
        )
    ).order_by("goal_id", "title", "pk")
    for indicator in indicators.iterator(chunk_size=2000):
        calc = calculation(indicator)
        meta = indicator_metadata(indicator)
        yield (
            indicator.public_id,
            indicator.goal_public_id,  # type: ignore[attr-defined]
            indicator.title,
            indicator.unit,
            indicator.direction,
            indicator.baseline_value,
            indicator.baseline_date,
            indicator.target_value,
            indicator.target_date,
            indicator.tolerance,
            indicator.source,
            indicator.metric_key,
            calc.status.value,
            calc.method,
            calc.latest,
            calc.latest_date,
            calc.actual_rate,
            calc.required_rate,
            calc.ratio,
            meta.definition,
            meta.source,
            meta.method,
            meta.measured_by,
            indicator.frequency,
        )


def _measurements() -> Iterator[tuple[Any, ...]]:
    yield from (
        Measurement.objects.filter(indicator__goal__in=_published())
        .order_by("indicator_id", "date")
        .values_list("indicator__public_id", "date", "value", "note", "evidence_url", "source")
        .iterator(chunk_size=5000)
    )


def _actions() -> Iterator[tuple[Any, ...]]:
    yield from (
        Action.objects.filter(goals__in=_published())
        .distinct()
        .order_by("organisation__cvr", "due", "title", "public_id")
        .annotate(
            published_responsible_kind=RESPONSIBLE_KIND, responsible_body_kind=RESPONSIBLE_BODY
        )
        .values_list(
            "public_id",
            "organisation__cvr",
            "estate__public_id",
            "title",
            "responsible",
            "published_responsible_kind",
            "responsible_body_kind",
            "start",
            "due",
            "status",
            "budget_dkk",
        )
    )


def _action_goals() -> Iterator[tuple[Any, ...]]:
    yield from (
        Action.goals.through.objects.filter(goal__in=_published())
        .order_by("action_id", "goal_id")
        .values_list("action__public_id", "goal__public_id")
    )


def _reviews() -> Iterator[tuple[Any, ...]]:
    yield from (
        Review.objects.filter(goal__in=_published())
        .order_by("goal_id", "date", "pk")
        .values_list("goal__public_id", "date", "assessment", "worked", "did_not_work", "change")
        .iterator(chunk_size=2000)
    )


GOAL_ID = Column("goal_id", UUID, _("Målets id (goals.id)."))
INDICATOR_UNIT = _("indikatorens enhed (kolonnen unit)")

TABLES: tuple[Table, ...] = (
    Table(
        "framework",
        _(
            "Rammeværket Almene mål: pejlemærker, »Derfor vil vi«-punkter og "
            "forudsætninger, på dansk og engelsk."
        ),
        (
            Column("framework", TEXT, _("Rammeværkets korte navn (fx 2026-2028).")),
            Column(
                "kind",
                TEXT,
                _("cornerstone (pejlemærke), commitment (punkt) eller prerequisite."),
            ),
            Column("code", TEXT, _("Kode: pejlemærkets nummer, punktets kode (1.1) eller F1.")),
            Column("cornerstone", INTEGER, _("Pejlemærkets nummer (tomt for forudsætninger).")),
            Column("text_da", TEXT, _("Titel eller tekst på dansk.")),
            Column("text_en", TEXT, _("Titel eller tekst på engelsk.")),
        ),
        _framework,
    ),
    Table(
        "goals",
        _("Offentliggjorte lokale mål (offentlige og ikke kladder)."),
        (
            Column("id", UUID, _("Målets id (som i API'et og på /maal/<id>/).")),
            Column("framework", TEXT, _("Rammeværket (framework.framework).")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column(
                "estate_id", UUID, _("Afdelingens id (estates.id); tomt for et organisationsmål.")
            ),
            Column(
                "municipality_code",
                TEXT,
                _("Afdelingens kommune; for et organisationsmål organisationens."),
            ),
            Column("title", TEXT, _("Målets titel.")),
            Column("local_context", TEXT, _("Hvorfor målet er vigtigt netop her.")),
            *RESPONSIBLE_COLUMNS,
            Column("status", TEXT, _("adopted (vedtaget) eller ended (afsluttet).")),
            Column("period_start", DATE, _("Periodens start.")),
            Column("period_end", DATE, _("Periodens slutning.")),
            Column("adopted_on", DATE, _("Vedtaget den.")),
            Column("decision_reference", TEXT, _("Henvisning til beslutningen.")),
            Column(
                "review_interval_months", INTEGER, _("Hvor ofte der gøres status."), _("måneder")
            ),
            Column("inspired_by", UUID, _("Det offentliggjorte mål, dette er kopieret fra.")),
            Column("inspired_by_label", TEXT, _("Kildemålets titel og organisation.")),
            Column("updated_at", TIMESTAMP, _("Senest ændret.")),
        ),
        _goals,
    ),
    Table(
        "goal_commitments",
        _("Hvilke »Derfor vil vi«-punkter hvert mål arbejder med."),
        (GOAL_ID, Column("commitment_code", TEXT, _("Punktets kode (framework.code), fx 1.1."))),
        lambda: _goal_links(Goal.commitments.through, "commitment"),
    ),
    Table(
        "goal_prerequisites",
        _("Hvilke forudsætninger hvert mål arbejder med."),
        (GOAL_ID, Column("prerequisite_code", TEXT, _("Forudsætningens kode, fx F1."))),
        lambda: _goal_links(Goal.prerequisites.through, "prerequisite"),
    ),
    Table(
        "indicators",
        _(
            "Indikatorer for de offentliggjorte mål med beregnet status "
            "(Statistics Canadas metode, som Open SDG)."
        ),
        (
            Column("id", UUID, _("Indikatorens id.")),
            GOAL_ID,
            Column("title", TEXT, _("Navn.")),
            Column("unit", TEXT, _("Enheden for alle indikatorens værdier (fx %, kWh/m², antal).")),
            Column(
                "direction",
                TEXT,
                _("increase (skal stige), decrease (skal falde) eller maintain (skal fastholdes)."),
            ),
            Column("baseline_value", DECIMAL, _("Udgangspunkt."), INDICATOR_UNIT),
            Column("baseline_date", DATE, _("Udgangspunktets dato.")),
            Column("target_value", DECIMAL, _("Mål."), INDICATOR_UNIT),
            Column("target_date", DATE, _("Måldato.")),
            Column(
                "tolerance",
                DECIMAL,
                _("Tilladt udsving for værdier, der skal fastholdes."),
                INDICATOR_UNIT,
            ),
            Column(
                "source",
                TEXT,
                _("manual (indtastet), imported (importeret) eller metric (beregnet af Almen)."),
            ),
            Column("metric_key", TEXT, _("Det tal, Almen beregner (kun for source = metric).")),
            Column(
                "status",
                TEXT,
                _(
                    "Beregnet status: target_achieved, substantial_progress, "
                    "moderate_progress, limited_progress, deterioration eller no_data."
                ),
            ),
            Column(
                "method",
                TEXT,
                _("Beregningsmetode: compound, linear, maintain, achieved eller none."),
            ),
            Column("latest_value", DECIMAL, _("Seneste måling."), INDICATOR_UNIT),
            Column("latest_date", DATE, _("Seneste målings dato.")),
            Column(
                "actual_rate",
                DECIMAL,
                _("Faktisk udvikling pr. år siden udgangspunktet."),
                _("pr. år"),
            ),
            Column(
                "required_rate",
                DECIMAL,
                _("Nødvendig udvikling pr. år for at nå målet."),
                _("pr. år"),
            ),
            Column("ratio", DECIMAL, _("Faktisk ÷ nødvendig udvikling (1 = præcis på sporet).")),
            # The metadata (Open SDG's metadata tab); for source = metric the metric's own.
            Column("definition", TEXT, _("Hvad indikatoren måler præcist.")),
            Column("data_source", TEXT, _("Hvor tallene kommer fra.")),
            Column("data_method", TEXT, _("Hvordan tallene opgøres.")),
            Column("measured_by", TEXT, _("Hvem der måler.")),
            Column(
                "frequency",
                TEXT,
                _(
                    "Hvor ofte der måles: monthly, quarterly, half_yearly, yearly, biennial, "
                    "irregular eller tom (ikke oplyst)."
                ),
            ),
        ),
        _indicators,
    ),
    Table(
        "measurements",
        _("Målinger for indikatorerne."),
        (
            Column("indicator_id", UUID, _("Indikatorens id (indicators.id).")),
            Column("date", DATE, _("Målingens dato.")),
            Column("value", DECIMAL, _("Den målte værdi."), INDICATOR_UNIT),
            Column("note", TEXT, _("Note.")),
            Column("evidence_url", TEXT, _("Link til dokumentation.")),
            Column("source", TEXT, _("manual, imported eller metric.")),
        ),
        _measurements,
    ),
    Table(
        "actions",
        _("Indsatser, der tjener mindst ét offentliggjort mål."),
        (
            Column("id", UUID, _("Indsatsens id.")),
            Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer.")),
            Column("estate_id", UUID, _("Afdelingens id; tomt for en organisationsindsats.")),
            Column("title", TEXT, _("Titel.")),
            *RESPONSIBLE_COLUMNS,
            Column("start", DATE, _("Start.")),
            Column("due", DATE, _("Frist.")),
            Column("status", TEXT, _("planned, in_progress, done eller cancelled.")),
            Column("budget_dkk", DECIMAL, _("Budget."), _("kr.")),
        ),
        _actions,
    ),
    Table(
        "action_goals",
        _("Hvilke offentliggjorte mål hver indsats tjener."),
        (Column("action_id", UUID, _("Indsatsens id (actions.id).")), GOAL_ID),
        _action_goals,
    ),
    Table(
        "reviews",
        _("Status på de offentliggjorte mål: hvad virkede, hvad virkede ikke, hvad ændres."),
        (
            GOAL_ID,
            Column("date", DATE, _("Dato.")),
            Column("assessment", TEXT, _("on_track, at_risk eller off_track.")),
            Column("worked", TEXT, _("Hvad virkede.")),
            Column("did_not_work", TEXT, _("Hvad virkede ikke.")),
            Column("change", TEXT, _("Hvad ændres.")),
        ),
        _reviews,
    ),
)
