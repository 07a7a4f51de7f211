"""The meeting in the hall: check-in of households at the door, proxies, show-of-hands
votes per agenda item and amendment, elections, the decision row of each recorded item,
and closing the meeting. Keyword-only, atomic, audited (``services.py``'s rules).

The hall is open on the meeting day and the day after (a meeting that runs past
midnight, or results typed in from the chair's notes the next morning); not before the
meeting day, so that nobody is counted in the hall before the meeting. Only a noticed
afdelingsmøde has a hall; a held (closed) meeting's hall is shut.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, snapshot
from almen.democracy import services
from almen.democracy.hall_selectors import hall_count
from almen.democracy.models import (
    FORUM_OF_KIND,
    RESIDENTS_MEETINGS,
    AgendaItem,
    AgendaKind,
    Amendment,
    Attendance,
    Candidate,
    CandidatePost,
    Decision,
    EstateRules,
    Meeting,
    MeetingStatus,
    Outcome,
)
from almen.lib.bounds import TITLE
from almen.lib.visibility import Visibility
from almen.register.models import Estate, Household, Resident

# The hall stays open this long after the meeting day.
OPEN_DAYS_AFTER = 1
# The most proxies one household may carry, whatever an estate decides.
PROXY_CAP_MAX = 10
# No hall has more votes than this (a bound for typed numbers).
VOTES_MAX = 1_000_000

VOTE_FIELDS = ("votes_for", "votes_against", "votes_blank", "outcome", "recorded_at")
DECISION_FIELDS = (
    "forum",
    "decided_on",
    "title",
    "text",
    "votes_for",
    "votes_against",
    "votes_blank",
    "outcome",
    "visibility",
)
RULES_FIELDS = ("proxies_allowed", "proxy_cap", "proxy_decision", "two_ordinary_meetings")


def _today() -> datetime.date:
    return timezone.localdate()


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- when the hall is open -----------------------------------------------------------


def hall_closed_reason(meeting: Meeting, today: datetime.date | None = None) -> str:
    """Why the hall is closed today (empty: it is open)."""
    day = today or _today()
    if meeting.kind not in RESIDENTS_MEETINGS:
        return _("Kun afdelingsmøder har tjek-ind og afstemninger i salen.")
    if meeting.status == MeetingStatus.DRAFT:
        return _("Mødet er ikke indkaldt endnu. Salen åbner, når mødet er indkaldt.")
    if meeting.status == MeetingStatus.CANCELLED:
        return _("Mødet er aflyst.")
    if meeting.status == MeetingStatus.HELD:
        return _("Mødet er afsluttet. Fremmøde og afstemninger kan ikke ændres mere.")
    meeting_on = meeting.meeting_on
    if day < meeting_on:
        return _("Salen åbner på mødedagen, %(day)s.") % {"day": f"{meeting_on:%d-%m-%Y}"}
    if day > meeting_on + datetime.timedelta(days=OPEN_DAYS_AFTER):
        return _(
            "Mødet var %(day)s. Salen er lukket; fremmøde og afstemninger kan kun "
            "registreres på mødedagen og dagen efter."
        ) % {"day": f"{meeting_on:%d-%m-%Y}"}
    return ""


def _require_open(meeting: Meeting) -> None:
    reason = hall_closed_reason(meeting)
    if reason:
        raise ValidationError(reason)


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked for the rest of the transaction (check-ins and votes of one
    meeting are serialised; other meetings are not held up)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(locked)
    return locked


# --- check-in ------------------------------------------------------------------------


def _on_roll(meeting: Meeting, household: Household) -> bool:
    return services.roll(meeting).filter(pk=household.pk).exists()


def _already_message(meeting: Meeting, household: Household) -> str:
    existing = Attendance.objects.filter(meeting=meeting, household=household).first()
    if existing is not None and existing.holder_id is not None:
        return _("Husstanden er allerede repræsenteret ved fuldmagt.")
    when = timezone.localtime(existing.checked_in_at) if existing else timezone.localtime()
    return _("Husstanden er allerede tjekket ind (kl. %(time)s).") % {"time": f"{when:%H:%M}"}


@transaction.atomic
def attendance_checkin(
    *,
    actor: Any,
    meeting: Meeting,
    household: Household,
    residents: Iterable[Resident] = (),
) -> Attendance:
    """Check a household in. It must be on the meeting's roll (a household that moved
    out before the cut-off, or lives in another estate, has no vote here). The
    household's residents who came are recorded for the under-35 share (optional)."""
    meeting = _locked_meeting(meeting)
    if not _on_roll(meeting, household):
        raise ValidationError(
            _(
                "Husstanden står ikke på listen over stemmeberettigede til dette møde "
                "(den bor ikke i afdelingen på skæringsdatoen)."
            )
        )
    came = list(residents)
    if any(r.household_id != household.pk for r in came):
        raise ValidationError({"residents": _("Vælg kun beboere fra husstanden.")})
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, household=household, checked_in_by=_actor(actor)
            )
    except IntegrityError:
        raise ValidationError(_already_message(meeting, household)) from None
    if came:
        attendance.residents.set(came)
    audit_record(
        actor=actor,
        action="democracy.attendance_checkin",
        obj=attendance,
        organisation_id=meeting.organisation_id,
        after={"household": str(household.public_id), "residents": len(came)},
    )
    return attendance


