"""The decision reference: how a module points at a decision without importing the
module that keeps decisions, and how a decision page lists what serves it.

Decisions (a meeting item, a board decision, later a ballot) live in ``democracy``;
goals live in ``goals``. Neither imports the other (decision 0029). Instead:

- a module that points at a decision stores its ``public_id`` (a UUID) in a plain
  field (goals: ``Goal.decision_id``, ``Action.decision_id``), never a foreign key;
- the module that keeps decisions registers a **source**: given UUIDs and the
  principal, it returns a ``DecisionRef`` (title, date, forum, URL) for each decision
  the principal may see, and offers the decisions one may choose for an organisation or
  estate (the adoption form's choices);
- a module that points at decisions registers a **use**: given a decision's UUID and
  the principal, it returns the links of what serves it (goals adopted by it, actions
  it created) that the principal may see.

A withdrawn source makes every reference fall back to the text the pointing module
kept beside it; a withdrawn use makes its links vanish from the decision page.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from almen.lib.registry import Registry


@dataclass(frozen=True)
class DecisionRef:
    public_id: uuid.UUID
    title: str
    decided_on: datetime.date
    forum: str  # "Afdelingsmødet", "Organisationsbestyrelsen", …
    url: str


@dataclass(frozen=True)
class DecisionSource:
    key: str
    # (UUIDs, principal) → the refs the principal may see; unknown or hidden ones left out.
    resolve: Callable[[Iterable[uuid.UUID], Any], dict[uuid.UUID, DecisionRef]]
    # (principal, organisation_id, estate_id or None) → recent decisions to choose from.
    choices: Callable[[Any, int, int | None], list[DecisionRef]]


@dataclass(frozen=True)
class UseLink:
    label: str  # "Mål", "Indsats"
    title: str
    url: str


@dataclass(frozen=True)
class DecisionUse:
    key: str
    # (decision UUID, principal) → what serves the decision, as the principal may see it.
    links: Callable[[uuid.UUID, Any], list[UseLink]]


_sources: Registry[DecisionSource] = Registry("decision sources")
_uses: Registry[DecisionUse] = Registry("decision uses")


def register_source(source: DecisionSource, *, app: str) -> None:
    _sources.register(source.key, source, app=app)


def register_use(use: DecisionUse, *, app: str) -> None:
    _uses.register(use.key, use, app=app)


def resolve(ids: Iterable[uuid.UUID | None], principal: Any) -> dict[uuid.UUID, DecisionRef]:
    wanted = [i for i in ids if i is not None]
    found: dict[uuid.UUID, DecisionRef] = {}
    if not wanted:
        return found
    for source in _sources.items():
        found.update(source.resolve(wanted, principal))
    return found


def choices(principal: Any, organisation_id: int, estate_id: int | None) -> list[DecisionRef]:
    refs: list[DecisionRef] = []
    for source in _sources.items():
        refs.extend(source.choices(principal, organisation_id, estate_id))
    return sorted(refs, key=lambda r: r.decided_on, reverse=True)


def uses(decision_id: uuid.UUID, principal: Any) -> list[UseLink]:
    links: list[UseLink] = []
    for use in _uses.items():
        links.extend(use.links(decision_id, principal))
    return links
