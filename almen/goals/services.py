"""State changes for local goals. Each validates first, records an audit entry, and is
the one path used by views, API and commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, audited_update, snapshot
from almen.goals import notices, responsible
from almen.goals.models import (
    Action,
    Commitment,
    Framework,
    Goal,
    GoalStatus,
    Indicator,
    IndicatorSource,
    Measurement,
    Milestone,
    Prerequisite,
    RequestKey,
    Review,
)
from almen.goals.picture import picture_invalidate
from almen.goals.progress import Direction
from almen.lib import bounds, csvsafe, metrics, tabular
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Organisation

GOAL_FIELDS = [
    "title",
    "local_context",
    "responsible",
    "period_start",
    "period_end",
    "status",
    "adopted_on",
    "decision_reference",
    "decision_id",
    "visibility",
    "review_interval_months",
]


def _check_goal(goal: Goal) -> None:
    if goal.estate_id and goal.estate and goal.estate.organisation_id != goal.organisation_id:
        raise ValidationError({"estate": _("Afdelingen hører ikke til organisationen.")})
    if goal.contributes_to_id and goal.contributes_to:
        parent = goal.contributes_to
        if parent.organisation_id != goal.organisation_id or parent.estate_id is not None:
            raise ValidationError(
                {"contributes_to": _("Et mål kan kun bidrage til et af organisationens egne mål.")}
            )
    responsible.check(goal)
    goal.full_clean()


@transaction.atomic
def goal_create(
    *,
    actor: Any,
    organisation: Organisation,
    framework: Framework,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    commitments: list[Commitment] | None = None,
    prerequisites: list[Prerequisite] | None = None,
    estate: Estate | None = None,
    **fields: Any,
) -> Goal:
    """Create a local goal adopting at least one commitment or prerequisite."""
    if not commitments and not prerequisites:
        raise ValidationError(
            _("Vælg mindst ét »Derfor vil vi«-punkt eller én forudsætning, som målet arbejder med.")
        )
    goal = Goal(
        organisation=organisation,
        estate=estate,
        framework=framework,
        title=title,
        period_start=period_start,
        period_end=period_end,
        **fields,
    )
    _check_goal(goal)
    goal.save()
    goal.commitments.set(commitments or [])
    goal.prerequisites.set(prerequisites or [])
    audit_record(
        actor=actor,
        action="create",
        obj=goal,
        organisation_id=organisation.pk,
        after=snapshot(goal, [*GOAL_FIELDS, "responsible_user", "responsible_body"]),
    )
    notices.goal_shared_notify(goal, before=set())
    transaction.on_commit(picture_invalidate)
    return goal


# What an update may change (a goal never moves between organisations or estates).
GOAL_UPDATE_FIELDS = [
    *GOAL_FIELDS,
    "contributes_to",
    "adopted_by",
    "responsible_user",
    "responsible_body",
]


@transaction.atomic
def goal_update(
    *,
    actor: Any,
    goal: Goal,
    commitments: list[Commitment] | None = None,
    prerequisites: list[Prerequisite] | None = None,
    **changes: Any,
) -> Goal:
    """Change a goal's fields and, if given, the commitments and prerequisites it
    adopts; one audit entry holds the diff of both."""

    def related(fresh: Goal) -> dict[str, tuple[Any, Any]]:
        diffs: dict[str, tuple[Any, Any]] = {}
        for name, items in (("commitments", commitments), ("prerequisites", prerequisites)):
            manager = getattr(fresh, name)
            old = sorted(item.code for item in manager.all())
            if items is not None:
                manager.set(items)
                diffs[name] = (old, sorted(item.code for item in items))
            else:
                diffs[name] = (old, old)
        given = commitments is not None or prerequisites is not None
        if given and not diffs["commitments"][1] and not diffs["prerequisites"][1]:
            raise ValidationError(
                _(
                    "Vælg mindst ét »Derfor vil vi«-punkt eller én forudsætning, som målet "
                    "arbejder med."
                )
            )
        return diffs

    before = notices.audiences(goal.visibility, goal.status)
    audited_update(
        actor=actor,
        obj=goal,
        changes=changes,
        allowed=GOAL_UPDATE_FIELDS,
        organisation_id=goal.organisation_id,
        validate=_check_goal,
        after_save=related,
    )
    notices.goal_shared_notify(goal, before=before)
    transaction.on_commit(picture_invalidate)
    return goal


@transaction.atomic
def goal_copy(
    *, actor: Any, source: Goal, organisation: Organisation, estate: Estate | None = None
) -> Goal:
    """ "Adopt this goal": copy a published goal with its indicators (targets and
    baselines are the adopter's to set) into ``organisation`` as a draft, keeping the
    lineage on both sides."""
    if source.visibility != Visibility.PUBLIC or source.status == GoalStatus.DRAFT:
        raise ValidationError(_("Målet er ikke offentliggjort og kan ikke kopieres."))
    label = f"{source.title} – {source.organisation.name}"
    copy = goal_create(
        actor=actor,
        organisation=organisation,
        estate=estate,
        framework=source.framework,
        title=source.title,
        local_context=source.local_context,
        period_start=source.period_start,
        period_end=source.period_end,
        commitments=list(source.commitments.all()),
        prerequisites=list(source.prerequisites.all()),
        review_interval_months=source.review_interval_months,
        inspired_by=source,
        inspired_by_label=label[:300],
    )
    Goal.objects.filter(pk=source.pk).update(adoption_count=F("adoption_count") + 1)
    for indicator in source.indicators.all():
        Indicator.objects.create(
            goal=copy,
            title=indicator.title,
            unit=indicator.unit,
            direction=indicator.direction,
            baseline_value=indicator.baseline_value,
            baseline_date=indicator.baseline_date,
            target_value=indicator.target_value,
            target_date=indicator.target_date,
            tolerance=indicator.tolerance,
            source=indicator.source
            if indicator.source == IndicatorSource.METRIC
            else IndicatorSource.MANUAL,
            metric_key=indicator.metric_key,
        )
    notices.goal_adopted_notify(copy, source=source)
    return copy


def _check_indicator(indicator: Indicator) -> None:
    errors: dict[str, str] = {}
    if (
        indicator.target_date
        and indicator.baseline_date
        and (indicator.target_date <= indicator.baseline_date)
    ):
        errors["target_date"] = _("Måldatoen skal ligge efter udgangspunktets dato.")
    if (
        indicator.direction != Direction.MAINTAIN
        and indicator.target_value is not None
        and indicator.target_value == indicator.baseline_value
    ):
        errors["target_value"] = _(
            "Målet er det samme som udgangspunktet. Vælg retningen »Skal fastholdes«, "
            "eller sæt et andet mål."
        )
    if (
        indicator.direction == Direction.INCREASE
        and indicator.target_value < indicator.baseline_value
    ):
        errors["target_value"] = _("Tallet skal stige, men målet er lavere end udgangspunktet.")
    if (
        indicator.direction == Direction.DECREASE
        and indicator.target_value > indicator.baseline_value
    ):
        errors["target_value"] = _("Tallet skal falde, men målet er højere end udgangspunktet.")
    if indicator.source == IndicatorSource.METRIC:
        try:
            metric = metrics.get(indicator.metric_key)
        except metrics.UnknownMetric:
            errors["metric_key"] = _("Det beregnede tal findes ikke (længere) i Almen.")
        else:
            scope = "estate" if indicator.goal.estate_id else "organisation"
            if scope not in metric.scopes:
                errors["metric_key"] = _("Tallet kan ikke beregnes for dette måls niveau.")
    if errors:
        raise ValidationError(errors)
    indicator.full_clean()


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    goal: Goal,
    milestones: list[tuple[dt.date, Decimal]] | None = None,
    **fields: Any,
) -> Indicator:
    indicator = Indicator(goal=goal, **fields)
    _check_indicator(indicator)
    indicator.save()
    audit_record(
        actor=actor,
        action="create",
        obj=indicator,
        organisation_id=goal.organisation_id,
        after=snapshot(indicator),
    )
    if milestones:
        milestones_set(actor=actor, indicator=indicator, milestones=milestones)
    indicator_metric_backfill(actor=actor, indicator=indicator)
    transaction.on_commit(picture_invalidate)
    return indicator


# What an indicator update may change (it never moves to another goal).
INDICATOR_FIELDS = [
    "title",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "tolerance",
    "source",
    "metric_key",
    # Metadata (what the number means and where it comes from)
    "definition",
    "data_source",
    "method",
    "measured_by",
    "frequency",
]


@transaction.atomic
def indicator_update(
    *,
    actor: Any,
    indicator: Indicator,
    milestones: list[tuple[dt.date, Decimal]] | None = None,
    **changes: Any,
) -> Indicator:
    """Change the given fields (and, if given, replace the milestones) in one step."""
    audited_update(
        actor=actor,
        obj=indicator,
        changes=changes,
        allowed=INDICATOR_FIELDS,
        organisation_id=indicator.goal.organisation_id,
        validate=_check_indicator,
    )
    if milestones is not None:
        milestones_set(actor=actor, indicator=indicator, milestones=milestones)
    if "source" in changes or "metric_key" in changes:
        indicator_metric_backfill(actor=actor, indicator=indicator)
    transaction.on_commit(picture_invalidate)
    return indicator


# How many complete years back a newly bound metric is computed.
METRIC_BACKFILL_YEARS = 10


def indicator_metric_backfill(*, actor: Any, indicator: Indicator) -> list[Measurement]:
    """An indicator just bound to a metric gets a measurement for each complete
    calendar year after its baseline's year up to last year (at most
    ``METRIC_BACKFILL_YEARS``), dated 31 December, so its status is computed at once
    rather than after the next import. Years the metric has no data for are skipped."""
    if indicator.source != IndicatorSource.METRIC or not indicator.metric_key:
        return []
    last = timezone.localdate().year - 1
    first = max(indicator.baseline_date.year + 1, last - METRIC_BACKFILL_YEARS + 1)
    recorded = []
    for year in range(first, last + 1):
        try:
            recorded.append(
                indicator_refresh_from_metric(
                    actor=actor, indicator=indicator, on=dt.date(year, 12, 31)
                )
            )
        except ValidationError:
            continue  # no data for the year (or no longer a metric): nothing to record
    return recorded


@transaction.atomic
def milestones_set(
    *, actor: Any, indicator: Indicator, milestones: list[tuple[dt.date, Decimal]]
) -> None:
    """Replace the indicator's milestones (optional waypoints between baseline and
    target, drawn on its chart)."""
    for day, _value in milestones:
        if not indicator.baseline_date < day < indicator.target_date:
            raise ValidationError(
                {"milestones": _("Delmål skal ligge mellem udgangspunktet og måldatoen.")}
            )
    before = [[m.date.isoformat(), str(m.value)] for m in indicator.milestones.all()]
    after = [[d.isoformat(), str(v)] for d, v in sorted(milestones)]
    if before == after:
        return
    indicator.milestones.all().delete()
    Milestone.objects.bulk_create(
        [Milestone(indicator=indicator, date=d, value=v) for d, v in sorted(milestones)]
    )
    audit_record(
        actor=actor,
        action="update",
        obj=indicator,
        organisation_id=indicator.goal.organisation_id,
        before={"milestones": before},
        after={"milestones": after},
    )


def _check_measurement_date(date: dt.date) -> None:
    if not bounds.date_in_bounds(date):
        raise ValidationError({"date": bounds.DATE_BOUNDS_MESSAGE})
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("Datoen ligger i fremtiden. En måling skal være foretaget.")}
        )


def measurement_warning(indicator: Indicator, date: dt.date) -> str | None:
    """A measurement dated before the indicator's baseline is kept (a correction of
    history is allowed) but is not what the status is computed from nor drawn on the
    chart: the person is told so."""
    if date < indicator.baseline_date:
        return _(
            "Målingen %(date)s ligger før udgangspunktets dato %(baseline)s. Den gemmes og "
            "står i tabellen, men indgår ikke i status og vises ikke i grafen."
        ) % {
            "date": date.strftime("%d-%m-%Y"),
            "baseline": indicator.baseline_date.strftime("%d-%m-%Y"),
        }
    return None


@transaction.atomic
def measurement_record(
    *,
    actor: Any,
    indicator: Indicator,
    date: dt.date,
    value: Decimal,
    note: str = "",
    evidence_url: str = "",
    source: str = IndicatorSource.MANUAL,
) -> Measurement:
    """Record (or correct) the value on ``date``; one value per indicator and date.

    The indicator's row is locked first, so parallel records of the same date are
    serialised (the second corrects the first) instead of colliding on the unique
    constraint; should it collide anyway, the answer is a ValidationError, not a 500."""
    _check_measurement_date(date)
    Indicator.objects.select_for_update().filter(pk=indicator.pk).values_list("pk").first()
    existing = Measurement.objects.filter(indicator=indicator, date=date).first()
    before = snapshot(existing, ["value", "note"]) if existing else None
    measurement = existing or Measurement(indicator=indicator, date=date)
    measurement.value = value
    measurement.note = note
    measurement.evidence_url = evidence_url
    measurement.source = source
    measurement.created_by = actor if actor is not None and actor.is_authenticated else None
    measurement.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError:
        raise ValidationError(
            {"date": _("Der er allerede en måling på den dato. Prøv igen for at rette den.")},
            code="conflict",
        ) from None
    audit_record(
        actor=actor,
        action="update" if existing else "create",
        obj=measurement,
        organisation_id=indicator.goal.organisation_id,
        before=before,
        after=snapshot(measurement, ["value", "note"]),
    )
    transaction.on_commit(picture_invalidate)
    return measurement


@transaction.atomic
def indicator_refresh_from_metric(*, actor: Any, indicator: Indicator, on: dt.date) -> Measurement:
    """Compute the bound metric for the year up to ``on`` and record it."""
    try:
        metric = metrics.get(indicator.metric_key)
    except metrics.UnknownMetric:
        raise ValidationError(
            _(
                "Det beregnede tal »%s« findes ikke længere i Almen. Vælg et andet tal, eller "
                "indtast målingerne."
            )
            % indicator.metric_key
        ) from None
    goal = indicator.goal
    scope, scope_id = (
        ("estate", goal.estate_id) if goal.estate_id else ("organisation", goal.organisation_id)
    )
    value = metric.value(scope, scope_id, metrics.Period(on.replace(month=1, day=1), on))
    if value is None:
        raise ValidationError(_("Tallet kan ikke beregnes for perioden (ingen data)."))
    return measurement_record(
        actor=actor,
        indicator=indicator,
        date=on,
        value=value,
        source=IndicatorSource.METRIC,
        note=str(metric.label),
    )


@dataclass(frozen=True)
class MeasurementItem:
    date: dt.date
    value: Decimal
    note: str = ""
    evidence_url: str = ""


class BatchError(Exception):
    """A batch was refused at ``index`` (0 is the first item); nothing was saved."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