@transaction.atomic
def attendance_undo(*, actor: Any, attendance: Attendance) -> None:
    """Undo a check-in (or a proxy). A household's own check-in takes the proxies it
    carried with it."""
    meeting = _locked_meeting(attendance.meeting)
    attendance = Attendance.objects.select_related("household").get(pk=attendance.pk)
    proxies = list(attendance.proxies.values_list("household__public_id", flat=True))
    before = {
        "household": str(attendance.household.public_id),
        "holder": attendance.holder_id,
        "proxies": [str(p) for p in proxies],
    }
    audit_record(
        actor=actor,
        action="democracy.attendance_undo",
        obj=attendance,
        organisation_id=meeting.organisation_id,
        before=before,
    )
    attendance.delete()


# --- proxies -------------------------------------------------------------------------


def proxy_rules(estate_id: int | None) -> EstateRules | None:
    if estate_id is None:
        return None
    return EstateRules.objects.filter(estate_id=estate_id).first()


@transaction.atomic
def proxy_register(
    *,
    actor: Any,
    meeting: Meeting,
    holder: Household,
    represented: Household,
    shown: bool,
) -> Attendance:
    """The present household ``holder`` votes for ``represented`` too, on a written
    proxy shown at the door. Only where the estate's meeting allowed proxies, up to its
    cap; no household represents itself, one that is present, or one that holds proxies
    (no chains), and a represented household cannot carry proxies of its own."""
    meeting = _locked_meeting(meeting)
    rules_row = proxy_rules(meeting.estate_id)
    if rules_row is None or not rules_row.proxies_allowed:
        raise ValidationError(_("Afdelingsmødet har ikke besluttet at tillade fuldmagter."))
    if holder.pk == represented.pk:
        raise ValidationError(_("En husstand kan ikke give fuldmagt til sig selv."))
    if not shown:
        raise ValidationError(
            {"shown": _("Bekræft, at den skriftlige fuldmagt er vist ved indgangen.")}
        )
    holder_row = (
        Attendance.objects.select_for_update().filter(meeting=meeting, household=holder).first()
    )
    if holder_row is None:
        raise ValidationError(_("Husstanden med fuldmagten skal selv være tjekket ind først."))
    if holder_row.holder_id is not None:
        raise ValidationError(
            _(
                "Husstanden med fuldmagten er selv repræsenteret ved fuldmagt. En fuldmagt "
                "kan ikke gives videre."
            )
        )
    if not _on_roll(meeting, represented):
        raise ValidationError(
            _("Den husstand, der gives fuldmagt for, står ikke på listen over stemmeberettigede.")
        )
    existing = Attendance.objects.filter(meeting=meeting, household=represented).first()
    if existing is not None:
        if existing.holder_id is None:
            raise ValidationError(
                _("Den husstand, der gives fuldmagt for, er selv til stede og stemmer selv.")
            )
        raise ValidationError(_("Husstanden er allerede repræsenteret ved fuldmagt."))
    carried = Attendance.objects.filter(holder=holder_row).count()
    if carried >= rules_row.proxy_cap:
        raise ValidationError(
            _(
                "Husstanden har allerede %(count)s fuldmagt(er). Afdelingen tillader højst "
                "%(cap)s pr. husstand."
            )
            % {"count": carried, "cap": rules_row.proxy_cap}
        )
    try:
        with transaction.atomic():
            row = Attendance.objects.create(
                meeting=meeting,
                household=represented,
                holder=holder_row,
                checked_in_by=_actor(actor),
            )
    except IntegrityError:
        raise ValidationError(_already_message(meeting, represented)) from None
    audit_record(
        actor=actor,
        action="democracy.proxy_register",
        obj=row,
        organisation_id=meeting.organisation_id,
        after={
            "household": str(represented.public_id),
            "holder": str(holder.public_id),
            "written_proxy_shown": True,
        },
    )
    return row


