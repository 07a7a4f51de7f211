"""A module plugs in through the registries (almen/lib/registry.py) and nothing else:
withdraw one app's registrations and its open-data tables, home panels, metrics,
notification kinds, API router and pages go, while every other module's stay and every
home page still answers 200.

The URL conf is rebuilt from the route registry inside the ``with`` block, so a page
that still named a withdrawn module's URL would fail here (NoReverseMatch, a 500)."""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, clear_url_caches, resolve

from almen.access.policy import principal_for
from almen.conftest import PERSONA_KEYS
from almen.lib import demo, menu, metrics, notifications, opendata, panels, routes
from almen.lib.registry import registries, withdrawn
from almen.register.demo import ORGANISATIONS, Persona
from almen.register.models import Estate

pytestmark = pytest.mark.django_db

ORG_A = ORGANISATIONS[0][0]


@pytest.fixture(autouse=True)
def own_cache(settings) -> None:
    """A cache of this process's own, so clearing it (cold caches for honest query
    counts) never flushes a Redis other test runs share."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "m"}
    }


# What each module shows, where: (persona, text on that persona's home page).
PANEL_TEXT = {
    "goals": [
        ("resident_a", "Det arbejder jeres afdeling med"),
        ("estate_board_a", "Kræver opmærksomhed"),
        ("org_staff", "Kræver opmærksomhed"),
        ("sector_staff", "Almene mål i hele landet"),
    ],
    "dialogue": [("municipality_officer", 'href="/styringsdialog/"')],
    "web": [
        ("anonymous", "Med i Almen"),
        ("resident_a", "Din afdeling"),
        ("estate_board_a", "Din afdelingsbestyrelse"),
        ("org_staff", "Din boligorganisation"),
        ("org_staff", "Seneste ændringer"),
        ("municipality_officer", "Boligorganisationer i"),
        ("sector_staff", "Hele sektoren"),
    ],
}
# The web's organisation and estate pages carry other modules' sections.
SECTION_TEXT = {"goals": ["Organisationens mål", "Afdelingens mål"]}
# Each module's main-menu items on the staff home page (almen/lib/menu.py); the
# register adds none of its own (it gives the menu the person's places).
MENU_TEXT = {
    "goals": ["<span>Inspiration</span>", "<span>Nationalt billede</span>"],
    "dialogue": ["<span>Styringsdialog</span>"],
    "imports": ["<span>Import</span>"],
    "web": ["<span>Forside</span>", "<span>Din boligorganisation</span>"],
}
# A page of each module that must disappear with it.
PAGES = {
    "goals": "/maal/",
    "dialogue": "/styringsdialog/",
    "imports": "/import/12345678/",
    "people": "/aktiver/",
}


def _reload_urls() -> None:
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@contextmanager
def without(app: str) -> Iterator[None]:
    """The platform as if ``app`` had never registered anything."""
    try:
        with withdrawn(app):
            _reload_urls()
            yield
    finally:
        _reload_urls()


def _zip_tables() -> set[str]:
    cache.clear()
    response = Client().get("/api/v1/open-data.zip")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    return {name.removesuffix(".csv") for name in names if name.endswith(".csv")}


def _homes(client_for: Callable[[str], Client]) -> dict[str, str]:
    pages = {}
    for persona in PERSONA_KEYS:
        cache.clear()
        response = client_for(persona).get("/")
        assert response.status_code == 200, persona
        pages[persona] = response.content.decode()
    return pages


def _sections(client: Client) -> str:
    """The organisation page and an estate page of organisation A, as one text."""
    estate = Estate.objects.get(organisation__cvr=ORG_A, number=1)
    pages = ""
    organisation = f"/organisationer/{ORG_A}/"
    for url in (organisation, f"{organisation}afdelinger/{estate.number}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages += response.content.decode()
    return pages


def _state() -> dict[str, object]:
    return {
        "tables": [t.name for t in opendata.tables()],
        "panels": [p.key for place in panels.PLACES for p in panels.panels(place)],
        "kinds": [k.key for k in notifications.kinds()],
        "routers": [r.router for r in routes.api_routers()],
        "urls": routes.urls(),
        "metrics": [m.key for m in metrics.all_metrics()],
        "demos": [d.key for d in demo.demos()],
        "menu": [i.key for i in menu.items()],
    }


def _tables_of(app: str) -> set[str]:
    reg = next(r for r in registries() if r.name == "open-data tables")
    return {e.key for e in reg.entries() if e.app == app}


def test_modules_plug_in_through_the_registries() -> None:
    """The register, goals and the rest contribute what the platform shows."""
    tables = [t.name for t in opendata.tables()]
    assert tables[:4] == ["municipalities", "organisations", "estates", "framework"]
    assert _tables_of("register") == {"municipalities", "organisations", "estates"}
    assert {"goals", "indicators", "reviews"} <= _tables_of("goals")
    assert {k.key.split(".")[0] for k in notifications.kinds()} == {
        "goals",
        "reports",
        "people",
        "democracy",
    }
    # register, imports, goals, open data, democracy, democracy's ballots, and grøn
    # drift's meters, emission factors, estate footprints and readings feed
    assert len(routes.api_routers()) == 10
    # notify, register, attachments, imports, goals, dialogue, reports, people, democracy,
    # green, web
    assert len(routes.urls()) == 11
    assert any(m.key.startswith("register.") for m in metrics.all_metrics())
    assert [d.key for d in demo.demos()] == ["goals", "dialogue", "democracy", "ballots", "green"]
    assert {p.key for p in notifications.reminder_producers()} >= {
        "goals.deadlines",
        "democracy.meeting_deadlines",
        "democracy.proposal_deadline",
    }


@pytest.mark.parametrize("app", ["goals", "register", "dialogue", "imports", "people"])
def test_withdrawing_a_module_removes_its_contributions_and_nothing_else(
    app: str, client_for: Callable[[str], Client], cast: dict[str, Persona]
) -> None:
    before = _state()
    own_tables = _tables_of(app)
    all_tables = _zip_tables()
    assert own_tables <= all_tables
    homes = _homes(client_for)
    for module, texts in PANEL_TEXT.items():
        for persona, text in texts:
            assert text in homes[persona], (module, persona, text)
    assert all(text in _sections(client_for("org_staff")) for text in SECTION_TEXT["goals"])
    for module, menu_texts in MENU_TEXT.items():
        assert all(text in homes["org_staff"] for text in menu_texts), module
    menu_apps = {i.key.split(".")[0] for i in menu.items()}
    all_metrics = {m.key for m in metrics.all_metrics()}
    own_metrics = {key for key in all_metrics if key.startswith(f"{app}.")}

    with without(app):
        # Open data: its tables are gone, every other table is still there.
        assert _zip_tables() == all_tables - own_tables
        # Home pages: its panels are gone, the others' still show.
        homes = _homes(client_for)
        for module, texts in PANEL_TEXT.items():
            for persona, text in texts:
                assert (text in homes[persona]) == (module != app), (module, persona, text)
        # The main menu: its items are gone, the other modules' stay.
        assert {i.key.split(".")[0] for i in menu.items()} == menu_apps - {app}
        for module, menu_texts in MENU_TEXT.items():
            if app == "register" and module != "web":
                continue  # without the register's places, links to one's own CVR go too
            for menu_text in menu_texts:
                shown = menu_text in homes["org_staff"]
                expected = module != app and not (app == "register" and "boligorg" in menu_text)
                assert shown == expected, (module, menu_text)
        # Metrics, notification kinds, API routers, pages: its own gone, the rest kept.
        keys = {m.key for m in metrics.all_metrics()}
        assert keys == all_metrics - own_metrics
        assert not [k for k in notifications.kinds() if k.key.startswith(f"{app}.")]
        assert app not in [d.key for d in demo.demos()]
        for module, page in PAGES.items():
            if module == app:
                with pytest.raises(Resolver404):
                    resolve(page)
            else:
                resolve(page)
        assert Client().get("/organisationer/").status_code == 200
        for persona in ("anonymous", "org_staff"):
            sections = _sections(client_for(persona))
            for module, headings in SECTION_TEXT.items():
                for heading in headings:
                    assert (heading in sections) == (module != app), (module, persona, heading)

    assert _state() == before


def test_withdrawing_the_register_removes_its_metrics() -> None:
    assert any(m.key.startswith("register.") for m in metrics.all_metrics())
    with withdrawn("register"):
        assert not any(m.key.startswith("register.") for m in metrics.all_metrics())
        assert _tables_of("register") == set()
    assert metrics.get("register.households")


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_panel_keeps_its_query_bound(persona: str, cast: dict[str, Persona]) -> None:
    p = principal_for(cast[persona].user)
    estate = Estate.objects.select_related("organisation").get(organisation__cvr=ORG_A, number=1)
    subjects = {
        panels.HOME: (),
        panels.ORGANISATION: (estate.organisation,),
        panels.ESTATE: (estate,),
    }
    for place, subject in subjects.items():
        for panel in panels.panels(place):
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                context = panel.context(p, *subject)
                # Querysets in the context are evaluated when the fragment renders.
                for value in (context or {}).values():
                    bool(value)
            assert len(ctx.captured_queries) <= panel.queries, (panel.key, ctx.captured_queries)
