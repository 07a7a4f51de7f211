"""The demo registry: what each module adds to ``manage.py seed_demo``.

The register's demo (organisations, estates, households, the personas) comes first;
then each module registered here adds its part, in registration order. ``create()`` is
idempotent and returns how many things it made; ``made`` names them for the summary.

    demo.register(Demo("goals", "nye mål", "almen.goals.demo:goals_demo_create"), app="goals")

``create`` is the function or its ``"module:attribute"``, imported when the demo is
seeded: start-up then imports none of the demos' modules.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from almen.lib.registry import Registry, resolve


@dataclass(frozen=True)
class Demo:
    key: str
    made: str  # what create() counts, for the command's summary ("nye mål")
    target: Callable[[], int] | str

    def create(self) -> int:
        return int(resolve(self.target)())


_demos: Registry[Demo] = Registry("demo seeds")


def register(entry: Demo, *, app: str) -> None:
    _demos.register(entry.key, entry, app=app)


def demos() -> list[Demo]:
    return _demos.items()


GOALS_ADOPTED_ITEM = "Afdelingens mål under Almene mål 2026–2028"


def goals_adoption_decision_id(estate_public_id: uuid.UUID) -> uuid.UUID:
    """The demo decision by which an estate's meeting adopted the estate's goals. The
    goals demo points its estate goals at it (``Goal.decision_id``) and the democracy
    demo records a decision under this id — a shared name, so neither imports the
    other (decision 0029)."""
    return uuid.uuid5(estate_public_id, "almen-demo-goals-adopted")