@transaction.atomic
def estate_rules_set(
    *,
    actor: Any,
    estate: Estate,
    proxies_allowed: bool,
    proxy_cap: int,
    proxy_decision: Decision | None,
    two_ordinary_meetings: bool,
) -> EstateRules:
    """What the estate's own meeting decided: proxies (with the cap and the decision
    that allowed them) and whether it holds two ordinary meetings a year."""
    if not 1 <= proxy_cap <= PROXY_CAP_MAX:
        raise ValidationError(
            {
                "proxy_cap": _("Skriv et tal mellem 1 og %(max)s.") % {"max": PROXY_CAP_MAX},
            }
        )
    if proxy_decision is not None and proxy_decision.estate_id != estate.pk:
        raise ValidationError({"proxy_decision": _("Vælg en beslutning fra afdelingen.")})
    if proxies_allowed and proxy_decision is None:
        raise ValidationError(
            {
                "proxy_decision": _(
                    "Fuldmagter kan kun tillades, hvis afdelingsmødet har besluttet det. "
                    "Vælg beslutningen."
                )
            }
        )
    row = EstateRules.objects.select_for_update().filter(estate=estate).first()
    before = snapshot(row, RULES_FIELDS) if row else None
    if row is None:
        row = EstateRules(estate=estate)
    row.proxies_allowed = proxies_allowed
    row.proxy_cap = proxy_cap
    row.proxy_decision = proxy_decision if proxies_allowed else None
    row.two_ordinary_meetings = two_ordinary_meetings
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="democracy.estate_rules_set",
        obj=row,
        organisation_id=estate.organisation_id,
        before=before,
        after=snapshot(row, RULES_FIELDS),
    )
    return row


# --- votes ---------------------------------------------------------------------------


def computed_outcome(votes_for: int, votes_against: int) -> str:
    """Simple majority of those present and voting: adopted when more vote for than
    against (blank votes count for neither)."""
    return Outcome.ADOPTED if votes_for > votes_against else Outcome.REJECTED


# What the board may record; "" is "as the votes say" (``computed_outcome``).
VOTE_OUTCOMES = (Outcome.ADOPTED, Outcome.REJECTED, Outcome.NOTED)


def _check_votes(
    meeting: Meeting,
    *,
    votes_for: int | None,
    votes_against: int | None,
    votes_blank: int | None,
    outcome: str,
) -> tuple[int | None, int | None, int | None, str]:
    """The votes and outcome to record, or a ValidationError saying what is wrong."""
    if outcome not in {"", *VOTE_OUTCOMES}:
        raise ValidationError({"outcome": _("Vælg et resultat.")})
    numbers = (votes_for, votes_against, votes_blank)
    if outcome == Outcome.NOTED and all(n is None for n in numbers):
        return None, None, None, outcome
    if any(n is not None and not 0 <= n <= VOTES_MAX for n in numbers):
        raise ValidationError(_("Stemmetal skal være hele tal fra 0 og opefter."))
    if votes_for is None or votes_against is None:
        raise ValidationError(
            _("Skriv antal stemmer for og imod (eller vælg “Taget til efterretning”).")
        )
    blank = votes_blank or 0
    present = hall_count(meeting).votes
    cast = votes_for + votes_against + blank
    if cast > present:
        raise ValidationError(
            _(
                "Der er afgivet %(cast)s stemmer, men kun %(present)s stemmer er til stede. "
                "Tæl igen."
            )
            % {"cast": cast, "present": present}
        )
    numbers_text = {"for": votes_for, "against": votes_against}
    if outcome == Outcome.ADOPTED and not votes_for > votes_against:
        raise ValidationError(
            {
                "outcome": _(
                    "Et forslag er kun vedtaget, når flere stemmer for end imod "
                    "(%(for)s for, %(against)s imod)."
                )
                % numbers_text
            }
        )
    if outcome == Outcome.REJECTED and votes_for > votes_against:
        raise ValidationError(
            {
                "outcome": _(
                    "Flere stemte for end imod (%(for)s for, %(against)s imod): "
                    "forslaget er vedtaget."
                )
                % numbers_text
            }
        )
    return votes_for, votes_against, blank, outcome or computed_outcome(votes_for, votes_against)


