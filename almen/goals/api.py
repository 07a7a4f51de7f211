"""The goals part of the REST API at /api/v1: the framework, local goals with their
indicators (computed status included), actions and reviews; writes for integrations."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import PlainSerializer

from almen.access.policy import Principal
from almen.goals import responsible
from almen.goals.access import can_manage_goal, can_view_goal, framework_for_view, visible_goals
from almen.goals.models import (
    Action,
    ActionStatus,
    Commitment,
    Goal,
    Indicator,
    Measurement,
    Prerequisite,
)
from almen.goals.selectors import calculation, indicator_metadata, with_latest
from almen.goals.services import (
    BatchError,
    MeasurementItem,
    action_create,
    action_update,
    request_once,
    review_record,
)
from almen.goals.services import measurements_record as measurements_record_batch
from almen.lib import bounds, tabular
from almen.lib.api import ErrorOut, Pagination
from almen.lib.i18n import localized
from almen.register.models import ApiScope, ApiToken
from almen.register.tokens import api_principal, api_token_auth, require_scope, token_principal

router = Router(tags=["almene mål"])


class TextOut(Schema):
    da: str
    en: str


class CommitmentOut(Schema):
    code: str
    number: int
    text: TextOut


class CornerstoneOut(Schema):
    number: int
    title: TextOut
    commitments: list[CommitmentOut]


class PrerequisiteOut(Schema):
    code: str
    number: int
    text: TextOut


class FrameworkOut(Schema):
    slug: str
    title: TextOut
    period_start: int
    period_end: int
    publisher: str
    credit: TextOut
    cornerstones: list[CornerstoneOut]
    prerequisites: list[PrerequisiteOut]


def _text(obj: object, field: str) -> dict[str, str]:
    return {"da": localized(obj, field, "da"), "en": localized(obj, field, "en")}


@router.get(
    "/frameworks/current",
    response={200: FrameworkOut, 404: dict},
    summary="Det gældende rammeværk (Almene mål) med pejlemærker, punkter og forudsætninger",
)
def framework_current(request: HttpRequest):
    try:
        framework = framework_for_view(request)
    except Http404:
        return 404, {"detail": "Der er intet offentliggjort rammeværk."}
    return {
        "slug": framework.slug,
        "title": _text(framework, "title"),
        "period_start": framework.period_start,
        "period_end": framework.period_end,
        "publisher": framework.publisher,
        "credit": _text(framework, "credit"),
        "cornerstones": [
            {
                "number": c.number,
                "title": _text(c, "title"),
                "commitments": [
                    {"code": m.code, "number": m.number, "text": _text(m, "text")}
                    for m in c.commitments.all()
                ],
            }
            for c in framework.cornerstones.all()
        ],
        "prerequisites": [
            {"code": p.code, "number": p.number, "text": _text(p, "text")}
            for p in framework.prerequisites.all()
        ],
    }


# --- local goals ------------------------------------------------------------------------
#
# Reads need no token: anonymous callers see published goals (public and not a draft).
# A token with ``goals:read`` or ``goals:write`` acts for its organisation like the
# organisation's staff: it also sees all of that organisation's own goals, drafts and
# private ones included. Writes need ``goals:write`` and touch only the token's own
# organisation's goals; any other goal answers 404, as if it did not exist. Who sees
# what is the access policy's (``visible_goals``, ``can_view_goal``, ``can_manage_goal``
# with the token as a principal, ``almen.register.tokens.token_principal``).

# One request may carry at most this many measurements (as the measurement import).
MAX_MEASUREMENTS = 5000

Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]


class ItemErrorOut(Schema):
    index: int = Field(description="Målingens plads i listen (0 er den første).")
    field: str
    message: str


class BatchErrorOut(Schema):
    detail: str
    errors: list[ItemErrorOut] = Field(
        default_factory=list, description="Hver forkert måling (tom, når hele kaldet er forkert)."
    )


class GoalOut(Schema):
    id: uuid.UUID = Field(description="Målets offentlige id.")
    title: str
    organisation_cvr: str
    organisation: str
    estate_id: uuid.UUID | None = Field(description="Afdelingens id; tomt for et organisationsmål.")
    estate_number: int | None
    municipality_code: str = Field(
        description="Afdelingens kommune, for et organisationsmål organisationens."
    )
    framework: str = Field(description="Rammeværkets korte navn, fx 2026-2028.")
    status: str = Field(description="draft, adopted eller ended.")
    visibility: str
    period_start: dt.date
    period_end: dt.date
    commitments: list[str] = Field(description="Koder for »Derfor vil vi«-punkter, fx 1.1.")
    prerequisites: list[str] = Field(description="Koder for forudsætninger, fx F1.")
    inspired_by: uuid.UUID | None = Field(
        description="Det mål, dette er kopieret fra, hvis det stadig er synligt for dig."
    )


class IndicatorMetadataOut(Schema):
    """What the number means and where it comes from (for an indicator bound to a
    metric: the metric's own)."""

    definition: str
    source: str = Field(description="Datakilden.")
    method: str
    measured_by: str
    frequency: str = Field(
        description="monthly, quarterly, half_yearly, yearly, biennial, irregular eller tom."
    )


class IndicatorOut(Schema):
    id: uuid.UUID
    title: str
    unit: str
    direction: str = Field(description="increase, decrease eller maintain.")
    baseline_value: Number
    baseline_date: dt.date
    target_value: Number
    target_date: dt.date
    tolerance: Number | None
    source: str = Field(description="manual, imported eller metric.")
    metric_key: str
    status: str = Field(description="Beregnet status (Statistics Canadas metode).")
    status_label: str
    method: str = Field(description="compound, linear, maintain, achieved eller none.")
    latest_value: Number | None
    latest_date: dt.date | None
    actual_rate: float | None
    required_rate: float | None
    ratio: float | None
    metadata: IndicatorMetadataOut


class ActionOut(Schema):
    id: uuid.UUID
    title: str
    responsible: str = Field(
        description="Den ansvarlige: en persons navn (kun for organisationens egne folk; "
        "aldrig en e-mail), et organs navn eller en ekstern parts navn."
    )
    responsible_kind: str = Field(description="person, body, external eller tom.")
    start: dt.date | None
    due: dt.date | None
    status: str = Field(description="planned, in_progress, done eller cancelled.")
    budget_dkk: Number | None


class ReviewOut(Schema):
    date: dt.date
    assessment: str = Field(description="on_track, at_risk eller off_track.")
    worked: str
    did_not_work: str
    change: str


class GoalDetailOut(GoalOut):
    local_context: str
    responsible: str = Field(
        description="Den ansvarlige: en persons navn (kun for organisationens egne folk; "
        "aldrig en e-mail), et organs navn eller en ekstern parts navn."
    )
    responsible_kind: str = Field(description="person, body, external eller tom.")
    adopted_on: dt.date | None
    decision_reference: str
    decision_id: uuid.UUID | None = Field(
        None, description="Den vedtagende beslutning i beslutningsregistret, hvis valgt."
    )
    review_interval_months: int
    inspired_by_label: str
    indicators: list[IndicatorOut]
    actions: list[ActionOut]
    reviews: list[ReviewOut]


class MeasurementOut(Schema):
    date: dt.date
    value: Number
    note: str
    evidence_url: str
    source: str


class GoalFilter(Schema):
    commitment: str | None = Field(
        None, pattern=r"^\d{1,2}\.\d{1,2}$", description="»Derfor vil vi«-punkt, fx 1.1."
    )
    municipality: str | None = Field(
        None, pattern=r"^\d{3,4}$", description="Kommunekode, fx 0101 for København."
    )
    organisation: str | None = Field(None, pattern=r"^\d{8}$", description="CVR-nummer.")
    status: str | None = Field(None, pattern=r"^(draft|adopted|ended)$")


class MeasurementIn(Schema):
    date: str = Field(
        max_length=20,
        description="Datoen, åååå-mm-dd eller dd-mm-åååå; ikke i fremtiden, mellem 1900 og 2100.",
    )
    value: Any = Field(
        description='Et tal: 72.5 som JSON-tal, eller en tekst med decimalkomma: "72,5".',
        json_schema_extra={"type": ["number", "string"]},
    )
    note: str = Field("", max_length=500)
    evidence_url: str = Field("", max_length=200, description="Link til dokumentation.")


# Dates outside the shared bounds (almen/lib/bounds.py) are refused by the schema (422).
BoundedDate = Annotated[dt.date, Field(ge=bounds.DATE_MIN, le=bounds.DATE_MAX)]


class ActionIn(Schema):
    title: str = Field(min_length=1, max_length=bounds.TITLE)
    responsible: str = Field(
        "", max_length=200, description="En ekstern ansvarlig (uden for organisationen)."
    )
    start: BoundedDate | None = None
    due: BoundedDate | None = None
    status: str = Field(ActionStatus.PLANNED, pattern=r"^(planned|in_progress|done|cancelled)$")
    budget_dkk: Any = Field(
        None,
        description="Kroner; tal eller tekst med decimalkomma.",
        json_schema_extra={"type": ["number", "string", "null"]},
    )


class ActionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=bounds.TITLE)
    responsible: str | None = Field(
        None, max_length=200, description="En ekstern ansvarlig (uden for organisationen)."
    )
    start: BoundedDate | None = None
    due: BoundedDate | None = None
    status: str | None = Field(None, pattern=r"^(planned|in_progress|done|cancelled)$")
    budget_dkk: Any = Field(None, json_schema_extra={"type": ["number", "string", "null"]})


