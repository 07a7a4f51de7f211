from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from almen.access.policy import deny, principal
from almen.goals import access, picture, responsible, selectors, services
from almen.goals.forms import (
    ActionForm,
    GoalForm,
    IndicatorForm,
    LibraryForm,
    MeasurementForm,
    MeasurementImportForm,
    NationalFilterForm,
    ReviewForm,
)
from almen.goals.library import LibraryQuery, library_search
from almen.goals.models import Action, Framework, Goal, GoalStatus, Indicator
from almen.goals.progress import Status
from almen.lib import decisions
from almen.lib.charts import bar_chart_svg
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Estate, Municipality, Organisation


@require_GET
def framework_detail(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    framework = access.framework_for_view(request, slug)
    return render(request, "goals/framework_detail.html", {"framework": framework})


@require_GET
def cornerstone_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cornerstone = access.cornerstone_for_view(request, slug, number)
    return render(
        request,
        "goals/cornerstone_detail.html",
        {"framework": cornerstone.framework, "cornerstone": cornerstone},
    )


@require_GET
def commitment_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    commitment = access.commitment_for_view(request, slug, code)
    cornerstone = commitment.cornerstone
    goals = library_search(LibraryQuery(commitment=commitment.code)).prefetch_related("commitments")
    return render(
        request,
        "goals/commitment_detail.html",
        {
            "framework": cornerstone.framework,
            "cornerstone": cornerstone,
            "commitment": commitment,
            "goals": goals[:20],
            # Counting thousands of published goals on every view is the slow part.
            "goal_count": picture.cached_on_goals(f"commitment-count:{code}", goals.count),
        },
    )


# --- local goals -----------------------------------------------------------------------


@require_GET
def goal_list(request: HttpRequest) -> HttpResponse:
    """Goals the person may see: their own organisation's first."""
    p = principal(request)
    goals = (
        access.visible_goals(p)
        .select_related("organisation", "estate")
        .prefetch_related("commitments")
        .order_by("organisation__name", "estate__number", "title")
    )
    own = p.staff_organisations | p.board_organisations | p.member_organisations
    mine = request.GET.get("mine") == "1"
    # The dashboard's links (goals.manifest.overview_panel): one's own goals in a phase
    # (``fase``: kladde, vedtaget, afsluttet) or with a computed status (``status``).
    phase = request.GET.get("fase", "")
    status = request.GET.get("status", "")
    scope = selectors.own_scope(p)
    filtered: str = ""
    if mine and scope is not None and (phase or status):
        goals = goals.filter(scope)
        if phase in GoalStatus.values:
            goals = goals.filter(status=phase)
            filtered = str(GoalStatus(phase).label)
        if status in {*Status.values, selectors.NO_INDICATOR}:
            goals = selectors.goals_with_status(goals, status)
            filtered = (
                _("Uden indikator")
                if status == selectors.NO_INDICATOR
                else str(Status(status).label)
            )
    elif mine and own:
        goals = goals.filter(organisation_id__in=own)
    page = Paginator(goals, 25).get_page(request.GET.get("side"))
    places = access.places_for_copy(request) if p.user_id else []
    return render(
        request,
        "goals/goal_list.html",
        {"page": page, "places": places, "filtered": filtered},
    )


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, cvr: str) -> HttpResponse:
    place = access.organisation_for_goal_create(request, cvr)
    framework = Framework.objects.current()
    if framework is None:
        raise Http404
    form = GoalForm(
        request.POST or None,
        organisation=place.organisation,
        estates=place.estates,
        framework=framework,
        org_level=place.org_level,
        principal=principal(request),
        initial={
            "period_start": dt.date(framework.period_start, 1, 1),
            "period_end": dt.date(framework.period_end, 12, 31),
            # One-time token: the same form sent twice (a double click) creates one goal.
            "form_token": uuid.uuid4().hex,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop("form_token")

        def create() -> Goal:
            return services.goal_create(
                actor=request.user,
                organisation=place.organisation,
                framework=framework,
                commitments=list(data.pop("commitments")),
                prerequisites=list(data.pop("prerequisites")),
                **data,
            )

        try:
            if token:
                goal, created = services.request_once(
                    owner=f"user:{request.user.pk}",
                    purpose="goal_create",
                    key=token,
                    model=Goal,
                    create=create,
                )
            else:
                goal, created = create(), True
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if goal is None:
                messages.error(request, _("Målet fra denne formular er slettet igen."))
                return redirect("goals:goal_list")
            if created:
                messages.success(request, _("Målet er oprettet. Tilføj nu en indikator."))
            else:
                messages.info(request, _("Formularen var allerede sendt: her er målet."))
            return redirect("goals:goal_detail", goal.public_id)
    return render(
        request,
        "goals/goal_form.html",
        {"form": form, "organisation": place.organisation, "goal": None},
        status=form_status(request, form),
    )


@require_GET
def goal_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = access.goal_for_view(request, public_id)
    p = principal(request)
    today = timezone.localdate()
    # Commitments, indicators (chart, calculation, data table) and reviews are the same
    # for everyone who may see the goal: rendered once per goal version.
    body = selectors.goal_page_body(goal)
    can_manage = access.can_manage_goal(p, goal)
    # Few goals adopt or contribute to one goal: check each with the per-object rule
    # instead of filtering by every goal the person may see (22,000 for the sector).
    # Which goals they are is part of the cached body; the rows are read fresh, in
    # one query, and only when there are any.
    linked: dict[int, Goal] = {}
    if body.adoption_ids or body.contribution_ids:
        rows = Goal.objects.filter(pk__in=(*body.adoption_ids, *body.contribution_ids))
        linked = {
            g.pk: g
            for g in rows.select_related("organisation__municipality", "estate__municipality")
        }
    adoptions = [
        a
        for a in (linked.get(pk) for pk in body.adoption_ids)
        if a is not None and a.inspired_by_id == goal.pk and access.can_view_goal(p, a)
    ][:20]
    contributions = [
        c
        for c in (linked.get(pk) for pk in body.contribution_ids)
        if c is not None and c.contributes_to_id == goal.pk and access.can_view_goal(p, c)
    ]
    actions = (
        list(
            goal.actions.select_related(
                "responsible_user", "responsible_body__organisation", "responsible_body__estate"
            ).order_by("due")
        )
        if body.has_actions
        else []
    )
    # The decisions that adopted the goal and created its actions, from the decision
    # register (lib.decisions, decision 0029): one call for the page, and only those
    # the person may see; the others keep their text reference.
    refs = decisions.resolve([goal.decision_id, *(a.decision_id for a in actions)], p)
    for a in actions:
        a.decision_ref = refs.get(a.decision_id) if a.decision_id else None  # type: ignore[attr-defined]
    return render(
        request,
        "goals/goal_detail.html",
        {
            "goal": goal,
            "body": body,
            "actions": actions,
            "decision": refs.get(goal.decision_id) if goal.decision_id else None,
            "responsible": responsible.label_for(goal, p),
            # A person named responsible for an action: by name for the organisation's
            # own people, "en person i organisationen" for everyone else.
            "show_person_names": p.superuser
            or goal.organisation_id
            in (p.staff_organisations | p.board_organisations | p.member_organisations),
            "review_due": selectors.review_due_after(goal, body.last_review, today),
            "today": today,
            "can_manage": can_manage,
            "adoption_count": goal.adoption_count,
            "adoptions": adoptions,
            "inspired_by_visible": goal.inspired_by is not None
            and access.can_view_goal(p, goal.inspired_by),
            "contributions": contributions,
            "measurement_form": MeasurementForm(initial={"date": today}),
            "import_form": MeasurementImportForm(),
            "places": access.places_for_copy(request) if p.user_id else [],
        },
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    place = access.place_for_edit(request, goal)
    form = GoalForm(
        request.POST or None,
        instance=goal,
        organisation=place.organisation,
        estates=place.estates,
        framework=goal.framework,
        org_level=place.org_level,
        principal=principal(request),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("estate", None)  # a goal does not move between estates
        data.pop("form_token", None)
        try:
            services.goal_update(
                actor=request.user,
                goal=goal,
                commitments=list(data.pop("commitments")),
                prerequisites=list(data.pop("prerequisites")),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect("goals:goal_detail", goal.public_id)
    return render(
        request,
        "goals/goal_form.html",
        {"form": form, "organisation": goal.organisation, "goal": goal},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def goal_copy(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Adopt this goal": a draft copy in one's own organisation, with lineage."""
    source = access.goal_for_view(request, public_id)
    places = access.places_for_copy(request)
    if not places:
        deny(principal(request), can_read=True)
    if request.method == "POST":
        choice = request.POST.get("place", "")
        target = _place_from_choice(places, choice)
        if target is None:
            messages.error(request, _("Vælg hvor kopien skal ligge."))
        else:
            organisation, estate = target
            try:
                copy = services.goal_copy(
                    actor=request.user, source=source, organisation=organisation, estate=estate
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Målet er kopieret som kladde. Tilpas det til jer."))
                return redirect("goals:goal_edit", copy.public_id)
    return render(request, "goals/goal_copy.html", {"goal": source, "places": places})


def _place_from_choice(
    places: list[access.GoalPlace], choice: str
) -> tuple[Organisation, Estate | None] | None:
    """``choice`` is "org:<cvr>" or "estate:<cvr>:<number>"."""
    parts = choice.split(":")
    for place in places:
        if parts[:2] == ["org", place.organisation.cvr] and place.org_level and len(parts) == 2:
            return place.organisation, None
        if len(parts) == 3 and parts[:2] == ["estate", place.organisation.cvr]:
            estate = place.estates.filter(number=parts[2]).first() if parts[2].isdigit() else None
            if estate is not None:
                return place.organisation, estate
    return None


@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    return _indicator_form(request, goal, None)


@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, public_id: UUID, indicator_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    indicator = access.indicator_for_manage(goal, indicator_id)
    return _indicator_form(request, goal, indicator)


def _indicator_form(request: HttpRequest, goal: Goal, indicator: Indicator | None) -> HttpResponse:
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if indicator is None:
                services.indicator_create(actor=request.user, goal=goal, **data)
            else:
                services.indicator_update(actor=request.user, indicator=indicator, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indikatoren er gemt."))
            return redirect("goals:goal_detail", goal.public_id)
    return render(
        request,
        "goals/indicator_form.html",
        {"form": form, "goal": goal, "indicator": indicator},
        status=form_status(request, form),
    )


@require_POST
def measurement_add(request: HttpRequest, public_id: UUID, indicator_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    indicator = access.indicator_for_manage(goal, indicator_id)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_record(
                actor=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            warning = services.measurement_warning(indicator, form.cleaned_data["date"])
            if warning:
                messages.warning(request, warning)
    if form.errors:
        return render(
            request,
            "goals/measurement_form.html",
            {"form": form, "goal": goal, "indicator": indicator},
            status=400,
        )
    messages.success(request, _("Målingen er gemt."))
    return redirect(f"{goal_url(goal)}#indikator-{indicator.public_id}")


@require_http_methods(["GET", "POST"])
def measurements_import(request: HttpRequest, public_id: UUID, indicator_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    indicator = access.indicator_for_manage(goal, indicator_id)
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.measurements_import(
            actor=request.user, indicator=indicator, fileobj=form.cleaned_data["file"]
        )
        if result.ok:
            for number, _column, warning in result.warnings:
                messages.warning(
                    request, _("Række %(n)d: %(text)s") % {"n": number, "text": warning}
                )
            messages.success(
                request,
                _("%(rows)d rækker læst: %(created)d nye og %(updated)d rettede målinger er gemt.")
                % {"rows": result.rows_read, "created": result.created, "updated": result.updated},
            )
            return redirect(f"{goal_url(goal)}#indikator-{indicator.public_id}")
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "goals/measurement_import.html",
        {"form": form, "goal": goal, "indicator": indicator, "result": result},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    return _action_form(request, goal, None)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, public_id: UUID, action_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    return _action_form(request, goal, access.action_for_manage(goal, action_id))


def _action_form(request: HttpRequest, goal: Goal, action: Action | None) -> HttpResponse:
    form = ActionForm(
        request.POST or None,
        instance=action,
        organisation=goal.organisation,
        principal=principal(request),
        estate_id=goal.estate_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                services.action_create(actor=request.user, goals=[goal], **form.cleaned_data)
            else:
                services.action_update(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Indsatsen er gemt."))
            return redirect(f"{goal_url(goal)}#indsatser")
    return render(
        request,
        "goals/action_form.html",
        {"form": form, "goal": goal, "action": action},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    goal = access.goal_for_manage(request, public_id)
    form = ReviewForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status er gemt."))
            return redirect(f"{goal_url(goal)}#status")
    return render(
        request,
        "goals/review_form.html",
        {"form": form, "goal": goal},
        status=form_status(request, form),
    )


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """ "Mine indsatser": the actions and goals a person is responsible for, themselves or
    as a member of the responsible body."""
    p = principal(request)
    user = request.user
    return render(
        request,
        "goals/my_actions.html",
        {
            "actions": selectors.actions_for_user(user, principal=p),  # type: ignore[arg-type]
            "goals": selectors.goals_for_user(user, principal=p),  # type: ignore[arg-type]
            "today": timezone.localdate(),
        },
    )


def goal_url(goal: Goal) -> str:
    return reverse("goals:goal_detail", args=[goal.public_id])


# --- inspiration library ----------------------------------------------------------------


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """Inspiration: published goals from the whole sector, most adopted first."""
    form = LibraryForm(request.GET or None)
    query = LibraryQuery()
    if form.is_valid():
        data = form.cleaned_data
        query = LibraryQuery(
            text=data["q"].strip(),
            commitment=data["commitment"],
            municipality=data["municipality"],
            region=data["region"],
            size=data["size"],
            indicator=data["indicator"].strip(),
        )
    goals = library_search(query).prefetch_related("commitments")
    paginator = Paginator(goals, 20)
    # The same search is counted once until a goal changes (the count is the slow part).
    paginator.count = picture.cached_on_goals(f"library-count:{query!r}", goals.count)
    page = paginator.get_page(request.GET.get("side"))
    params = request.GET.copy()
    params.pop("side", None)
    return render(
        request,
        "goals/library.html",
        {
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "can_copy": bool(principal(request).user_id and access.places_for_copy(request)),
        },
    )


# --- the national and municipal picture ---------------------------------------------


def national_filtered(request: HttpRequest) -> tuple[NationalFilterForm, picture.Picture]:
    """The filter form (GET) and the picture for its filters; an invalid filter gives
    the form its errors and the unfiltered picture."""
    form = NationalFilterForm(request.GET or None)
    result = picture.national_picture(access.picture_level(request), **form.filters())
    return form, result


@require_GET
def national(request: HttpRequest) -> HttpResponse:
    """Adoption per commitment, statuses and roll-ups, per municipality and region,
    filterable by region and commitment. Everyone sees published goals; sector staff
    also those shared with the sector."""
    form, result = national_filtered(request)
    chart = bar_chart_svg(
        title=_("Andel af boligerne med et lokalt mål, pr. »Derfor vil vi«-punkt"),
        description=_(
            "Procent af alle boliger i Almen, der er omfattet af mindst ét delt "
            "lokalt mål for punktet."
        ),
        bars=[(row["commitment"].code, row["share"]) for row in result.commitments],
        unit=" %",
    )
    # The filters, for the download links beside each table.
    query = urlencode(
        {k: v for k, v in (("region", result.region), ("commitment", result.commitment)) if v}
    )
    return render(
        request,
        "goals/national.html",
        {
            "picture": result,
            "chart": chart,
            "status_labels": dict(Status.choices),
            "form": form,
            "csv_query": f"?{query}" if query else "",
        },
        status=400 if form.errors else 200,
    )


@require_GET
def municipality_overview(request: HttpRequest) -> HttpResponse:
    """For a municipality officer: what organisations share with the municipality."""
    municipalities = access.municipalities_for_overview(request)
    goals = access.goals_shared_with_municipalities(request).select_related(
        "organisation", "estate"
    )
    indicators = list(selectors.with_latest(Indicator.objects.filter(goal__in=goals.values("pk"))))
    statuses = Counter(selectors.calculation(i).status for i in indicators)
    page = Paginator(goals, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "goals/municipality.html",
        {
            "page": page,
            "figures": picture.municipality_figures(municipalities),
            "municipalities": Municipality.objects.filter(pk__in=municipalities),
            "statuses": [(s, statuses.get(s, 0)) for s in Status],
            "indicator_count": len(indicators),
        },
    )
