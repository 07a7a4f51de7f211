"""The democracy's open-data tables: the published, public decisions of the decision
register, and the metadata of published minutes of afdelingsmøder (when, how many
households came; never a name, never the minutes' text)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from almen.democracy import stats_selectors
from almen.democracy.models import RESIDENTS_MEETINGS, Decision, Meeting, Minutes
from almen.lib import versions
from almen.lib.opendata import DATE, INTEGER, TEXT, TIMESTAMP, UUID, Column, Table
from almen.lib.visibility import Visibility


def published_decisions() -> QuerySet[Decision]:
    return Decision.objects.filter(visibility=Visibility.PUBLIC, published_at__isnull=False)


def published_minutes_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        kind__in=[k.value for k in RESIDENTS_MEETINGS], minutes__published_at__isnull=False
    )


def _decisions() -> Iterator[tuple[Any, ...]]:
    yield from (
        published_decisions()
        .order_by("organisation__cvr", "decided_on", "id")
        .values_list(
            "public_id",
            "organisation__cvr",
            "estate__number",
            "forum",
            "decided_on",
            "title",
            "text",
            "outcome",
            "votes_for",
            "votes_against",
            "votes_blank",
            "published_at",
        )
        .iterator(chunk_size=2000)
    )


def _minutes() -> Iterator[tuple[Any, ...]]:
    meetings = published_minutes_meetings().select_related("organisation", "estate", "minutes")
    for f in stats_selectors.meeting_figures(meetings.order_by("starts_at", "id")):
        m = f.meeting
        yield (
            m.public_id,
            m.organisation.cvr,
            m.estate.number if m.estate else None,
            m.kind,
            m.meeting_on,
            m.minutes.published_at,
            f.households_present,
            f.roll_size,
        )


VERSION_KEY = "democracy:opendata:version"


def democracy_version() -> int:
    """Bumped whenever a decision, minutes or a meeting is saved or deleted (signals,
    connected by ``stats_manifest``), so the open-data zip is rebuilt; a cache read, no
    query (the cached zip is served without touching the database)."""
    return versions.current(VERSION_KEY)


def cached_on_democracy[T](key: str, compute: Callable[[], T], seconds: int = 15 * 60) -> T:
    """``compute()`` once per democracy data version (decision 0029): the same for every
    reader of ``key``'s scope until a meeting, its minutes or a decision changes."""
    versioned = f"{key}:v{democracy_version()}"
    found = cache.get(versioned)
    if found is None:
        found = compute()
        cache.set(versioned, found, seconds)
    return found


def opendata_invalidate(**_kwargs: Any) -> None:
    versions.bump(VERSION_KEY)


def connect_signals() -> None:
    """Whoever publishes decisions or minutes (the parts' services, the demo, the
    admin), the published tables change with them."""
    for model in (Decision, Minutes, Meeting):
        post_save.connect(opendata_invalidate, sender=model, dispatch_uid=f"opendata-{model}")
        post_delete.connect(opendata_invalidate, sender=model, dispatch_uid=f"opendata-del-{model}")


CVR = Column("organisation_cvr", TEXT, _("Boligorganisationens CVR-nummer (organisations.cvr)."))
ESTATE = Column(
    "estate_number",
    INTEGER,
    _("Afdelingens nummer i boligorganisationen (estates.number); tomt for organisationen."),
)

TABLES = (
    Table(
        "decisions",
        _(
            "Offentliggjorte beslutninger i beslutningsprotokollen: afdelingsmøders, "
            "bestyrelsers og repræsentantskabers beslutninger, der er gjort offentlige."
        ),
        (
            Column("id", UUID, _("Beslutningens id.")),
            CVR,
            ESTATE,
            Column(
                "forum",
                TEXT,
                _(
                    "Hvem der besluttede: afdelingsmoede, afdelingsbestyrelse, "
                    "organisationsbestyrelse, repraesentantskab eller urafstemning."
                ),
            ),
            Column("decided_on", DATE, _("Datoen for beslutningen.")),
            Column("title", TEXT, _("Beslutningens overskrift.")),
            Column("text", TEXT, _("Beslutningen, som den står i protokollen.")),
            Column(
                "outcome",
                TEXT,
                _("Resultatet: vedtaget, forkastet, noteret, valgt eller tomt."),
            ),
            Column("votes_for", INTEGER, _("Stemmer for (2 pr. husstand)."), _("stemmer")),
            Column("votes_against", INTEGER, _("Stemmer imod."), _("stemmer")),
            Column("votes_blank", INTEGER, _("Blanke stemmer."), _("stemmer")),
            Column("published_at", TIMESTAMP, _("Hvornår beslutningen blev offentliggjort.")),
        ),
        _decisions,
    ),
    Table(
        "minutes",
        _(
            "Offentliggjorte referater af afdelingsmøder: hvornår mødet blev holdt, hvornår "
            "referatet kom, og hvor mange husstande der var til stede. Ingen navne og ikke "
            "referatets tekst."
        ),
        (
            Column("meeting_id", UUID, _("Mødets id.")),
            CVR,
            ESTATE,
            Column("kind", TEXT, _("Mødetypen: ordinaert eller ekstraordinaert.")),
            Column("meeting_date", DATE, _("Mødets dato.")),
            Column("published_at", TIMESTAMP, _("Hvornår referatet blev offentliggjort.")),
            Column(
                "households_present",
                INTEGER,
                _("Husstande til stede, selv eller ved fuldmagt."),
                _("husstande"),
            ),
            Column(
                "roll_size",
                INTEGER,
                _("Husstande på listen over stemmeberettigede på skæringsdagen."),
                _("husstande"),
            ),
        ),
        _minutes,
    ),
)
