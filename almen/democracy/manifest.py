"""What democracy plugs in (called from ``DemocracyConfig.ready()``): the decision
source of ``lib.decisions``, its URLs, and each part's own registrations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from almen.audit.display import register_actions
from almen.democracy import (
    ballots_admin_manifest,
    ballots_elections_manifest,
    ballots_platform_manifest,
    ballots_vote_manifest,
    decision_source,
    hall_manifest,
    meetings_manifest,
    minutes_manifest,
    notices_manifest,
    proposals_manifest,
    stats_manifest,
)
from almen.lib import decisions, routes

APP = "democracy"

# The audit log's words for democracy's actions (almen.audit.display).
ACTIONS = {
    "democracy.agenda_remove": _("Punkt fjernet fra dagsordenen"),
    "democracy.amendment_record": _("Ændringsforslag registreret"),
    "democracy.amendment_vote_record": _("Afstemning om ændringsforslag registreret"),
    "democracy.attendance_checkin": _("Tjekket ind til mødet"),
    "democracy.attendance_undo": _("Indtjekning fortrudt"),
    "democracy.ballot_close": _("Afstemning lukket"),
    "democracy.ballot_count": _("Stemmer talt op"),
    "democracy.ballot_count_confirm": _("Optælling godkendt af den anden"),
    "democracy.ballot_count_enter": _("Optælling indtastet"),
    "democracy.ballot_count_reject": _("Optælling afvist af den anden"),
    "democracy.ballot_create": _("Afstemning oprettet"),
    "democracy.ballot_end_hall": _("Afstemning i salen afsluttet"),
    "democracy.ballot_open": _("Afstemning åbnet"),
    "democracy.ballot_option_add": _("Svarmulighed tilføjet"),
    "democracy.ballot_option_remove": _("Svarmulighed fjernet"),
    "democracy.ballot_paper_received": _("Brevstemme modtaget"),
    "democracy.ballot_publish": _("Resultat offentliggjort"),
    "democracy.ballot_recount": _("Stemmer talt om"),
    "democracy.ballot_update": _("Afstemning ændret"),
    "democracy.ballot_vote": _("Stemme afgivet (hemmelig)"),
    "democracy.candidate_add": _("Kandidat tilføjet"),
    "democracy.decision_from_item": _("Beslutning skrevet fra dagsordenspunkt"),
    "democracy.decision_record": _("Beslutning registreret"),
    "democracy.election_apply": _("Valgte skrevet ind i bestyrelsen"),
    "democracy.election_draw": _("Lodtrækning ved stemmelighed"),
    "democracy.election_nominate": _("Kandidat opstillet"),
    "democracy.election_record": _("Valg registreret"),
    "democracy.election_withdraw": _("Kandidatur trukket tilbage"),
    "democracy.estate_rules_set": _("Afdelingens regler for afstemninger sat"),
    "democracy.item_vote_record": _("Afstemning om punkt registreret"),
    "democracy.material_publish": _("Mødemateriale offentliggjort"),
    "democracy.meeting_cancel": _("Møde aflyst"),
    "democracy.meeting_close": _("Møde afsluttet"),
    "democracy.meeting_create": _("Møde oprettet"),
    "democracy.meeting_update": _("Møde ændret"),
    "democracy.minutes_draft": _("Udkast til referat gemt"),
    "democracy.minutes_publish": _("Referat offentliggjort"),
    "democracy.minutes_update": _("Referat ændret"),
    "democracy.notice_job_create": _("Indkaldelse bestilt"),
    "democracy.notice_publish": _("Indkaldelse offentliggjort"),
    "democracy.notices_send": _("Indkaldelser sendt"),
    "democracy.petition_create": _("Underskriftindsamling startet"),
    "democracy.petition_mark_called": _("Ekstraordinært møde indkaldt efter indsamling"),
    "democracy.petition_reached": _("Underskriftindsamling nåede målet"),
    "democracy.petition_sign": _("Underskrift givet"),
    "democracy.petition_withdraw": _("Underskriftindsamling trukket tilbage"),
    "democracy.proposal_accept": _("Forslag sat på dagsordenen"),
    "democracy.proposal_reject": _("Forslag afvist"),
    "democracy.proposal_defer": _("Forslag udskudt"),
    "democracy.proposal_submit": _("Forslag indsendt"),
    "democracy.proposal_support_add": _("Støtte til forslag givet"),
    "democracy.proposal_support_withdraw": _("Støtte til forslag trukket tilbage"),
    "democracy.proxy_register": _("Fuldmagt registreret"),
}


def register() -> None:
    register_actions(ACTIONS)
    decisions.register_source(decision_source.SOURCE, app=APP)
    routes.register_urls("almen.democracy.urls", app=APP)
    for part in (
        meetings_manifest,
        notices_manifest,
        proposals_manifest,
        hall_manifest,
        minutes_manifest,
        stats_manifest,
        ballots_vote_manifest,
        ballots_admin_manifest,
        ballots_elections_manifest,
        ballots_platform_manifest,
    ):
        part.register()
