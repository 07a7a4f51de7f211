"""The panel registry: what each module shows on the shared pages, per persona.

A panel belongs to a *place*: the home page (``HOME``), or a section of the web's
organisation page (``ORGANISATION``) or estate page (``ESTATE``). It is a selector and a
template fragment. The selector gets the request's principal (and, on an organisation
or estate page, that organisation or estate) and returns the fragment's context, or
None when the panel is not for this principal (a resident sees no organisation panel).
``queries`` is the most queries the selector may make for any principal, whatever the
size of the data; a test holds every panel to it. Panels are shown in ``order`` (gaps
of ten leave room between modules). The fragment is rendered with the page's context
plus ``panel`` (the selector's dict).

    panels.register(Panel("goals.attention", 30, "goals/panels/attention.html",
                          attention_panel, queries=2), app="goals")

**Rendered fragments are cached** where a panel says what its fragment depends on:
``fragment(principal, *subject)`` returns a text naming everything the selector reads
about the principal (usually the same text its context is cached under, e.g. the set of
roles and the day), and ``versions`` the data versions (``lib.versions``) of what it
shows. The fragment is then kept under that text, the language, the day and those
versions, so a warm page reads every cached panel in one round trip to the cache and
neither computes nor renders them; a change that bumps a version shows on the next
request. ``fragment`` returning None means "not cacheable for this principal". A
context may set ``FRAGMENT_UNTIL`` (an aware datetime) when what it shows goes out of
date by the clock (a meeting that begins), and the fragment is not used after it. Access
is not a panel's business: a cached fragment is shown only to a principal whose
``fragment`` text is the same, which is why that text must name the roles it reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from almen.lib import versions as data_versions
from almen.lib.registry import Registry

PanelContext = dict[str, Any]

HOME = "home"
ORGANISATION = "organisation"
ESTATE = "estate"
PLACES = (HOME, ORGANISATION, ESTATE)

FRAGMENT_UNTIL = "fragment_until"
FRAGMENT_TIMEOUT = 60 * 60
_NOT_SHOWN = ("", None)  # cached for a principal the panel is not for


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    # (principal) on the home page, (principal, organisation|estate) on those pages
    context: Callable[..., PanelContext | None]
    queries: int
    place: str = HOME
    # What the rendered fragment depends on besides ``versions`` (see the module's text).
    fragment: Callable[..., str | None] | None = None
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: PanelContext
    html: str | None = None  # the fragment, read from the cache
    cache_key: str | None = None  # where to keep the fragment once rendered
    until: dt.datetime | None = None


_panels: Registry[Panel] = Registry("panels")


def register(panel: Panel, *, app: str) -> None:
    if panel.place not in PLACES:
        raise ValueError(f"unknown place {panel.place!r} for panel {panel.key!r}")
    _panels.register(panel.key, panel, app=app)


def panels(place: str = HOME) -> list[Panel]:
    return sorted(
        (panel for panel in _panels.items() if panel.place == place),
        key=lambda panel: (panel.order, panel.key),
    )


def _fragment_keys(place_panels: list[Panel], principal: Any, subject: tuple) -> dict[str, str]:
    texts = {}
    for panel in place_panels:
        if panel.fragment is not None:
            text = panel.fragment(principal, *subject)
            if text is not None:
                texts[panel.key] = text
    if not texts:
        return {}
    current = data_versions.current_many(
        [v for panel in place_panels if panel.key in texts for v in panel.versions]
    )
    language = translation.get_language() or ""
    today = timezone.localdate().isoformat()
    keys = {}
    for panel in place_panels:
        if panel.key in texts:
            stamp = ",".join(f"{current[v]}" for v in panel.versions)
            digest = hashlib.sha256(texts[panel.key].encode()).hexdigest()[:32]
            keys[panel.key] = f"panels:{panel.key}:{language}:{today}:{stamp}:{digest}"
    return keys


def shown(place: str, principal: Any, *subject: Any) -> list[Shown]:
    """The panels of ``place`` this principal sees, in order, each with its context, or
    with its fragment when that is cached (one ``get_many`` for all of them)."""
    place_panels = panels(place)
    keys = _fragment_keys(place_panels, principal, subject)
    cached = cache.get_many(list(keys.values())) if keys else {}
    now = timezone.now()
    result = []
    for panel in place_panels:
        key = keys.get(panel.key)
        hit = cached.get(key) if key else None
        if hit is not None and (hit[1] is None or now < hit[1]):
            if hit != _NOT_SHOWN:
                result.append(Shown(panel, {}, html=hit[0]))
            continue
        context = panel.context(principal, *subject)
        if context is None:
            if key:
                cache.set(key, _NOT_SHOWN, FRAGMENT_TIMEOUT)
            continue
        result.append(Shown(panel, context, cache_key=key, until=context.get(FRAGMENT_UNTIL)))
    return result


def keep(shown: Shown, html: str) -> None:
    """Cache a fragment the page just rendered (``{% panel %}``, almen.lib.ui)."""
    if shown.cache_key is not None:
        timeout = FRAGMENT_TIMEOUT
        if shown.until is not None:
            timeout = max(1, min(timeout, int((shown.until - timezone.now()).total_seconds())))
        cache.set(shown.cache_key, (html, shown.until), timeout)


def home(principal: Any) -> list[Shown]:
    return shown(HOME, principal)