@transaction.atomic
def item_vote_record(
    *,
    actor: Any,
    item: AgendaItem,
    votes_for: int | None,
    votes_against: int | None,
    votes_blank: int | None,
    outcome: str,
) -> AgendaItem:
    """The show of hands on an agenda item, or "noted" for an item without a vote.
    Together the votes may not exceed the votes present. Creates or updates the item's
    decision (``decision_from_item``)."""
    meeting = _locked_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.kind == AgendaKind.ELECTION:
        raise ValidationError(_("Valg registreres med kandidaternes stemmer."))
    before = snapshot(item, VOTE_FIELDS)
    f, a, b, outcome = _check_votes(
        meeting,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_blank=votes_blank,
        outcome=outcome,
    )
    item.votes_for, item.votes_against, item.votes_blank = f, a, b
    item.outcome = outcome
    item.recorded_at = timezone.now()
    item.recorded_by = _actor(actor)
    item.meeting = meeting
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="democracy.item_vote_record",
        obj=item,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(item, VOTE_FIELDS),
    )
    decision_from_item(actor=actor, item=item)
    return item


@transaction.atomic
def amendment_vote_record(
    *,
    actor: Any,
    amendment: Amendment,
    votes_for: int | None,
    votes_against: int | None,
    votes_blank: int | None,
    outcome: str,
) -> Amendment:
    """The show of hands on an amendment, with the same rules as an agenda item."""
    amendment = Amendment.objects.select_related("item", "item__meeting").get(pk=amendment.pk)
    meeting = _locked_meeting(amendment.item.meeting)
    before = snapshot(amendment, VOTE_FIELDS)
    f, a, b, outcome = _check_votes(
        meeting,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_blank=votes_blank,
        outcome=outcome,
    )
    amendment.votes_for, amendment.votes_against, amendment.votes_blank = f, a, b
    amendment.outcome = outcome
    amendment.recorded_at = timezone.now()
    amendment.recorded_by = _actor(actor)
    amendment.full_clean()
    amendment.save()
    audit_record(
        actor=actor,
        action="democracy.amendment_vote_record",
        obj=amendment,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(amendment, VOTE_FIELDS),
    )
    return amendment


# --- elections -----------------------------------------------------------------------


def _election_item(item: AgendaItem) -> AgendaItem:
    if item.kind != AgendaKind.ELECTION:
        raise ValidationError(_("Kandidater kan kun stille op under et valgpunkt."))
    if item.outcome == Outcome.ELECTED:
        raise ValidationError(_("Valget er registreret. Der kan ikke stille flere op."))
    return item


@transaction.atomic
def candidate_add(*, actor: Any, item: AgendaItem, name: str, post: str) -> Candidate:
    """A candidate at an election item: candidates may stand until the election is
    recorded."""
    meeting = _locked_meeting(item.meeting)
    item = _election_item(AgendaItem.objects.select_for_update().get(pk=item.pk))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Skriv kandidatens navn.")})
    if len(name) > TITLE:
        raise ValidationError(
            {"name": _("Navnet er for langt (højst %(max)s tegn).") % {"max": TITLE}}
        )
    if post not in CandidatePost.values:
        raise ValidationError({"post": _("Vælg, hvad kandidaten stiller op til.")})
    if item.candidates.filter(name__iexact=name, post=post).exists():
        raise ValidationError({"name": _("Kandidaten står allerede på listen.")})
    candidate = Candidate.objects.create(item=item, name=name, post=post)
    audit_record(
        actor=actor,
        action="democracy.candidate_add",
        obj=candidate,
        organisation_id=meeting.organisation_id,
        after={"name": name, "post": post},
    )
    return candidate


