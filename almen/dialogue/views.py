from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from almen.access.policy import principal
from almen.dialogue import access, selectors, services
from almen.dialogue.forms import AgreementForm, DialogueCreateForm, DialogueForm, FollowUpForm
from almen.dialogue.models import Agreement, Dialogue
from almen.goals.access import can_view_goal
from almen.lib.forms import add_service_errors, form_status


@login_required
@require_GET
def dialogue_list(request: HttpRequest) -> HttpResponse:
    p = principal(request)
    dialogues = access.visible_dialogues(p).for_list()
    page = Paginator(dialogues, 25).get_page(request.GET.get("side"))
    return render(
        request,
        "dialogue/dialogue_list.html",
        {"page": page, "can_create": bool(access.places_for_create(p))},
    )


@require_http_methods(["GET", "POST"])
def dialogue_create(request: HttpRequest) -> HttpResponse:
    places = access.places_for_create_page(request)
    form = DialogueCreateForm(
        request.POST or None, places=places, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        place = data.pop("place")
        data.pop("organisation"), data.pop("municipality")
        try:
            dialogue = services.dialogue_create(
                actor=request.user,
                organisation=place.organisation,
                municipality=place.municipality,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Styringsdialogen er oprettet."))
            return redirect("dialogue:dialogue_detail", dialogue.public_id)
    return render(
        request,
        "dialogue/dialogue_form.html",
        {"form": form, "dialogue": None},
        status=form_status(request, form),
    )


@require_GET
def dialogue_detail(request: HttpRequest, dialogue_id: UUID) -> HttpResponse:
    dialogue = access.dialogue_for_view(request, dialogue_id)
    p = principal(request)
    today = timezone.localdate()
    rows = selectors.agreement_rows(dialogue, today)
    goal_links = {
        row.agreement.goal_id
        for row in rows
        if row.agreement.goal is not None and can_view_goal(p, row.agreement.goal)
    }
    # The reports app serves the pack; a plain path keeps this page working without it.
    cvr, code = dialogue.organisation.cvr, dialogue.municipality.code
    pack = f"/rapporter/organisationer/{cvr}/kommune/{code}/{dialogue.year}"
    return render(
        request,
        "dialogue/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "rows": rows,
            "goal_links": goal_links,
            "today": today,
            "can_write": access.can_write(p, dialogue.organisation_id, dialogue.municipality_id),
            "pack": pack,
        },
    )


@require_http_methods(["GET", "POST"])
def dialogue_edit(request: HttpRequest, dialogue_id: UUID) -> HttpResponse:
    dialogue = access.dialogue_for_manage(request, dialogue_id)
    form = DialogueForm(request.POST or None, instance=dialogue)
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_update(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect("dialogue:dialogue_detail", dialogue.public_id)
    return render(
        request,
        "dialogue/dialogue_form.html",
        {"form": form, "dialogue": dialogue},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, dialogue_id: UUID) -> HttpResponse:
    dialogue = access.dialogue_for_manage(request, dialogue_id)
    return _agreement_form(request, dialogue, None)


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, dialogue_id: UUID, agreement_id: UUID) -> HttpResponse:
    dialogue = access.dialogue_for_manage(request, dialogue_id)
    return _agreement_form(request, dialogue, access.agreement_for_manage(dialogue, agreement_id))


def _agreement_form(
    request: HttpRequest, dialogue: Dialogue, agreement: Agreement | None
) -> HttpResponse:
    form = AgreementForm(
        request.POST or None, instance=agreement, goals=access.goals_for_agreement(dialogue)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if agreement is None:
                services.agreement_create(
                    actor=request.user, dialogue=dialogue, **form.cleaned_data
                )
            else:
                services.agreement_update(
                    actor=request.user, agreement=agreement, **form.cleaned_data
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Aftalen er gemt."))
            return redirect("dialogue:dialogue_detail", dialogue.public_id)
    return render(
        request,
        "dialogue/agreement_form.html",
        {"form": form, "dialogue": dialogue, "agreement": agreement},
        status=form_status(request, form),
    )


@require_http_methods(["GET", "POST"])
def agreement_follow_up(
    request: HttpRequest, dialogue_id: UUID, agreement_id: UUID
) -> HttpResponse:
    dialogue = access.dialogue_for_manage(request, dialogue_id)
    agreement = access.agreement_for_manage(dialogue, agreement_id)
    form = FollowUpForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_follow_up(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opfølgningen er gemt."))
            return redirect("dialogue:dialogue_detail", dialogue.public_id)
    return render(
        request,
        "dialogue/follow_up_form.html",
        {"form": form, "dialogue": dialogue, "agreement": agreement},
        status=form_status(request, form),
    )