class ReviewIn(Schema):
    date: BoundedDate
    assessment: str = Field(pattern=r"^(on_track|at_risk|off_track)$")
    worked: str = Field("", max_length=bounds.SHORT_TEXT)
    did_not_work: str = Field("", max_length=bounds.SHORT_TEXT)
    change: str = Field("", max_length=bounds.SHORT_TEXT)


# --- who may see what ----------------------------------------------------------------


def _goals(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    return queryset.select_related(
        "organisation__municipality",
        "estate__municipality",
        "framework",
        # The source's organisation and estate: whether it is visible (its scope).
        "inspired_by__organisation",
        "inspired_by__estate",
    ).prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.only("id", "code")),
        Prefetch("prerequisites", queryset=Prerequisite.objects.only("id", "code")),
    )


def _not_found(public_id: object) -> HttpError:
    return HttpError(404, _("Intet mål med id %(id)s.") % {"id": public_id})


def _visible_goal(request: HttpRequest, public_id: uuid.UUID) -> tuple[Goal, Principal]:
    p = api_principal(request)
    goal = _goals(visible_goals(p)).filter(public_id=public_id).first()
    if goal is None:
        raise _not_found(public_id)
    return goal, p


def _goal_for_write(request: HttpRequest, public_id: uuid.UUID) -> tuple[Goal, ApiToken]:
    """A goal the token may manage (its own organisation's), for writing; 404 for any
    other goal, as if it did not exist."""
    token = require_scope(request, ApiScope.GOALS_WRITE)
    goal = Goal.objects.select_related("organisation", "estate").filter(public_id=public_id).first()
    if goal is None or not can_manage_goal(token_principal(token), goal):
        raise _not_found(public_id)
    return goal, token


