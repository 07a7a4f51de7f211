"""Pages of the green measures and biodiversity register: an estate's measures (list,
totals, map) and residents' involvement, a measure with its photos, the forms, and the
organisation's overview. Access is decided in ``green/access.py``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from almen.access.policy import deny, principal
from almen.attachments import uploads, validation
from almen.attachments.models import Attachment
from almen.attachments.selectors import attachments_of
from almen.green import access
from almen.green import measures_selectors as selectors
from almen.green import measures_services as services
from almen.green.measures_attachments import PHOTO_TYPES
from almen.green.measures_forms import InvolvementForm, MeasureForm, PhotoForm
from almen.green.models import GreenMeasure, Involvement, MeasurePhoto
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Estate

PER_PAGE = 25


def _estate_url(estate: Estate) -> str:
    return reverse("green:measures_estate", args=[estate.organisation.cvr, estate.number])


def measure_url(measure: GreenMeasure) -> str:
    estate = measure.estate
    return reverse(
        "green:measure_detail", args=[estate.organisation.cvr, estate.number, measure.public_id]
    )


def _measure(estate: Estate, measure_id: uuid.UUID) -> GreenMeasure:
    measure = (
        GreenMeasure.objects.select_related("building")
        .filter(estate=estate, public_id=measure_id)
        .first()
    )
    if measure is None:
        raise Http404
    measure.estate = estate
    return measure


def _readable_measure(request: HttpRequest, estate: Estate, measure_id: uuid.UUID) -> GreenMeasure:
    measure = _measure(estate, measure_id)
    if not access.can_read_measure(principal(request), estate, measure.visibility):
        deny(principal(request), can_read=False)
    return measure


def _involvement(estate: Estate, activity_id: uuid.UUID) -> Involvement:
    entry = Involvement.objects.filter(estate=estate, public_id=activity_id).first()
    if entry is None:
        raise Http404
    entry.estate = estate
    return entry


# --- the estate's register --------------------------------------------------------


@require_GET
def estate_measures(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    visibilities = access.measure_visibilities(p, estate)
    measures = selectors.estate_measures(estate, visibilities)
    page = Paginator(measures, PER_PAGE).get_page(request.GET.get("side"))
    involvements = selectors.estate_involvements(estate, visibilities)
    involvement_page = Paginator(involvements, PER_PAGE).get_page(request.GET.get("iside"))
    buildings = list(estate.buildings.order_by("address"))
    plan = selectors.estate_map(buildings, list(measures[: selectors.MAP_LIMIT + 1]))
    first = page.start_index() if page.object_list else 1
    return render(
        request,
        "green/measures/estate.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "summary": selectors.summary(measures),
            "page": page,
            "rows": [(first + i, m) for i, m in enumerate(page.object_list)],
            "involvement_page": involvement_page,
            "years": selectors.participants_by_year(involvements),
            "plan": plan,
            "can_manage": access.can_manage_measures(p, estate),
        },
    )


@require_GET
def measure_detail(
    request: HttpRequest, cvr: str, number: int, measure_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    measure = _readable_measure(request, estate, measure_id)
    p = principal(request)
    visibilities = access.measure_visibilities(p, estate)
    return render(
        request,
        "green/measures/detail.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "measure": measure,
            "photos": _photos(measure),
            "involvements": list(
                measure.involvements.filter(visibility__in=visibilities).order_by("-held_on")
            ),
            "can_manage": access.can_manage_measures(p, estate),
        },
    )


@dataclass(frozen=True)
class Photo:
    attachment: Attachment
    alt_text: str
    described: bool  # False: put up on the attachments page, without a description


def _photos(measure: GreenMeasure) -> list[Photo]:
    """The measure's images, each with its text for screen readers; one put up on the
    generic attachments page has none, and gets the measure's title (2 queries)."""
    texts = dict(
        MeasurePhoto.objects.filter(measure=measure).values_list("attachment_id", "alt_text")
    )
    fallback = _("Foto af tiltaget »%(title)s«") % {"title": measure.title}
    return [
        Photo(a, texts.get(a.pk, fallback), a.pk in texts)
        for a in reversed(attachments_of(measure))
        if a.mime_type.startswith("image/")
    ]


