"""Pages of an election: its candidates (nominating, standing, withdrawing) and the
draw between candidates with equal votes. Thin views over ``ballots_elections``
(state changes) and ``ballots_elections_selectors`` (reads); access in ``access.py``."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from almen.access.policy import principal
from almen.democracy import access
from almen.democracy import ballots_elections as services
from almen.democracy import ballots_elections_selectors as selectors
from almen.democracy.ballots_elections_forms import NominateForm, WithdrawForm
from almen.democracy.models import Ballot, BallotState
from almen.lib.forms import add_service_errors
from almen.lib.http import no_store

T = "democracy/ballots/elections/"


def ballot_page_url(ballot: Ballot) -> str:
    """The ballot's own page (the admin part's ``democracy:ballot``), or "" where that
    page is not installed."""
    try:
        return reverse("democracy:ballot", args=[ballot.public_id])
    except NoReverseMatch:
        return ""


def _candidates_url(ballot: Ballot, anchor: str = "", **query: str) -> str:
    url = reverse("democracy:election_candidates", args=[ballot.public_id])
    query = {k: v for k, v in query.items() if v}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _context(
    request: HttpRequest, ballot: Ballot, *, error_form: forms.Form | None = None
) -> dict[str, Any]:
    p = principal(request)
    manage = access.can_nominate_candidates(p, ballot)
    closed = services.nomination_closed_reason(ballot)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    search = selectors.resident_search(ballot, q) if manage and q and not closed else None
    standing = selectors.own_standing(ballot, request.user) if access.can_stand(p, ballot) else None
    result = services.ballot_outcome(ballot) if access.can_read_bulletin(p, ballot) else None
    candidates = selectors.candidates(ballot)
    own = standing.candidacy.pk if standing and standing.candidacy else None
    return {
        "ballot": ballot,
        "estate": ballot.estate,
        "organisation": ballot.organisation,
        "ballot_url": ballot_page_url(ballot),
        "candidates": [
            (c, manage or (c.pk == own and not closed)) for c in candidates
        ],  # (candidate, may withdraw here)
        "closed": closed,
        "manage": manage,
        "q": q,
        "search": search,
        "standing": standing,
        "result": result,
        "can_draw": manage
        and ballot.state == BallotState.COUNTED
        and result is not None
        and not result.decided,
        "error_form": error_form,
        "search_min": selectors.SEARCH_MIN,
        "search_limit": selectors.SEARCH_LIMIT,
    }


def _refused(request: HttpRequest, ballot: Ballot, form: forms.Form) -> HttpResponse:
    return render(
        request, T + "candidates.html", _context(request, ballot, error_form=form), status=400
    )


def _error(problem: str | ValidationError) -> forms.Form:
    """A bound, empty form that carries ``problem`` (for the page's error box)."""
    form = forms.Form(data={})
    form.is_valid()
    if isinstance(problem, ValidationError):
        add_service_errors(form, problem)
    else:
        form.add_error(None, problem)
    return form


@no_store
@require_http_methods(["GET", "POST"])
def candidates(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:election_candidates``. GET: the candidates; the managers' search
    for a resident to nominate; a resident's "Jeg stiller op". POST ``action``:
    ``nominate`` (managers: the resident found), ``stand`` (a resident: themself),
    ``withdraw`` (managers: any candidate; a candidate: themself)."""
    if request.method == "GET":
        ballot = access.election_for_candidates(request, ballot_id)
        return render(request, T + "candidates.html", _context(request, ballot))
    action = request.POST.get("action", "")
    if action == "nominate":
        return _nominate(request, access.election_for_nominator(request, ballot_id))
    if action == "stand":
        return _stand(request, access.election_for_candidate(request, ballot_id))
    ballot = access.election_for_candidates(request, ballot_id)
    if action == "withdraw":
        return _withdraw(request, ballot)
    return _refused(request, ballot, _error(gettext("Ukendt handling. Prøv igen fra siden.")))


def _nominate(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    form = NominateForm(request.POST)
    if form.is_valid():
        resident = selectors.resident_by_public_id(ballot, form.cleaned_data["resident"])
        if resident is None:
            form.add_error(
                None, gettext("Beboeren findes ikke i afdelingen. Søg beboeren frem igen.")
            )
        else:
            try:
                option = services.candidate_nominate(
                    actor=request.user, ballot=ballot, resident=resident
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(name)s stiller op som kandidat nr. %(n)s.")
                    % {"name": option.label, "n": option.position},
                )
                return redirect(_candidates_url(ballot, "kandidater"))
    return _refused(request, ballot, form)


def _stand(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    standing = selectors.own_standing(ballot, request.user)
    if standing.resident is None:
        return _refused(
            request, ballot, _error(gettext("Du står ikke som beboer i afdelingen i registret."))
        )
    try:
        services.candidate_nominate(actor=request.user, ballot=ballot, resident=standing.resident)
    except ValidationError as error:
        return _refused(request, ballot, _error(error))
    messages.success(request, gettext("Du stiller op til valget. Held og lykke!"))
    return redirect(_candidates_url(ballot, "kandidater"))


def _withdraw(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if form.is_valid():
        option = selectors.candidate_of(ballot, form.cleaned_data["candidate"])
        if option is None:
            form.add_error(None, gettext("Kandidaten står ikke på stemmesedlen."))
        else:
            access.candidate_withdrawal(request, ballot, option)
            try:
                services.candidate_withdraw(actor=request.user, ballot=ballot, option=option)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(name)s stiller ikke længere op.") % {"name": option.label},
                )
                return redirect(_candidates_url(ballot, "kandidater"))
    return _refused(request, ballot, form)


@require_POST
def draw(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """``democracy:election_draw``: the first POST shows the tie and asks; the second
    (``confirm=yes``) draws lots and records the order."""
    ballot = access.election_for_draw(request, ballot_id)
    error = services.draw_refused_reason(ballot)
    if request.POST.get("confirm") == "yes" and not error:
        try:
            made = services.draw_lots(actor=request.user, ballot=ballot)
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            result = services.ballot_outcome(ballot)
            lot = next((d for d in result.draws if d.drawn_at == made.drawn_at), None)
            messages.success(
                request,
                gettext("Der er trukket lod. Rækkefølgen blev: %(order)s.")
                % {"order": ", ".join(lot.order) if lot else ""},
            )
            return redirect(_candidates_url(ballot, "resultat"))
    result = services.ballot_outcome(ballot)
    undecided = bool(result.undecided_ties)
    return render(
        request,
        T + "draw.html",
        {
            "ballot": ballot,
            "estate": ballot.estate,
            "organisation": ballot.organisation,
            "ballot_url": ballot_page_url(ballot),
            "result": result,
            "tie": result.ties[0] if undecided else None,
            "error": error,
        },
        status=400 if error else 200,
    )