@transaction.atomic
def measurements_record(
    *,
    actor: Any,
    indicator: Indicator,
    items: list[MeasurementItem],
    source: str = IndicatorSource.IMPORTED,
) -> list[Measurement]:
    """Record many measurements, all or nothing: the first refusal rolls back the ones
    before it and raises BatchError naming the item. Used by the API and the import."""
    saved = []
    for index, item in enumerate(items):
        try:
            saved.append(
                measurement_record(
                    actor=actor,
                    indicator=indicator,
                    date=item.date,
                    value=item.value,
                    note=item.note,
                    evidence_url=item.evidence_url,
                    source=source,
                )
            )
        except ValidationError as exc:
            raise BatchError(index, exc) from None
    return saved


# --- idempotent creates ------------------------------------------------------------


def request_once[M: models.Model](
    *, owner: str, purpose: str, key: str, model: type[M], create: Callable[[], M]
) -> tuple[M | None, bool]:
    """Run ``create`` once per (owner, purpose, key): a repeated request (a double
    click, a retried API call) gets the object the first one made and ``False``.

    The key is claimed in the same transaction as the create: a parallel duplicate waits
    on the unique index until the first commits, then finds its result; if the first
    failed, the duplicate creates. ``None`` if the first result has since been deleted."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = RequestKey.objects.create(owner=owner, purpose=purpose, key=key)
        except IntegrityError:
            first = RequestKey.objects.get(owner=owner, purpose=purpose, key=key)
            found = model._default_manager.filter(pk=first.object_id).first()
            return found, False
        obj = create()
        claim.object_id = obj.pk
        claim.save(update_fields=["object_id"])
        return obj, True


@transaction.atomic
def action_create(*, actor: Any, goals: list[Goal], title: str, **fields: Any) -> Action:
    if not goals:
        raise ValidationError(_("En indsats skal tjene mindst ét mål."))
    organisation_ids = {g.organisation_id for g in goals}
    if len(organisation_ids) != 1:
        raise ValidationError(_("En indsats kan kun tjene mål i én organisation."))
    estates = {g.estate_id for g in goals}
    action = Action(
        organisation_id=organisation_ids.pop(),
        title=title,
        estate_id=estates.pop() if len(estates) == 1 else None,
        **fields,
    )
    responsible.check(action)
    action.full_clean()
    action.save()
    action.goals.set(goals)
    audit_record(
        actor=actor,
        action="create",
        obj=action,
        organisation_id=action.organisation_id,
        after=snapshot(action),
    )
    transaction.on_commit(picture_invalidate)
    return action


# What an action update may change (never its organisation or estate).
ACTION_FIELDS = [
    "title",
    "responsible",
    "responsible_user",
    "responsible_body",
    "start",
    "due",
    "status",
    "budget_dkk",
    "decision_id",
]


def _check_action(action: Action) -> None:
    responsible.check(action)
    action.full_clean()


@transaction.atomic
def action_update(*, actor: Any, action: Action, **changes: Any) -> Action:
    """Change the given fields only, on the current row (locked): two parallel changes
    of different fields both survive."""
    audited_update(
        actor=actor,
        obj=action,
        changes=changes,
        allowed=ACTION_FIELDS,
        organisation_id=action.organisation_id,
        validate=_check_action,
    )
    transaction.on_commit(picture_invalidate)
    return action


@transaction.atomic
def review_record(
    *,
    actor: Any,
    goal: Goal,
    date: dt.date,
    assessment: str,
    worked: str = "",
    did_not_work: str = "",
    change: str = "",
) -> Review:
    """Status/selvevaluering. The history is kept: reviews are never edited away."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("En status kan ikke dateres i fremtiden.")})
    if not (worked.strip() or did_not_work.strip() or change.strip()):
        raise ValidationError(
            _("Skriv mindst én ting: hvad virkede, hvad virkede ikke, eller hvad ændrer I?")
        )
    review = Review(
        goal=goal,
        date=date,
        assessment=assessment,
        worked=worked,
        did_not_work=did_not_work,
        change=change,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="create",
        obj=review,
        organisation_id=goal.organisation_id,
        after=snapshot(review, ["date", "assessment"]),
    )
    transaction.on_commit(picture_invalidate)
    return review


