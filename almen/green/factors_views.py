"""Pages for emission factors: the public national table and a factor's versions,
sector staff's forms for the national table, and an organisation's suppliers and its
own plant declarations. Thin: access in ``access.py``, changes in
``factors_services.py``."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from almen.access.policy import principal
from almen.audit.models import AuditEntry
from almen.green import access
from almen.green import factors_services as services
from almen.green.factors_forms import (
    FactorChangeForm,
    FactorCreateForm,
    FactorFilterForm,
    SupplierForm,
)
from almen.green.models import EmissionFactor, EnergyKind, Supplier
from almen.green.units import base_unit, unit_label
from almen.lib.forms import add_service_errors, form_status
from almen.register.models import Organisation

GET_POST = ["GET", "HEAD", "POST"]
KWH_KINDS = {EnergyKind.DISTRICT_HEATING, EnergyKind.ELECTRICITY, EnergyKind.OTHER}


# --- display helpers --------------------------------------------------------------------


def plain_number(value: Decimal) -> str:
    """2.262700 → "2,2627" (Danish decimal comma, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return formats.number_format(Decimal(text), use_l10n=True)


def value_label(factor: EmissionFactor) -> str:
    unit = unit_label(base_unit(factor.kind))
    label = _("%(value)s kg CO2e pr. %(unit)s") % {
        "value": plain_number(factor.kg_co2e_per_unit),
        "unit": unit,
    }
    if factor.kind in KWH_KINDS:
        label += (
            " ("
            + _("%(value)s kg pr. MWh") % {"value": plain_number(factor.kg_co2e_per_unit * 1000)}
            + ")"
        )
    return label


def _decorate(factors: list[EmissionFactor]) -> list[EmissionFactor]:
    for f in factors:
        f.value_label = value_label(f)  # type: ignore[attr-defined]
    return factors


def reasons_for(versions: list[EmissionFactor]) -> dict[int, str]:
    """Why each version was made (the reason given with the change, from the audit log)."""
    entries = AuditEntry.objects.filter(
        object_type=EmissionFactor._meta.label_lower,
        object_id__in=[str(v.pk) for v in versions],
        action="update",
    ).values_list("object_id", "after")
    return {int(oid): str((after or {}).get("reason", "")) for oid, after in entries}


def _national_suppliers() -> QuerySet[Supplier]:
    return Supplier.objects.filter(organisation__isnull=True).order_by("kind", "name")


def _organisation_suppliers(organisation: Organisation) -> QuerySet[Supplier]:
    """What an organisation may declare for: its own suppliers and the national ones."""
    from django.db.models import Q

    return Supplier.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation)
    ).order_by("kind", "name")


def _change_data(form: FactorChangeForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "kg_co2e_per_unit": d["value_base"],
        "source": d["source"],
        "source_url": d["source_url"],
        "note": d["note"],
        "reason": d["reason"],
    }


def _change_initial(factor: EmissionFactor) -> dict[str, Any]:
    return {
        "kg_co2e_per_unit": factor.kg_co2e_per_unit.normalize(),
        "per": "base",
        "source": factor.source,
        "source_url": factor.source_url,
        "note": factor.note,
    }


# --- the public table -----------------------------------------------------------------


@require_GET
def factor_list(request: HttpRequest) -> HttpResponse:
    form = FactorFilterForm(request.GET or None)
    factors: QuerySet[EmissionFactor] = EmissionFactor.objects.filter(
        organisation__isnull=True, superseded_at__isnull=True
    ).select_related("supplier")
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data.get("year"):
                factors = factors.filter(year=form.cleaned_data["year"])
            if form.cleaned_data.get("kind"):
                factors = factors.filter(kind=form.cleaned_data["kind"])
        else:
            status = 400
            factors = factors.none()
    rows = _decorate(list(factors.order_by("-year", "kind", "price_area", "supplier__name")))
    p = principal(request)
    return render(
        request,
        "green/factors/factor_list.html",
        {
            "form": form,
            "factors": rows,
            "suppliers": list(_national_suppliers().prefetch_related("municipalities")),
            "can_manage": access.can_manage_national_factors(p),
        },
        status=status,
    )


