"""Shapes shared by every part of the REST API (each app's api.py): errors and pagination."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# No page may ask for more rows than this; the default page is 100.
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far beyond any list in Almen, and far below what a database integer holds (an offset
# of 2^63 used to reach the database and answer 500).
MAX_OFFSET = 1_000_000_000


class ErrorOut(Schema):
    detail: str = Field(description="Hvad der gik galt, på dansk.")


class ProblemOut(Schema):
    where: str = Field(description="Hvor i forespørgslen, fx query.limit eller body.0.date.")
    type: str | None = Field(description="Pydantics fejltype, fx greater_than_equal.")


class ValidationErrorOut(Schema):
    detail: str
    problems: list[ProblemOut]


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` for every list in the API, both bounded: a value outside
    the bounds answers 422 (documented), never 500."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rækker pr. side, 1–{MAX_LIMIT}."
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description="Hvor mange rækker der springes over."
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
