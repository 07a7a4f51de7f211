"""State changes for local goals. Each validates first, records an audit entry, and is
the one path used by views, API and commands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
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
    Review,
)
from almen.goals.picture import picture_invalidate
from almen.goals.progress import Direction
from almen.lib import csvsafe, metrics, tabular
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
        after=snapshot(goal, GOAL_FIELDS),
    )
    transaction.on_commit(picture_invalidate)
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, **changes: Any) -> Goal:
    unknown = set(changes) - set(GOAL_FIELDS) - {"contributes_to", "adopted_by"}
    if unknown:
        raise ValidationError(_("Disse felter kan ikke ændres: %s") % ", ".join(sorted(unknown)))
    before = snapshot(goal, GOAL_FIELDS)
    for key, value in changes.items():
        setattr(goal, key, value)
    _check_goal(goal)
    goal.save()
    after = snapshot(goal, GOAL_FIELDS)
    if before != after:
        audit_record(
            actor=actor,
            action="update",
            obj=goal,
            organisation_id=goal.organisation_id,
            before=before,
            after=after,
        )
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
def indicator_create(*, actor: Any, goal: Goal, **fields: Any) -> Indicator:
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
    transaction.on_commit(picture_invalidate)
    return indicator


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    before = snapshot(indicator)
    for key, value in changes.items():
        setattr(indicator, key, value)
    _check_indicator(indicator)
    indicator.save()
    audit_record(
        actor=actor,
        action="update",
        obj=indicator,
        organisation_id=indicator.goal.organisation_id,
        before=before,
        after=snapshot(indicator),
    )
    transaction.on_commit(picture_invalidate)
    return indicator


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
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("Datoen ligger i fremtiden. En måling skal være foretaget.")}
        )


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
    """Record (or correct) the value on ``date``; one value per indicator and date."""
    _check_measurement_date(date)
    existing = Measurement.objects.filter(indicator=indicator, date=date).first()
    before = snapshot(existing, ["value", "note"]) if existing else None
    measurement = existing or Measurement(indicator=indicator, date=date)
    measurement.value = value
    measurement.note = note
    measurement.evidence_url = evidence_url
    measurement.source = source
    measurement.created_by = actor if actor is not None and actor.is_authenticated else None
    measurement.full_clean(validate_unique=False)
    measurement.save()
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


@transaction.atomic
def action_update(*, actor: Any, action: Action, **changes: Any) -> Action:
    before = snapshot(action)
    for key, value in changes.items():
        setattr(action, key, value)
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action="update",
        obj=action,
        organisation_id=action.organisation_id,
        before=before,
        after=snapshot(action),
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
    with transaction.atomic():
        existing = {m.date: m for m in indicator.measurements.filter(date__in=list(parsed))}
        for day, (_number, value, note, url) in sorted(parsed.items()):
            if day in existing:
                result.updated += 1
            else:
                result.created += 1
            measurement_record(
                actor=actor,
                indicator=indicator,
                date=day,
                value=value,
                note=note,
                evidence_url=url,
                source=IndicatorSource.IMPORTED,
            )
    return result