@require_http_methods(GET_POST)
def national_supplier_create(request: HttpRequest) -> HttpResponse:
    """A national supplier (a district-heating plant many organisations buy from), kept
    by sector staff like the national table."""
    access.require_national_factor_manager(request)
    return _supplier_create(
        request,
        None,
        _("Forsyningen er oprettet. Nu kan den få en national faktor."),
        reverse("green:factor_list") + "#suppliers-h",
    )


def _supplier_create(
    request: HttpRequest, organisation: Organisation | None, done: str, then: str
) -> HttpResponse:
    """The new-supplier form, for an organisation or (``None``) the national table."""
    form = SupplierForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.supplier_create(
                actor=request.user,
                organisation=organisation,
                name=d["name"],
                kind=d["kind"],
                municipalities=d["municipalities"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(then)
    return render(
        request,
        "green/factors/supplier_form.html",
        {"form": form, "organisation": organisation, "supplier": None},
        status=form_status(request, form),
    )


def _national_factor(factor_id: int) -> EmissionFactor:
    factor = (
        EmissionFactor.objects.select_related("supplier")
        .filter(pk=factor_id, organisation__isnull=True)
        .first()
    )
    if factor is None:
        raise Http404
    return factor


def _history(
    request: HttpRequest, factor: EmissionFactor, *, organisation: Organisation | None
) -> HttpResponse:
    versions = _decorate(services.factor_history(factor))
    reasons = reasons_for(versions)
    for v in versions:
        v.reason = reasons.get(v.pk, "")  # type: ignore[attr-defined]
    p = principal(request)
    can_manage = (
        access.can_manage_green(p, organisation.pk)
        if organisation is not None
        else access.can_manage_national_factors(p)
    )
    current = next((v for v in versions if v.superseded_at is None), None)
    return render(
        request,
        "green/factors/factor_history.html",
        {
            "factor": factor,
            "versions": versions,
            "current": current,
            "organisation": organisation,
            "can_manage": can_manage,
        },
    )


@require_GET
def factor_history(request: HttpRequest, national_factor_id: int) -> HttpResponse:
    return _history(request, _national_factor(national_factor_id), organisation=None)


@require_http_methods(GET_POST)
def factor_create(request: HttpRequest) -> HttpResponse:
    access.require_national_factor_manager(request)
    form = FactorCreateForm(
        request.POST if request.method == "POST" else None, suppliers=_national_suppliers()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            factor = services.factor_create(
                actor=request.user,
                year=d["year"],
                kind=d["kind"],
                price_area=d.get("price_area") or "",
                supplier=d.get("supplier"),
                kg_co2e_per_unit=d["value_base"],
                source=d["source"],
                source_url=d["source_url"],
                note=d["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Faktoren er gemt. Berørte CO2e-tal bliver regnet om i baggrunden.")
            )
            return redirect("green:factor_history", national_factor_id=factor.pk)
    return render(
        request,
        "green/factors/factor_form.html",
        {"form": form, "organisation": None},
        status=form_status(request, form),
    )


def _change(
    request: HttpRequest, factor: EmissionFactor, *, organisation: Organisation | None
) -> HttpResponse:
    if factor.superseded_at is not None:
        current = EmissionFactor.objects.filter(key=factor.key, superseded_at__isnull=True).first()
        if current is None:
            raise Http404
        if organisation is not None:
            return redirect(
                "green:org_declaration_change", cvr=organisation.cvr, declaration_id=current.pk
            )
        return redirect("green:factor_change", national_factor_id=current.pk)
    form = FactorChangeForm(
        request.POST if request.method == "POST" else None,
        initial=_change_initial(factor),
        factor_kind=factor.kind,
    )
    template = "green/factors/factor_change.html"
    context: dict[str, Any] = {
        "form": form,
        "factor": factor,
        "organisation": organisation,
        "old_label": value_label(factor),
    }
    if request.method == "POST" and form.is_valid():
        data = _change_data(form)
        if request.POST.get("confirm") != "yes":
            preview = EmissionFactor(kind=factor.kind, kg_co2e_per_unit=data["kg_co2e_per_unit"])
            context |= {
                "confirming": True,
                "new_label": value_label(preview),
                "meters": len(services.factor_meter_ids(factor)),
                "next_version": factor.version + 1,
            }
            return render(request, template, context)
        try:
            new = services.factor_change(actor=request.user, factor=factor, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s er gemt. Berørte CO2e-tal bliver regnet om i baggrunden.")
                % {"version": new.version},
            )
            if organisation is not None:
                return redirect(
                    "green:org_declaration_history", cvr=organisation.cvr, declaration_id=new.pk
                )
            return redirect("green:factor_history", national_factor_id=new.pk)
    return render(request, template, context, status=form_status(request, form))


@require_http_methods(GET_POST)
def factor_change(request: HttpRequest, national_factor_id: int) -> HttpResponse:
    access.require_national_factor_manager(request)
    return _change(request, _national_factor(national_factor_id), organisation=None)


# --- an organisation's suppliers and declarations ----------------------------------------


def _org_factor(organisation: Organisation, factor_id: int) -> EmissionFactor:
    factor = (
        EmissionFactor.objects.select_related("supplier")
        .filter(pk=factor_id, organisation=organisation)
        .first()
    )
    if factor is None:
        raise Http404
    return factor


@require_GET
def org_suppliers(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    suppliers = list(
        Supplier.objects.filter(organisation=organisation)
        .prefetch_related("municipalities")
        .order_by("kind", "name")
    )
    declarations = _decorate(
        list(
            EmissionFactor.objects.filter(organisation=organisation, superseded_at__isnull=True)
            .select_related("supplier")
            .order_by("-year", "supplier__name")
        )
    )
    p = principal(request)
    return render(
        request,
        "green/factors/org_suppliers.html",
        {
            "organisation": organisation,
            "suppliers": suppliers,
            "declarations": declarations,
            "can_manage": access.can_manage_green(p, organisation.pk),
        },
    )


@require_http_methods(GET_POST)
def org_supplier_create(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    return _supplier_create(
        request,
        organisation,
        _("Forsyningen er oprettet."),
        reverse("green:org_suppliers", kwargs={"cvr": organisation.cvr}),
    )


@require_http_methods(GET_POST)
def org_supplier_edit(request: HttpRequest, cvr: str, own_supplier_id: uuid.UUID) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    supplier = Supplier.objects.filter(public_id=own_supplier_id, organisation=organisation).first()
    if supplier is None:
        raise Http404
    form = SupplierForm(
        request.POST if request.method == "POST" else None,
        initial={"name": supplier.name, "municipalities": list(supplier.municipalities.all())},
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_update(
                actor=request.user,
                supplier=supplier,
                name=form.cleaned_data["name"],
                municipalities=form.cleaned_data["municipalities"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Forsyningen er gemt."))
            return redirect("green:org_suppliers", cvr=organisation.cvr)
    return render(
        request,
        "green/factors/supplier_form.html",
        {"form": form, "organisation": organisation, "supplier": supplier},
        status=form_status(request, form),
    )


@require_http_methods(GET_POST)
def org_declaration_create(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    form = FactorCreateForm(
        request.POST if request.method == "POST" else None,
        suppliers=_organisation_suppliers(organisation),
        organisation_owned=True,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            factor = services.factor_create(
                actor=request.user,
                year=d["year"],
                kind=d["kind"],
                supplier=d["supplier"],
                organisation=organisation,
                kg_co2e_per_unit=d["value_base"],
                source=d["source"],
                source_url=d["source_url"],
                note=d["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Deklarationen er gemt. Jeres CO2e-tal bliver regnet om i baggrunden."),
            )
            return redirect(
                "green:org_declaration_history", cvr=organisation.cvr, declaration_id=factor.pk
            )
    return render(
        request,
        "green/factors/factor_form.html",
        {"form": form, "organisation": organisation},
        status=form_status(request, form),
    )


@require_GET
def org_declaration_history(request: HttpRequest, cvr: str, declaration_id: int) -> HttpResponse:
    organisation = access.organisation_for_reader(request, cvr)
    return _history(request, _org_factor(organisation, declaration_id), organisation=organisation)


@require_http_methods(GET_POST)
def org_declaration_change(request: HttpRequest, cvr: str, declaration_id: int) -> HttpResponse:
    organisation = access.organisation_for_manager(request, cvr)
    return _change(request, _org_factor(organisation, declaration_id), organisation=organisation)