def _measure_changes(form: MeasureForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    for name in ("title", "place", "quantity_unit"):
        data[name] = (data.get(name) or "").strip()
    return {name: data.get(name) for name in services.MEASURE_FIELDS}


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    form = MeasureForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(
                actor=request.user,
                estate=estate,
                **_measure_changes(form),  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Tiltaget er registreret."))
            return redirect(measure_url(measure))
    return render(
        request,
        "green/measures/measure_form.html",
        {"estate": estate, "organisation": estate.organisation, "form": form, "measure": None},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def measure_edit(
    request: HttpRequest, cvr: str, number: int, measure_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    measure = _measure(estate, measure_id)
    form = MeasureForm(
        request.POST or None, estate=estate, initial=MeasureForm.initial_for(measure)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                actor=request.user, measure=measure, changes=_measure_changes(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Tiltaget er gemt."))
            return redirect(measure_url(measure))
    return render(
        request,
        "green/measures/measure_form.html",
        {"estate": estate, "organisation": estate.organisation, "form": form, "measure": measure},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def measure_delete(
    request: HttpRequest, cvr: str, number: int, measure_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    measure = _measure(estate, measure_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        title = measure.title
        services.measure_delete(actor=request.user, measure=measure)
        messages.success(request, _("»%(title)s« er slettet.") % {"title": title})
        return redirect(_estate_url(estate))
    return render(
        request,
        "green/measures/delete.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "object": measure,
            "what": "measure",
            "back": measure_url(measure),
        },
    )


# --- photos -----------------------------------------------------------------------


def _photo_page(
    request: HttpRequest,
    estate: Estate,
    measure: GreenMeasure,
    form: PhotoForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "green/measures/photo_form.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "measure": measure,
            "form": form,
            "max_mb": validation.max_mb(),
            "allowed": validation.allowed_text_for(PHOTO_TYPES),
        },
        status=status,
    )


def _too_big(request: HttpRequest, estate: Estate, measure: GreenMeasure) -> HttpResponse:
    form = PhotoForm(data={})
    form.errors.clear()
    form.errors["file"] = form.error_class([validation.too_big_message()])
    return _photo_page(request, estate, measure, form, status=413)


# As attachments' own upload: authorise and look at the declared size before the body
# is read, so the CSRF check (which reads the body) runs inside, after that.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def measure_photo_add(
    request: HttpRequest, cvr: str, number: int, measure_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    measure = _measure(estate, measure_id)
    if request.method != "POST":
        return _photo_get(request, estate, measure)
    if uploads.declared_too_big(request):
        return _too_big(request, estate, measure)
    handler = uploads.LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _photo_post(request, estate, measure, handler)


@csrf_protect
def _photo_get(request: HttpRequest, estate: Estate, measure: GreenMeasure) -> HttpResponse:
    return _photo_page(request, estate, measure, PhotoForm())


@csrf_protect
def _photo_post(
    request: HttpRequest,
    estate: Estate,
    measure: GreenMeasure,
    handler: uploads.LimitedUploadHandler,
) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if handler.too_big:
        return _too_big(request, estate, measure)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.measure_photo_add(
                actor=request.user,
                measure=measure,
                fileobj=upload,
                name=upload.name or "",
                size=upload.size or 0,
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                form.add_error("file", exc)
        else:
            messages.success(request, _("Fotoet er lagt op."))
            return redirect(measure_url(measure) + "#fotos")
    too_big = any(e.code == "too_big" for e in form.errors.as_data().get("file", []))
    return _photo_page(request, estate, measure, form, status=413 if too_big else 400)


# --- involvement ------------------------------------------------------------------


def _involvement_changes(form: InvolvementForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    data["title"] = (data.get("title") or "").strip()
    return {name: data.get(name) for name in services.INVOLVEMENT_FIELDS}


@require_http_methods(["GET", "POST"])
def involvement_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    form = InvolvementForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_create(
                actor=request.user,
                estate=estate,
                **_involvement_changes(form),  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inddragelsen er registreret."))
            return redirect(_estate_url(estate) + "#inddragelse")
    return render(
        request,
        "green/measures/involvement_form.html",
        {"estate": estate, "organisation": estate.organisation, "form": form, "entry": None},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def involvement_edit(
    request: HttpRequest, cvr: str, number: int, activity_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    entry = _involvement(estate, activity_id)
    form = InvolvementForm(
        request.POST or None, estate=estate, initial=InvolvementForm.initial_for(entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_update(
                actor=request.user, entry=entry, changes=_involvement_changes(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inddragelsen er gemt."))
            return redirect(_estate_url(estate) + "#inddragelse")
    return render(
        request,
        "green/measures/involvement_form.html",
        {"estate": estate, "organisation": estate.organisation, "form": form, "entry": entry},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def involvement_delete(
    request: HttpRequest, cvr: str, number: int, activity_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_measures(request, cvr, number)
    entry = _involvement(estate, activity_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        title = entry.title
        services.involvement_delete(actor=request.user, entry=entry)
        messages.success(request, _("»%(title)s« er slettet.") % {"title": title})
        return redirect(_estate_url(estate) + "#inddragelse")
    return render(
        request,
        "green/measures/delete.html",
        {
            "estate": estate,
            "organisation": estate.organisation,
            "object": entry,
            "what": "involvement",
            "back": _estate_url(estate) + "#inddragelse",
        },
    )


# --- the organisation's overview ------------------------------------------------------


@require_GET
def organisation_measures(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_measures(request, cvr)
    measures = GreenMeasure.objects.filter(estate__organisation=organisation)
    return render(
        request,
        "green/measures/organisation.html",
        {
            "organisation": organisation,
            "summary": selectors.summary(measures),
            "page": Paginator(selectors.organisation_estates(organisation), 50).get_page(
                request.GET.get("side")
            ),
            "kinds": selectors.organisation_kinds(organisation),
            "years": selectors.organisation_participants(organisation),
        },
    )
