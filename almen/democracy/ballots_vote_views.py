"""A resident votes from a phone and checks their vote (issue 9, decision 0030).

The voting page is one step plus a confirmation: GET shows the ballot paper; a POST of
the paper shows "Du stemmer: Ja — 2 stemmer" with the choice in hidden fields of the
confirmation form (never in a URL) and a one-time nonce; the POST of the confirmation
casts (``ballots_box.cast``) and answers with the receipt itself: the tracker code is
shown once, in that response, and never in a URL. Every page that shows a choice or a
code is ``no_store``, and its POST parameters and local variables (of every frame below
the view) are kept out of error reports.

Access is ``access.ballot_for_voter`` (residents of the estate) and
``access.ballot_for_bulletin`` (the ballot's readers, once it is counted)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from almen.democracy import access, ballots_box
from almen.democracy import ballots_vote_selectors as selectors
from almen.democracy import ballots_vote_services as services
from almen.democracy.ballots_vote_forms import VoteForm
from almen.democracy.models import Ballot, BallotOption
from almen.lib.http import no_store

T = "democracy/ballots/vote/"

# How the bulletin works, in two plain Danish sentences (LIX ≤ 35, held by a test).
BULLETIN_EXPLAINED = (
    gettext_lazy("Alle stemmer står på listen med deres kode."),
    gettext_lazy("Find din kode og se, at din stemme er talt med, som du afgav den."),
)

REPLAYED = gettext_lazy(
    "Denne stemme er allerede sendt, og den tæller kun én gang. Se herunder, hvor mange "
    "stemmer jeres husstand har tilbage."
)


def _refusal(ballot: Ballot, voter: selectors.Voter) -> tuple[str, int]:
    """Why no vote can be cast now ("" when one can), and the votes left."""
    reason = ballots_box.closed_reason(ballot) or voter.reason
    if reason or voter.household is None:
        return reason, 0
    left = ballots_box.votes_left(ballot, voter.household)
    if left <= 0:
        return _("Jeres husstand har allerede brugt begge sine 2 stemmer i afstemningen."), 0
    return "", left


def _page(
    request: HttpRequest,
    ballot: Ballot,
    options: list[BallotOption],
    *,
    form: VoteForm | None = None,
    refusal: str = "",
    left: int = 0,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        T + "vote.html",
        {
            "ballot": ballot,
            "options": options,
            "form": form,
            "refusal": refusal,
            "left": left,
            "counted": ballot.state in access.RESULT_STATES,
            "estate": ballot.estate,
            "organisation": ballot.organisation,
        },
        status=status,
    )


@no_store
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def ballot_vote(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """The ballot paper (GET), its confirmation (POST), the vote and its receipt (POST
    with ``action=confirm``). A closed ballot, a household off the roll or out of votes
    and a replayed confirmation are a Danish message: 200 on GET, 409 on POST; a bad
    paper is 400."""
    ballot = access.ballot_for_voter(request, ballot_id)
    options = selectors.ballot_options(ballot)
    voter = selectors.voter(ballot, request.user)
    refusal, left = _refusal(ballot, voter)
    if request.method == "GET" or refusal:
        form = None if refusal else VoteForm(ballot=ballot, options=options, left=left)
        status = 409 if request.method == "POST" and refusal else 200
        return _page(request, ballot, options, form=form, refusal=refusal, left=left, status=status)
    form = VoteForm(request.POST, ballot=ballot, options=options, left=left)
    if not form.is_valid():
        return _page(request, ballot, options, form=form, left=left, status=400)
    action = request.POST.get("action", "")
    if action == "back":
        return _page(request, ballot, options, form=form, left=left)
    stored = form.cleaned_data["stored"]
    votes = form.cleaned_data["votes"]
    if action != "confirm":
        return render(
            request,
            T + "confirm.html",
            {
                "ballot": ballot,
                "chosen": selectors.chosen_text(ballot, options, stored),
                "marks": form.cleaned_data["marks"],
                "votes": votes,
                "nonce": services.confirmation_issue(request.session, ballot),
                "estate": ballot.estate,
                "organisation": ballot.organisation,
            },
        )
    if not services.confirmation_spend(request.session, ballot, request.POST.get("nonce", "")):
        return _page(request, ballot, options, form=None, refusal=str(REPLAYED), status=409)
    try:
        receipt = ballots_box.cast(
            ballot=ballot,
            household=voter.household,  # type: ignore[arg-type]  # not None: no refusal
            user=request.user,
            marks=form.cleaned_data["marks"],
            votes=votes,
            resident=voter.resident,
        )
    except ValidationError as error:
        # The paper was checked above: what is left is the ballot closing or the
        # household's other votes being cast in the meantime.
        return _page(request, ballot, options, refusal=" ".join(error.messages), status=409)
    return _receipt(request, ballot, receipt.tracker, votes_left=receipt.votes_left)


def _receipt(
    request: HttpRequest,
    ballot: Ballot,
    tracker: str,
    *,
    votes_left: int | None = None,
    sent: str = "",
) -> HttpResponse:
    return render(
        request,
        T + "receipt.html",
        {
            "ballot": ballot,
            "tracker": tracker,
            "votes_left": votes_left,
            "receipt_key": services.receipt_key(),
            "sent": sent,
            "email": getattr(request.user, "email", ""),
            "estate": ballot.estate,
            "organisation": ballot.organisation,
        },
    )


@no_store
@sensitive_post_parameters()
@sensitive_variables()
@require_POST
def ballot_receipt(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """E-mail the voter the tracker code the receipt just showed them. A code that is
    not one of this ballot's is a 400."""
    ballot = access.ballot_for_voter(request, ballot_id)
    tracker = ballots_box.normalise_tracker(request.POST.get("tracker", ""))
    if not tracker or not selectors.tracker_known(ballot, tracker):
        return render(
            request,
            T + "receipt_invalid.html",
            {"ballot": ballot, "estate": ballot.estate, "organisation": ballot.organisation},
            status=400,
        )
    sent = services.ballot_receipt_send(
        actor=request.user, ballot=ballot, tracker=tracker, key=request.POST.get("key", "")
    )
    return _receipt(request, ballot, tracker, sent=sent)