def _actor(token: ApiToken) -> Any:
    """Audit entries name the person who created the token: the organisation answers
    for what its integrations write. A token whose creator is gone writes as "system"."""
    return token.created_by


# --- shaping --------------------------------------------------------------------------


def _source_visible(source: Goal | None, p: Principal) -> bool:
    return source is not None and can_view_goal(p, source)


def _goal_out(goal: Goal, p: Principal) -> dict[str, Any]:
    estate = goal.estate
    municipality = estate.municipality if estate else goal.organisation.municipality
    source = goal.inspired_by
    return {
        "id": goal.public_id,
        "title": goal.title,
        "organisation_cvr": goal.organisation.cvr,
        "organisation": goal.organisation.name,
        "estate_id": estate.public_id if estate else None,
        "estate_number": estate.number if estate else None,
        "municipality_code": municipality.code,
        "framework": goal.framework.slug,
        "status": goal.status,
        "visibility": goal.visibility,
        "period_start": goal.period_start,
        "period_end": goal.period_end,
        "commitments": sorted(c.code for c in goal.commitments.all()),
        "prerequisites": sorted(p.code for p in goal.prerequisites.all()),
        "inspired_by": source.public_id if source and _source_visible(source, p) else None,
    }


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    """An indicator with its computed status and the inputs of that computation."""
    calc = calculation(indicator)
    meta = indicator_metadata(indicator)
    return {
        "id": indicator.public_id,
        "title": indicator.title,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline_value": indicator.baseline_value,
        "baseline_date": indicator.baseline_date,
        "target_value": indicator.target_value,
        "target_date": indicator.target_date,
        "tolerance": indicator.tolerance,
        "source": indicator.source,
        "metric_key": indicator.metric_key,
        "status": calc.status.value,
        "status_label": str(calc.status.label),
        "method": calc.method,
        "latest_value": calc.latest,
        "latest_date": calc.latest_date,
        "actual_rate": calc.actual_rate,
        "required_rate": calc.required_rate,
        "ratio": calc.ratio,
        "metadata": {
            "definition": meta.definition,
            "source": meta.source,
            "method": meta.method,
            "measured_by": meta.measured_by,
            "frequency": indicator.frequency,
        },
    }


