"""Bounds every module's dates and free texts share (decision 0020-bounds-and-idempotency).

Dates: 01-01-1900 to 31-12-2100. Wide enough for historic series (a baseline from the
1990s) and the longest plan, narrow enough to refuse the "no end" placeholder
31-12-9999 and the typo 0202 that break charts and report packs.

Texts: a title is at most ``TITLE`` characters, a short text (a note, a list of
participants) at most ``SHORT_TEXT`` and a long description at most ``LONG_TEXT``.
A CharField's ``max_length`` is refused by forms, ``full_clean`` and PostgreSQL
(varchar); for a TextField the same limit is given as ``max_length`` (forms and the
``maxlength`` attribute), ``MaxLengthValidator`` (``full_clean``) and a CheckConstraint on
``Length`` (the database, whatever the path), see ``text_field`` and
``text_constraints``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

TITLE = 200
SHORT_TEXT = 2_000
LONG_TEXT = 10_000


@deconstructible
class DateBoundsValidator:
    """Refuses a date outside DATE_MIN–DATE_MAX with a Danish message."""

    code = "date_out_of_bounds"

    def __call__(self, value: dt.date | None) -> None:
        if value is not None and not date_in_bounds(value):
            raise ValidationError(DATE_BOUNDS_MESSAGE, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateBoundsValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_date_bounds = DateBoundsValidator()


def date_in_bounds(value: dt.date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


DATE_BOUNDS_MESSAGE = format_lazy(
    _("Datoen skal ligge mellem {min} og {max}."),
    min=DATE_MIN.strftime("%d-%m-%Y"),
    max=DATE_MAX.strftime("%d-%m-%Y"),
)


def date_constraints(prefix: str, *fields: str, nullable: tuple[str, ...] = ()) -> list[Any]:
    """One CheckConstraint per date field: the database refuses what the validator does."""
    constraints = []
    for name in fields:
        condition = Q(**{f"{name}__gte": DATE_MIN, f"{name}__lte": DATE_MAX})
        if name in nullable:
            condition |= Q(**{f"{name}__isnull": True})
        constraints.append(
            models.CheckConstraint(
                condition=condition,
                name=f"{prefix}_{name}_in_bounds",
                violation_error_message=DATE_BOUNDS_MESSAGE,
            )
        )
    return constraints


def text_validators(limit: int) -> list[MaxLengthValidator]:
    return [MaxLengthValidator(limit)]


def text_constraints(prefix: str, limits: dict[str, int]) -> list[Any]:
    """One CheckConstraint per text field: at most ``limit`` characters in the database."""
    return [
        models.CheckConstraint(
            condition=Q(LessThanOrEqual(Length(name), limit)),
            name=f"{prefix}_{name}_length",
            violation_error_message=format_lazy(
                _("Teksten er for lang (højst {limit} tegn)."), limit=limit
            ),
        )
        for name, limit in limits.items()
    ]
