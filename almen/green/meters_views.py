"""Pages of the meters part: an estate's meters, a meter with its readings, months,
exchanges and sub-meters, typing in a reading, recording a meter exchange, the
buildings' built year and heated area, and the energy-label register. Thin: access in
``access.py``, changes in ``meters_services.py``, reads in ``meters_selectors.py``."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from almen.access.policy import principal
from almen.green import access
from almen.green import meters_selectors as selectors
from almen.green import meters_services as services
from almen.green.meters_forms import (
    BuildingForm,
    ConfirmForm,
    ExchangeForm,
    LabelForm,
    MeterForm,
    ReadingForm,
)
from almen.green.models import EnergyLabel, Meter, MeterMode, Reading
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Estate

READINGS_PER_PAGE = 50
GET = ["GET", "HEAD"]
GET_POST = ["GET", "HEAD", "POST"]


def _meter_for(estate: Estate, meter_id: uuid.UUID) -> Meter:
    try:
        return Meter.objects.select_related("estate", "supplier", "building", "parent").get(
            estate=estate, public_id=meter_id
        )
    except Meter.DoesNotExist:
        raise Http404 from None


def _meter_url(meter: Meter) -> HttpResponse:
    estate = meter.estate
    return redirect("green:meter_detail", estate.organisation.cvr, estate.number, meter.public_id)


def _base(estate: Estate, **extra: Any) -> dict[str, Any]:
    return {"estate": estate, "organisation": estate.organisation, **extra}


# --- meters ---------------------------------------------------------------------------


@require_http_methods(GET)
def meter_list(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    return render(
        request,
        "green/meters/meter_list.html",
        _base(
            estate,
            meters=list(selectors.estate_meters(estate)),
            default_area=selectors.estate_price_area(estate),
            can_manage=access.can_manage_green(p, estate.organisation_id),
        ),
    )


def _meter_values(form: MeterForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "number": data["number"],
        "name": data["name"],
        "kind": data["kind"],
        "unit": data["unit"],
        "mode": data["mode"],
        "supplier": data["supplier"],
        "price_area": data["price_area"],
        "parent": data["parent"],
        "building": data["building"],
        "installed_on": data["installed_on"],
        "removed_on": data["removed_on"],
    }


def _meter_form(request: HttpRequest, estate: Estate, meter: Meter | None) -> tuple[MeterForm, str]:
    area = selectors.estate_price_area(estate)
    initial = None
    if meter is not None:
        initial = {
            "number": meter.number,
            "name": meter.name,
            "kind": meter.kind,
            "unit": meter.unit,
            "mode": meter.mode,
            "supplier": meter.supplier_id,
            "price_area": meter.price_area,
            "parent": meter.parent_id,
            "building": meter.building_id,
            "installed_on": meter.installed_on,
            "removed_on": meter.removed_on,
        }
    form = MeterForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        estate=estate,
        suppliers=selectors.supplier_choices(estate),
        default_area=area,
        meter=meter,
    )
    return form, area


@require_http_methods(GET_POST)
def meter_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    form, _area = _meter_form(request, estate, None)
    if request.method == "POST" and form.is_valid():
        try:
            meter = services.meter_create(actor=request.user, estate=estate, **_meter_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Måleren er oprettet."))
            return _meter_url(meter)
    return render(
        request,
        "green/meters/meter_form.html",
        _base(estate, form=form, meter=None),
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def meter_edit(request: HttpRequest, cvr: str, number: int, meter_id: uuid.UUID) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    meter = _meter_for(estate, meter_id)
    form, _area = _meter_form(request, estate, meter)
    if request.method == "POST" and form.is_valid():
        try:
            services.meter_update(actor=request.user, meter=meter, **_meter_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Måleren er gemt."))
            return _meter_url(meter)
    return render(
        request,
        "green/meters/meter_form.html",
        _base(estate, form=form, meter=meter),
        status=form_status(request, form),
    )


@require_http_methods(GET)
def meter_detail(request: HttpRequest, cvr: str, number: int, meter_id: uuid.UUID) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    meter = _meter_for(estate, meter_id)
    p = principal(request)
    can_manage = access.can_manage_green(p, estate.organisation_id)
    readings = Paginator(meter.readings.order_by("-at"), READINGS_PER_PAGE)
    return render(
        request,
        "green/meters/meter_detail.html",
        _base(
            estate,
            meter=meter,
            page=readings.get_page(request.GET.get("side")),
            months=selectors.meter_months(meter),
            exchanges=list(meter.exchanges.order_by("-on")),
            sub_meters=list(meter.sub_meters.order_by("number")),
            default_area=selectors.estate_price_area(estate),
            base_unit=_base_unit_label(meter),
            can_manage=can_manage,
            reading_form=(
                ReadingForm(meter=meter, initial={"date": timezone.localdate()})
                if can_manage
                else None
            ),
            interval=meter.mode == MeterMode.INTERVAL,
        ),
    )


@require_http_methods(GET_POST)
def meter_delete(request: HttpRequest, cvr: str, number: int, meter_id: uuid.UUID) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    meter = _meter_for(estate, meter_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    refusal = services.meter_delete_refusal(meter)
    status = 200
    if request.method == "POST":
        if refusal is None and form.is_valid():
            services.meter_delete(actor=request.user, meter=meter)
            messages.success(
                request,
                _("Måler %(number)s er slettet med sine aflæsninger.") % {"number": meter.number},
            )
            return redirect("green:meter_list", cvr=estate.organisation.cvr, number=estate.number)
        status = 400
    return render(
        request,
        "green/meters/meter_delete.html",
        _base(
            estate,
            meter=meter,
            form=form,
            refusal=refusal,
            readings=meter.readings.count(),
            exchanges=meter.exchanges.count(),
        ),
        status=status,
    )


def _base_unit_label(meter: Meter) -> str:
    from almen.green.units import base_unit, unit_label

    return unit_label(base_unit(meter.kind))


# --- readings and exchanges -----------------------------------------------------------


@require_http_methods(GET_POST)
def reading_create(
    request: HttpRequest, cvr: str, number: int, meter_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    meter = _meter_for(estate, meter_id)
    form = ReadingForm(request.POST if request.method == "POST" else None, meter=meter)
    if request.method == "POST" and form.is_valid():
        try:
            reading, replaced = services.reading_create(
                actor=request.user,
                meter=meter,
                at=form.at(),
                value=form.cleaned_data["value"],
                start=form.start(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if replaced is not None and replaced != reading.value:
                messages.warning(
                    request,
                    _(
                        "Der var allerede en aflæsning på det tidspunkt (%(old)s). Den er "
                        "erstattet af %(new)s."
                    )
                    % {"old": _number(replaced), "new": _number(reading.value)},
                )
            elif replaced is not None:
                messages.info(request, _("Aflæsningen fandtes allerede med samme værdi."))
            else:
                messages.success(request, _("Aflæsningen er gemt."))
            return _meter_url(meter)
    return render(
        request,
        "green/meters/reading_form.html",
        _base(estate, meter=meter, form=form),
        status=form_status(request, form),
    )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _reading_for(estate: Estate, reading_id: int) -> Reading:
    try:
        return Reading.objects.select_related("meter__estate__organisation").get(
            pk=reading_id, meter__estate=estate
        )
    except Reading.DoesNotExist:
        raise Http404 from None


@require_http_methods(GET_POST)
def reading_delete(request: HttpRequest, cvr: str, number: int, reading_id: int) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    reading = _reading_for(estate, reading_id)
    meter = reading.meter
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.reading_delete(actor=request.user, reading=reading)
        messages.success(request, _("Aflæsningen er slettet."))
        return _meter_url(meter)
    return render(
        request,
        "green/meters/reading_delete.html",
        _base(estate, meter=meter, reading=reading, form=form),
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def exchange_create(
    request: HttpRequest, cvr: str, number: int, meter_id: uuid.UUID
) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    meter = _meter_for(estate, meter_id)
    form = ExchangeForm(request.POST if request.method == "POST" else None, meter=meter)
    if request.method == "POST" and form.is_valid():
        try:
            services.meter_exchange_create(
                actor=request.user,
                meter=meter,
                on=form.on(),
                old_end=form.cleaned_data["old_end"],
                new_start=form.cleaned_data["new_start"],
                new_number=form.cleaned_data["new_number"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Målerudskiftningen er registreret."))
            return _meter_url(meter)
    last = meter.readings.order_by("-at").first()
    return render(
        request,
        "green/meters/exchange_form.html",
        _base(estate, meter=meter, form=form, last=last),
        status=form_status(request, form),
    )


# --- buildings ------------------------------------------------------------------------


@require_http_methods(GET)
def building_list(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    return render(
        request,
        "green/meters/building_list.html",
        _base(
            estate,
            buildings=list(selectors.buildings_with_area(estate)),
            can_manage=access.can_manage_green(p, estate.organisation_id),
        ),
    )


@require_http_methods(GET_POST)
def building_edit(request: HttpRequest, cvr: str, number: int, building_id: int) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    building = selectors.buildings_with_area(estate).filter(pk=building_id).first()
    if building is None:
        raise Http404
    form = BuildingForm(
        request.POST if request.method == "POST" else None,
        initial={"built_year": building.built_year, "heated_area_m2": building.heated_area_m2},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.building_update(
                actor=request.user,
                building=building,
                built_year=form.cleaned_data["built_year"],
                heated_area_m2=form.cleaned_data["heated_area_m2"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Bygningen er gemt."))
            return redirect("green:building_list", estate.organisation.cvr, estate.number)
    return render(
        request,
        "green/meters/building_form.html",
        _base(estate, building=building, form=form),
        status=form_status(request, form),
    )


# --- energy labels --------------------------------------------------------------------


@require_http_methods(GET)
def label_list(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_reader(request, cvr, number)
    p = principal(request)
    good, labelled, total = selectors.label_share([estate.pk])
    return render(
        request,
        "green/meters/label_list.html",
        _base(
            estate,
            buildings=selectors.estate_labels(estate),
            today=timezone.localdate(),
            good=good,
            labelled=labelled,
            total=total,
            unlabelled=total - labelled,
            percent=selectors.share_percent(good, total),
            can_manage=access.can_manage_green(p, estate.organisation_id),
        ),
    )


def _label_for(estate: Estate, label_id: uuid.UUID) -> EnergyLabel:
    try:
        return EnergyLabel.objects.select_related("building__estate").get(
            public_id=label_id, building__estate=estate
        )
    except EnergyLabel.DoesNotExist:
        raise Http404 from None


def _labels_url(estate: Estate) -> HttpResponse:
    return redirect("green:label_list", estate.organisation.cvr, estate.number)


@require_http_methods(GET_POST)
def label_create(request: HttpRequest, cvr: str, number: int) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    initial = {}
    raw = request.GET.get("bygning", "")
    if raw.isdigit():
        initial["building"] = int(raw)
    form = LabelForm(
        request.POST if request.method == "POST" else None, initial=initial, estate=estate
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.label_create(
                actor=request.user,
                building=data["building"],
                label=data["label"],
                number=data["number"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Energimærket er gemt."))
            return _labels_url(estate)
    return render(
        request,
        "green/meters/label_form.html",
        _base(estate, form=form, label=None),
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def label_edit(request: HttpRequest, cvr: str, number: int, label_id: uuid.UUID) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    label = _label_for(estate, label_id)
    form = LabelForm(
        request.POST if request.method == "POST" else None,
        initial={
            "label": label.label,
            "number": label.number,
            "issued_on": label.issued_on,
            "expires_on": label.expires_on,
        },
        estate=estate,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.label_update(
                actor=request.user,
                energy_label=label,
                **{k: data[k] for k in ("label", "number", "issued_on", "expires_on")},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Energimærket er gemt."))
            return _labels_url(estate)
    return render(
        request,
        "green/meters/label_form.html",
        _base(estate, form=form, label=label),
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def label_delete(request: HttpRequest, cvr: str, number: int, label_id: uuid.UUID) -> HttpResponse:
    estate = access.estate_for_green_staff(request, cvr, number)
    label = _label_for(estate, label_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.label_delete(actor=request.user, energy_label=label)
        messages.success(request, _("Energimærket er slettet."))
        return _labels_url(estate)
    return render(
        request,
        "green/meters/label_delete.html",
        _base(estate, label=label, form=form),
        status=form_status(request, form),
    )