def _action_out(action: Action, p: Principal | None = None) -> dict[str, Any]:
    """``p``: the reader (None: the organisation's own token, which sees names)."""
    return {
        "id": action.public_id,
        "title": action.title,
        "responsible": responsible.label(action) if p is None else responsible.label_for(action, p),
        "responsible_kind": responsible.kind(action),
        "start": action.start,
        "due": action.due,
        "status": action.status,
        "budget_dkk": action.budget_dkk,
    }


def _parse_amount(value: Any, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return tabular.parse_decimal(value)
    except ValueError:
        raise HttpError(
            400, _("%(label)s: »%(value)s« er ikke et tal.") % {"label": label, "value": value}
        ) from None


def _codes(exc: ValidationError) -> set[str | None]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _bad_request(exc: ValidationError) -> HttpError:
    return HttpError(400, " ".join(exc.messages))


# --- read endpoints -------------------------------------------------------------------


@router.get(
    "/goals",
    response=list[GoalOut],
    summary="Lokale mål",
    description="Offentliggjorte mål; med et API-token (goals:read eller goals:write) også "
    "alle organisationens egne mål. Sideinddelt (limit/offset). Filtrér med commitment "
    "(fx 1.1), municipality (kommunekode), organisation (CVR) og status.",
)
@paginate(Pagination)
def goals(request: HttpRequest, filters: Query[GoalFilter]) -> Any:
    p = api_principal(request)
    queryset = visible_goals(p)
    if filters.commitment:
        queryset = queryset.filter(
            pk__in=Goal.commitments.through.objects.filter(
                commitment__code=filters.commitment
            ).values("goal_id")
        )
    if filters.municipality:
        code = filters.municipality.zfill(4)
        queryset = queryset.filter(
            Q(estate__municipality__code=code)
            | Q(estate__isnull=True, organisation__municipality__code=code)
        )
    if filters.organisation:
        queryset = queryset.filter(organisation__cvr=filters.organisation)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return _Shaped(_goals(queryset).order_by("organisation__cvr", "title", "pk"), p)


class _Shaped:
    """A queryset the paginator slices and counts; shapes only the page it returns."""

    def __init__(self, queryset: QuerySet[Goal], p: Principal) -> None:
        self.queryset = queryset
        self.principal = p

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_goal_out(goal, self.principal) for goal in self.queryset[index]]


@router.get(
    "/goals/{public_id}",
    response={200: GoalDetailOut, 401: ErrorOut, 404: ErrorOut},
    summary="Ét lokalt mål med indikatorer, indsatser og status",
)
def goal_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    goal, p = _visible_goal(request, public_id)
    source = goal.inspired_by
    label_visible = source is None or _source_visible(source, p)
    return {
        **_goal_out(goal, p),
        "local_context": goal.local_context,
        "responsible": responsible.label_for(goal, p),
        "responsible_kind": responsible.kind(goal),
        "adopted_on": goal.adopted_on,
        "decision_reference": goal.decision_reference,
        "decision_id": goal.decision_id,
        "review_interval_months": goal.review_interval_months,
        "inspired_by_label": goal.inspired_by_label if label_visible else "",
        "indicators": [
            indicator_out(i) for i in with_latest(goal.indicators.order_by("title", "pk"))
        ],
        "actions": [
            _action_out(a, p)
            for a in goal.actions.select_related(
                "responsible_user", "responsible_body__organisation", "responsible_body__estate"
            ).order_by("due", "title", "pk")
        ],
        "reviews": list(goal.reviews.order_by("-date", "-pk")),
    }


