"""The write-matrix rows for the democracy's proposals: merged into
``almen/access/tests/test_writes.py``'s WRITES (imported at its end; use
``w.Write``, ``w._post_only``)."""

from __future__ import annotations

from typing import Any

from almen.access.tests import test_writes as w
from almen.democracy.models import AgendaKind, PetitionSignature, Proposal, ProposalSupport
from almen.democracy.testing import MEETING_ID, PETITION_ID, PROPOSAL_ID
from almen.democracy.tests.matrix_proposals import ESTATE_A_MANAGE, ESTATE_A_RESIDENTS
from almen.register.models import Household

ANON = w.ANON

# Who may sign or co-sign in estate A: its residents with a current household
# (resident_a, estate_board_a); readers who live elsewhere get 403.
SIGNERS = w._post_only(ESTATE_A_RESIDENTS)


def _household(email: str) -> Household:
    return Household.objects.active().get(residents__user__email=email)


def _support_withdraw_path() -> str:
    """estate_board_a's household has co-signed resident_a's proposal."""
    proposal = Proposal.objects.get(public_id=PROPOSAL_ID)
    ProposalSupport.objects.create(
        proposal=proposal, household=_household("bestyrelse.a@almen.demo")
    )
    return f"/forslag/{PROPOSAL_ID}/medunderskriv/traek-tilbage/"


def _petition_withdraw_path() -> str:
    """resident_a's household has signed the matrix petition."""
    from almen.democracy.models import Petition

    PetitionSignature.objects.create(
        petition=Petition.objects.get(public_id=PETITION_ID),
        household=_household("beboer.a@almen.demo"),
    )
    return f"/underskrifter/{PETITION_ID}/traek-tilbage/"


def _amendment_path() -> str:
    from almen.democracy.models import AgendaItem

    item = AgendaItem.objects.get(meeting__public_id=MEETING_ID, kind=AgendaKind.BUDGET)
    return f"/moeder/{MEETING_ID}/dagsorden/{item.position}/aendringsforslag/ny/"


WRITES: dict[str, Any] = {
    "moeder/<uuid:meeting_id>/forslag/ny/": w.Write(
        form_persona="resident_a",
        data=lambda: {"title": "Grillplads", "text": "Vi foreslår en fælles grillplads."},
    ),
    # resident_a proposed it (their household already stands behind it: 400);
    # estate_board_a lives in estate A and may read it: co-signs.
    "forslag/<uuid:proposal_id>/medunderskriv/": w.Write(
        form=False, outcomes={**SIGNERS, "resident_a": 400}
    ),
    "forslag/<uuid:proposal_id>/medunderskriv/traek-tilbage/": w.Write(
        form=False, path=_support_withdraw_path, outcomes={**SIGNERS, "resident_a": 400}
    ),
    "forslag/<uuid:proposal_id>/behandl/": w.Write(
        data=lambda: {"action": "accept", "comment": "Fint forslag."},
        outcomes=w._post_only(ESTATE_A_MANAGE),
    ),
    "moeder/<uuid:meeting_id>/dagsorden/<int:position>/aendringsforslag/ny/": w.Write(
        path=_amendment_path,
        data=lambda: {"proposer_name": "Anne Ørsted", "text": "Huslejen stiger 1 % i stedet."},
        outcomes=w._post_only(ESTATE_A_MANAGE),
    ),
    "organisationer/<str:cvr>/afdelinger/<int:number>/underskrifter/ny/": w.Write(
        form_persona="resident_a",
        data=lambda: {"topic": "Legepladsen", "text": "Vi vil have et møde om legepladsen."},
    ),
    "underskrifter/<uuid:petition_id>/underskriv/": w.Write(form=False, outcomes=SIGNERS),
    # resident_a's household signed; estate_board_a's did not (400).
    "underskrifter/<uuid:petition_id>/traek-tilbage/": w.Write(
        form=False, path=_petition_withdraw_path, outcomes={**SIGNERS, "estate_board_a": 400}
    ),
}