@transaction.atomic
def election_record(
    *,
    actor: Any,
    item: AgendaItem,
    votes: Mapping[int, int | None],
    elected: Iterable[int],
) -> AgendaItem:
    """Each candidate's votes and who was elected. A voter may vote for several
    candidates, so each candidate (not the sum) is held to the votes present."""
    meeting = _locked_meeting(item.meeting)
    item = _election_item(AgendaItem.objects.select_for_update().get(pk=item.pk))
    candidates = list(item.candidates.all())
    if not candidates:
        raise ValidationError(_("Tilføj kandidaterne, før valget registreres."))
    chosen = set(elected)
    if not chosen:
        raise ValidationError({"elected": _("Markér, hvem der blev valgt.")})
    if chosen - {c.pk for c in candidates}:
        raise ValidationError({"elected": _("Vælg blandt kandidaterne.")})
    present = hall_count(meeting).votes
    for c in candidates:
        n = votes.get(c.pk)
        if n is not None and not 0 <= n <= VOTES_MAX:
            raise ValidationError(_("Stemmetal skal være hele tal fra 0 og opefter."))
        if n is not None and n > present:
            raise ValidationError(
                _(
                    "%(name)s har fået %(cast)s stemmer, men kun %(present)s stemmer er til "
                    "stede. Tæl igen."
                )
                % {"name": c.name, "cast": n, "present": present}
            )
    for c in candidates:
        c.votes = votes.get(c.pk)
        c.elected = c.pk in chosen
    Candidate.objects.bulk_update(candidates, ["votes", "elected"])
    before = snapshot(item, VOTE_FIELDS)
    item.outcome = Outcome.ELECTED
    item.recorded_at = timezone.now()
    item.recorded_by = _actor(actor)
    item.save()
    audit_record(
        actor=actor,
        action="democracy.election_record",
        obj=item,
        organisation_id=meeting.organisation_id,
        before=before,
        after={
            **snapshot(item, VOTE_FIELDS),
            "elected": sorted(c.name for c in candidates if c.elected),
        },
    )
    decision_from_item(actor=actor, item=item)
    return item


# --- the decision of an item ---------------------------------------------------------


def _votes_phrase(f: int, a: int, b: int) -> str:
    return _("%(for)s stemmer for, %(against)s imod og %(blank)s blanke") % {
        "for": f,
        "against": a,
        "blank": b,
    }


def _decision_text(item: AgendaItem, forum_label: str) -> str:
    title = item.title
    if item.outcome == Outcome.ELECTED:
        names = [
            _("%(name)s (%(post)s)") % {"name": c.name, "post": c.get_post_display().lower()}
            for c in item.candidates.all()
            if c.elected
        ]
        return _("%(forum)s valgte under punktet “%(title)s”: %(names)s.") % {
            "forum": forum_label,
            "title": title,
            "names": ", ".join(names),
        }
    if item.outcome == Outcome.NOTED:
        return _("%(forum)s tog punktet “%(title)s” til efterretning.") % {
            "forum": forum_label,
            "title": title,
        }
    votes = _votes_phrase(item.votes_for or 0, item.votes_against or 0, item.votes_blank or 0)
    if item.outcome == Outcome.ADOPTED:
        text = _("%(forum)s vedtog punktet “%(title)s” med %(votes)s.")
    else:
        text = _("%(forum)s forkastede punktet “%(title)s” med %(votes)s.")
    return text % {"forum": forum_label, "title": title, "votes": votes}


@transaction.atomic
def decision_from_item(*, actor: Any, item: AgendaItem) -> Decision | None:
    """Create or update the decision register's row for an agenda item whose result is
    recorded with an outcome (nothing without one). The row is the organisation's until
    the minutes publish it (``published_at`` stays empty here)."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if not item.outcome:
        return None
    meeting = item.meeting
    forum = FORUM_OF_KIND[meeting.kind]  # type: ignore[index]
    with translation.override("da"):
        text = _decision_text(item, str(forum.label))
    decision = Decision.objects.select_for_update().filter(item=item).first()
    before = snapshot(decision, DECISION_FIELDS) if decision else None
    if decision is None:
        decision = Decision(item=item, created_by=_actor(actor))
    decision.organisation_id = meeting.organisation_id
    decision.estate_id = meeting.estate_id
    decision.meeting = meeting
    decision.forum = forum
    decision.decided_on = meeting.meeting_on
    decision.title = item.title[:TITLE]
    decision.text = text
    decision.votes_for = item.votes_for
    decision.votes_against = item.votes_against
    decision.votes_blank = item.votes_blank
    decision.outcome = item.outcome
    decision.visibility = Visibility.ORGANISATION
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="democracy.decision_from_item",
        obj=decision,
        organisation_id=meeting.organisation_id,
        before=before,
        after=snapshot(decision, DECISION_FIELDS),
    )
    return decision


# --- after the meeting ---------------------------------------------------------------


@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Mark the meeting held: attendance and votes are final."""
    meeting = _locked_meeting(meeting)
    before = snapshot(meeting, services.MEETING_FIELDS)
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="democracy.meeting_close",
        obj=meeting,
        organisation_id=meeting.organisation_id,
        before=before,
        after={**snapshot(meeting, services.MEETING_FIELDS), "count": hall_count(meeting).votes},
    )
    return meeting