@router.get(
    "/goals/{public_id}/indicators/{indicator_id}/measurements",
    response={200: list[MeasurementOut], 401: ErrorOut, 404: ErrorOut},
    summary="En indikators målinger",
    description="Sorteret efter dato; sideinddelt (limit/offset).",
)
@paginate(Pagination)
def measurements(
    request: HttpRequest, public_id: uuid.UUID, indicator_id: uuid.UUID
) -> QuerySet[Measurement]:
    goal, _p = _visible_goal(request, public_id)
    indicator = goal.indicators.filter(public_id=indicator_id).first()
    if indicator is None:
        raise HttpError(404, _("Målet har ingen indikator med id %(id)s.") % {"id": indicator_id})
    return indicator.measurements.order_by("date")


# --- write endpoints -------------------------------------------------------------------


@dataclass
class _Parsed:
    date: dt.date
    value: Decimal
    note: str
    evidence_url: str


def _parse_measurements(items: list[MeasurementIn]) -> tuple[list[_Parsed], list[dict]]:
    parsed: list[_Parsed] = []
    errors: list[dict[str, Any]] = []
    seen: dict[dt.date, int] = {}
    today = timezone.localdate()

    def error(index: int, field: str, message: str) -> None:
        errors.append({"index": index, "field": field, "message": message})

    for index, item in enumerate(items):
        try:
            day = tabular.parse_date(item.date)
        except ValueError:
            error(index, "date", _("»%s« er ikke en gyldig dato (brug åååå-mm-dd).") % item.date)
            continue
        try:
            value = tabular.parse_decimal(item.value)
        except ValueError:
            error(
                index,
                "value",
                _("»%s« er ikke et tal.") % ("" if item.value is None else item.value),
            )
            continue
        if not value.is_finite():
            error(index, "value", _("»%s« er ikke et tal.") % item.value)
            continue
        if not bounds.date_in_bounds(day):
            error(index, "date", str(bounds.DATE_BOUNDS_MESSAGE))
            continue
        if day > today:
            error(index, "date", _("Datoen ligger i fremtiden. En måling skal være foretaget."))
            continue
        if day in seen:
            error(index, "date", _("Datoen står også i måling nr. %d.") % seen[day])
            continue
        url = item.evidence_url.strip()
        if url and not url.startswith(("http://", "https://")):
            error(index, "evidence_url", _("Linket skal begynde med https://."))
            continue
        seen[day] = index
        parsed.append(_Parsed(day, value, item.note.strip(), url))
    return parsed, errors


@router.post(
    "/goals/{public_id}/indicators/{indicator_id}/measurements",
    response={
        201: list[MeasurementOut],
        400: BatchErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: BatchErrorOut,
    },
    auth=api_token_auth,
    summary="Indberet målinger (én eller mange)",
    description="Kræver goals:write. Alt eller intet: er blot én måling forkert, gemmes "
    "ingen, og svaret (400) nævner hver forkert måling med dens plads i listen. En måling "
    "på en dato, der allerede har en, retter den; samtidige indberetninger af samme dato "
    "gemmes efter hinanden (den sidste gælder). 409, hvis databasen alligevel afviser en "
    "samtidig indberetning (prøv igen); 422, hvis en måling ikke følger skemaet.",
)
def measurements_record(
    request: HttpRequest,
    public_id: uuid.UUID,
    indicator_id: uuid.UUID,
    payload: list[MeasurementIn],
):
    goal, token = _goal_for_write(request, public_id)
    indicator = goal.indicators.filter(public_id=indicator_id).first()
    if indicator is None:
        raise HttpError(404, _("Målet har ingen indikator med id %(id)s.") % {"id": indicator_id})
    indicator.goal = goal
    if not payload:
        raise HttpError(400, _("Send mindst én måling."))
    if len(payload) > MAX_MEASUREMENTS:
        raise HttpError(400, _("Højst %d målinger ad gangen.") % MAX_MEASUREMENTS)
    parsed, errors = _parse_measurements(payload)
    if not errors:
        try:
            # All or nothing (the service). No errors were found above, so positions in
            # ``parsed`` are the caller's.
            saved = measurements_record_batch(
                actor=_actor(token),
                indicator=indicator,
                items=[MeasurementItem(p.date, p.value, p.note, p.evidence_url) for p in parsed],
            )
        except BatchError as exc:
            by_field = (
                exc.error.message_dict
                if hasattr(exc.error, "error_dict")
                else {"": exc.error.messages}
            )
            for field, texts in by_field.items():
                name = "" if field == "__all__" else field
                errors.append({"index": exc.index, "field": name, "message": " ".join(texts)})
            if "conflict" in _codes(exc.error):
                return 409, {
                    "detail": _("Ingen målinger er gemt: en anden indberetning kom først."),
                    "errors": errors,
                }
        else:
            return 201, saved
    return 400, {
        "detail": _("Ingen målinger er gemt: %(n)d af dem er forkerte.") % {"n": len(errors)},
        "errors": errors,
    }