# --- measurement import ------------------------------------------------------------

MEASUREMENT_ALIASES = {
    "dato": "date",
    "date": "date",
    "maaned": "date",
    "måned": "date",
    "periode": "date",
    "værdi": "value",
    "vaerdi": "value",
    "value": "value",
    "tal": "value",
    "resultat": "value",
    "note": "note",
    "bemærkning": "note",
    "kommentar": "note",
    "dokumentation": "evidence_url",
    "link": "evidence_url",
    "kilde": "evidence_url",
}
MAX_MEASUREMENT_ROWS = 5000


@dataclass
class MeasurementImport:
    created: int = 0
    updated: int = 0
    findings: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message
    rows_read: int = 0  # data rows in the file (every one is saved or has a finding)
    # Saved, but worth a look (a date before the baseline): row, column, message.
    warnings: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def measurements_import(
    *, actor: Any, indicator: Indicator, fileobj: IO[bytes]
) -> MeasurementImport:
    """Import a CSV/XLSX of measurements (columns: dato; værdi; note; dokumentation),
    Danish conventions (decimal comma, dd-mm-yyyy). All or nothing: one bad row and
    nothing is saved, with every row's finding reported."""
    result = MeasurementImport()
    try:
        table = tabular.open_table(fileobj, aliases=MEASUREMENT_ALIASES)
    except tabular.TabularError as exc:
        result.findings.append((0, "", exc.message))
        return result
    missing = {"date", "value"} - set(table.headers)
    if missing:
        names = {"date": "dato", "value": "værdi"}
        result.findings.append(
            (1, "", _("Filen mangler kolonnen: %s") % ", ".join(names[m] for m in sorted(missing)))
        )
        return result
    parsed: dict[dt.date, tuple[int, Decimal, str, str]] = {}
    today = timezone.localdate()
    for number, row in table.rows_or_error(lambda m: result.findings.append((0, "", m))):
        if len(parsed) + len(result.findings) > MAX_MEASUREMENT_ROWS:
            result.findings.append(
                (number, "", _("Filen har for mange rækker (højst %d).") % MAX_MEASUREMENT_ROWS)
            )
            break
        try:
            day = tabular.parse_date(row.get("date"))
        except ValueError:
            result.findings.append(
                (
                    number,
                    "dato",
                    _("»%s« er ikke en gyldig dato (brug dd-mm-åååå).") % (row.get("date") or ""),
                )
            )
            continue
        try:
            value = tabular.parse_decimal(row.get("value"))
        except ValueError as exc:
            fallback = _("»%s« er ikke et tal.") % (row.get("value") or "")
            result.findings.append((number, "værdi", tabular.number_error(exc, fallback)))
            continue
        if not bounds.date_in_bounds(day):
            result.findings.append((number, "dato", str(bounds.DATE_BOUNDS_MESSAGE)))
            continue
        if day > today:
            result.findings.append((number, "dato", _("Datoen ligger i fremtiden.")))
            continue
        if day in parsed:
            result.findings.append(
                (number, "dato", _("Datoen står også i række %d.") % parsed[day][0])
            )
            continue
        note = csvsafe.neutralise(str(row.get("note") or "").strip())[:500]
        url = str(row.get("evidence_url") or "").strip()
        if url and not url.startswith(("http://", "https://")):
            result.findings.append(
                (number, "dokumentation", _("Linket skal begynde med https://."))
            )
            continue
        parsed[day] = (number, value, note, url)
    result.rows_read = table.rows_read
    try:
        tabular.check_rows_accounted(
            read=table.rows_read,
            accounted=len(parsed) + len({f[0] for f in result.findings if f[0]}),
        )
    except tabular.TabularError as exc:
        result.findings.append((0, "", exc.message))
    if not parsed and not result.findings:
        result.findings.append((0, "", _("Filen indeholder ingen målinger.")))
    if result.findings:
        return result
    rows = sorted(parsed.items())
    with transaction.atomic():
        existing = set(
            indicator.measurements.filter(date__in=list(parsed)).values_list("date", flat=True)
        )
        try:
            measurements_record(
                actor=actor,
                indicator=indicator,
                items=[
                    MeasurementItem(day, value, note, url) for day, (_n, value, note, url) in rows
                ],
            )
        except BatchError as exc:
            result.findings.append((rows[exc.index][1][0], "", " ".join(exc.error.messages)))
            return result
    result.updated = len(existing)
    result.created = len(rows) - len(existing)
    for day, (number, *_rest) in rows:
        warning = measurement_warning(indicator, day)
        if warning:
            result.warnings.append((number, "dato", warning))
    return result