def _json_url(ballot: Ballot) -> str:
    """The bulletin as a file (the audit part's view); its path by the contract until
    that view is there."""
    try:
        return reverse("democracy:ballot_bulletin_json", args=[ballot.public_id])
    except NoReverseMatch:
        page = reverse("democracy:ballot_bulletin", args=[ballot.public_id])
        return page.rstrip("/") + ".json"


@no_store
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def ballot_bulletin(request: HttpRequest, ballot_id: uuid.UUID) -> HttpResponse:
    """The bulletin of a counted ballot: the result, the chain head, every tracker code
    with its choice, and "Find din kode". The search form posts, so the code stays out
    of the address bar, the history and the server's access log; ``?kode=`` answers the
    same. A made-up code and a malformed one get the same plain answer."""
    ballot = access.ballot_for_bulletin(request, ballot_id)
    options = selectors.ballot_options(ballot)
    labels = {o.position: o.label for o in options}
    source = request.POST if request.method == "POST" else request.GET
    typed = str(source.get("kode", "")).strip()[:40]
    search: dict[str, Any] | None = None
    if typed:
        entry = selectors.find_entry(ballot, typed)
        search = {
            "entry": entry,
            "chosen": selectors.marks_text(entry.marks, labels) if entry else "",
        }
    page = Paginator(selectors.bulletin_entries(ballot), selectors.BULLETIN_PAGE).get_page(
        request.GET.get("side")
    )
    rows = [(e, selectors.marks_text(e.marks, labels)) for e in page.object_list]
    return render(
        request,
        T + "bulletin.html",
        {
            "ballot": ballot,
            "result": selectors.result(ballot, options),
            "page": page,
            "rows": rows,
            "typed": typed,
            "search": search,
            "json_url": _json_url(ballot),
            "explained": [str(s) for s in BULLETIN_EXPLAINED],
            "estate": ballot.estate,
            "organisation": ballot.organisation,
        },
    )