@router.post(
    "/goals/{public_id}/actions",
    response={
        200: ActionOut,
        201: ActionOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    auth=api_token_auth,
    summary="Opret en indsats på et mål",
    description="Kræver goals:write. Send en `Idempotency-Key` (højst 100 tegn, fx et "
    "UUID) for at kunne prøve igen uden at oprette to: en gentagelse med samme nøgle "
    "svarer 200 med den indsats, den første oprettede.",
)
def action_add(request: HttpRequest, public_id: uuid.UUID, payload: ActionIn):
    goal, token = _goal_for_write(request, public_id)
    fields = payload.dict()
    fields["budget_dkk"] = _parse_amount(payload.budget_dkk, _("Budget"))
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise HttpError(400, _("Idempotency-Key må højst være 100 tegn."))

    def create() -> Action:
        return action_create(actor=_actor(token), goals=[goal], **fields)

    try:
        if not key:
            return 201, _action_out(create())
        action, created = request_once(
            owner=f"token:{token.pk}", purpose="action_create", key=key, model=Action, create=create
        )
    except ValidationError as exc:
        raise _bad_request(exc) from None
    if action is None:
        raise HttpError(409, _("Indsatsen fra den første anmodning med nøglen findes ikke mere."))
    return (201 if created else 200), _action_out(action)


@router.patch(
    "/goals/{public_id}/actions/{action_id}",
    response={200: ActionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=api_token_auth,
    summary="Ret en indsats (status, frist …)",
    description="Kræver goals:write. Kun de felter, der sendes, ændres.",
)
def action_change(
    request: HttpRequest, public_id: uuid.UUID, action_id: uuid.UUID, payload: ActionPatch
):
    goal, token = _goal_for_write(request, public_id)
    action = goal.actions.filter(public_id=action_id).first()
    if action is None:
        raise HttpError(404, _("Målet har ingen indsats med id %(id)s.") % {"id": action_id})
    changes = payload.dict(exclude_unset=True)
    for required in ("title", "status"):
        if required in changes and changes[required] is None:
            raise HttpError(400, _("Feltet »%s« kan ikke være tomt.") % required)
    if "budget_dkk" in changes:
        changes["budget_dkk"] = _parse_amount(changes["budget_dkk"], _("Budget"))
    if "responsible" in changes and changes["responsible"] is None:
        changes["responsible"] = ""
    try:
        action = action_update(actor=_actor(token), action=action, **changes)
    except ValidationError as exc:
        raise _bad_request(exc) from None
    return 200, _action_out(action)


@router.post(
    "/goals/{public_id}/reviews",
    response={201: ReviewOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=api_token_auth,
    summary="Gør status på et mål (hvad virkede, hvad virkede ikke, hvad ændrer vi)",
    description="Kræver goals:write.",
)
def review_add(request: HttpRequest, public_id: uuid.UUID, payload: ReviewIn):
    goal, token = _goal_for_write(request, public_id)
    try:
        review = review_record(actor=_actor(token), goal=goal, **payload.dict())
    except ValidationError as exc:
        raise _bad_request(exc) from None
    return 201, review
