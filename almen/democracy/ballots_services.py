"""Running a secret ballot (issue 9, decision 0030): creating one for its purpose with
its default options and the rules, editing a draft, opening it, ending a vote in the
hall, paper votes by post, hand counts with four eyes, the count and a recount, and
publishing the result as a decision. Keyword-only, atomic, audited (``services.py``'s
rules); refusals are ValidationErrors with a Danish message. The box itself (casting,
closing, the tally) is ``ballots_box``.

Rules decided here (issue 9's "decide, write it down"):

- **Always a no option in an urafstemning.** A yes/no ballot has "Nej"; a choose-one
  urafstemning gets "Ingen af dem" (kind ``nej``) beside its options. Neither it nor
  "Blank" can be removed, and opening refuses a ballot without them.
- **No new urafstemning on the same proposal before the next ordinary meeting**: a new
  one is refused while an urafstemning on the proposal was created after the last held
  ordinary afdelingsmøde of the estate (or at all, if none was held yet). A draft counts:
  edit it instead of making a second one.
- **Opening is an explicit act.** A ballot opened before its opening time is scheduled
  (state open, votes refused until ``opens_at``, ``ballots_box.closed_reason``); one
  opened after it opens now. ``ballots_tick`` (every minute) never opens a draft: it
  closes open ballots past their closing time and sends the 24-hour reminder.
- **A digital vote closes at its closing time, never earlier**: that time was promised
  to the residents. A written vote in the hall ends when the chair says so
  (``ballot_close_now`` moves its closing time to now).
- **Digital after the meeting**: the meeting's roll; every household checked in at the
  meeting (present or by proxy) gets a participation with its 2 votes in the hall when
  the ballot opens, and again at the count for a check-in made after the opening (one
  that voted digitally first keeps its digital votes), so it cannot vote again online.
- **Hand counts**: entered by one person, confirmed by another (the database refuses the
  same person too). The one who entered a count may withdraw it (rejected, checked by
  nobody); another person may reject it. One count per channel waits or counts at a time.
- **A recount** compares the vote figures (per option and channel, totals, households,
  the box); not the size of the roll, which shrinks as moved-out households lose
  their vote over time (``ballots_box.roll``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from almen.audit.services import audit_record, audited_update, snapshot
from almen.democracy import ballots_admin_reminders as reminders
from almen.democracy import ballots_box, ballots_elections, rules
from almen.democracy.hall_services import OPEN_DAYS_AFTER, VOTES_MAX, hall_closed_reason
from almen.democracy.models import (
    RESIDENTS_MEETINGS,
    AgendaItem,
    Attendance,
    Ballot,
    BallotKind,
    BallotOption,
    BallotPurpose,
    BallotState,
    CountChannel,
    CountStatus,
    Decision,
    EstateRules,
    Forum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OptionKind,
    Outcome,
    PaperCount,
    Participation,
    Proposal,
)
from almen.lib.bounds import DATE_BOUNDS_MESSAGE, LONG_TEXT, SHORT_TEXT, TITLE, date_in_bounds
from almen.lib.visibility import Visibility
from almen.notify.services import queue_reminders
from almen.register.models import Estate, Household

# The longest a ballot may be open.
MAX_PERIOD = datetime.timedelta(days=60)
# A digital vote after a meeting closes at the latest at the end of this day after it.
AFTER_MEETING_DAYS = 7
# An opening time this far in the past still counts as "now" (the minute typed).
OPEN_GRACE = datetime.timedelta(minutes=5)
# Options of a choose-one ballot (besides "Ingen af dem" and "Blank").
MAX_OPTIONS = 20
SEATS_MAX = 15
TERM_YEARS_MAX = 4
TERM_YEARS_DEFAULT = 2

# The labels of the default options (stored as written, in Danish: the ballot paper).
LABEL_YES = "Ja"
LABEL_NO = "Nej"
LABEL_NONE = "Ingen af dem"
LABEL_BLANK = "Blank"

BALLOT_FIELDS = (
    "kind",
    "purpose",
    "title",
    "question",
    "meeting_id",
    "item_id",
    "proposal_id",
    "authorised_by_id",
    "roll_on",
    "moved_out_keeps_vote",
    "opens_at",
    "closes_at",
    "state",
    "seats",
    "substitute_seats",
    "term_years",
    "visibility",
)
UPDATABLE = (
    "title",
    "question",
    "opens_at",
    "closes_at",
    "roll_on",
    "visibility",
    "seats",
    "substitute_seats",
    "term_years",
)
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
VISIBILITIES = (Visibility.ORGANISATION, Visibility.PUBLIC)
# A tally's figures that a recount must reproduce (``ballots_box.tally``'s keys but the
# roll's size, see the module's docstring).
RECOUNT_KEYS = (
    "options",
    "blank",
    "votes",
    "votes_digital",
    "votes_hall",
    "votes_paper",
    "households",
    "box_size",
    "chain_head",
)
# The order of options on the paper: the choices, then "no", then "Blank".
_OPTION_ORDER = {
    OptionKind.YES: 0,
    OptionKind.OPTION: 0,
    OptionKind.CANDIDATE: 0,
    OptionKind.NO: 1,
    OptionKind.BLANK: 2,
}


def _now() -> datetime.datetime:
    return timezone.now()


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d-%m-%Y kl. %H:%M}"


def _number(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().get(pk=ballot.pk)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight after ``day``, local time (a vote "until the 7th day" may close then)."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


# --- the rules of a ballot's purpose ---------------------------------------------------


def _last_held_ordinary(estate_id: int) -> Meeting | None:
    return (
        Meeting.objects.filter(
            estate_id=estate_id,
            kind=MeetingKind.ORDINARY,
            status=MeetingStatus.HELD,
            starts_at__lte=_now(),
        )
        .order_by("-starts_at")
        .first()
    )


def repeat_refusal(estate: Estate, proposal: Proposal) -> str:
    """Why there can be no new urafstemning on ``proposal`` now ("" when there can)."""
    earlier = Ballot.objects.filter(
        estate=estate, purpose=BallotPurpose.REFERENDUM, proposal=proposal
    )
    last = _last_held_ordinary(estate.pk)
    if last is not None:
        earlier = earlier.filter(created_at__gte=last.starts_at)
    if not earlier.exists():
        return ""
    if last is None:
        return _(
            "Der har allerede været en urafstemning om forslaget. En ny urafstemning om "
            "samme forslag kan først holdes efter næste ordinære afdelingsmøde."
        )
    return _(
        "Der har allerede været en urafstemning om forslaget siden det ordinære "
        "afdelingsmøde %(day)s. En ny urafstemning om samme forslag kan først holdes "
        "efter næste ordinære afdelingsmøde."
    ) % {"day": f"{last.meeting_on:%d-%m-%Y}"}


def _check_authorisation(
    *, estate: Estate, purpose: str, authorised_by: Decision | None, meeting: Meeting | None
) -> None:
    if purpose == BallotPurpose.REFERENDUM:
        if authorised_by is None:
            raise ValidationError(
                {
                    "authorised_by": _(
                        "En urafstemning skal være besluttet af afdelingsmødet (eller af "
                        "afdelingsbestyrelsen inden for dens kompetence). Vælg beslutningen."
                    )
                }
            )
        if authorised_by.estate_id != estate.pk:
            raise ValidationError(
                {"authorised_by": _("Vælg en beslutning truffet i denne afdeling.")}
            )
        if authorised_by.forum not in (Forum.RESIDENTS_MEETING, Forum.ESTATE_BOARD):
            raise ValidationError(
                {
                    "authorised_by": _(
                        "En urafstemning besluttes af afdelingsmødet eller "
                        "afdelingsbestyrelsen. Vælg en af deres beslutninger."
                    )
                }
            )
    elif purpose == BallotPurpose.AFTER_MEETING:
        assert meeting is not None
        if authorised_by is None or authorised_by.meeting_id != meeting.pk:
            raise ValidationError(
                {
                    "authorised_by": _(
                        "Digital afstemning efter mødet kræver, at afdelingsmødet selv har "
                        "besluttet det. Vælg mødets beslutning om det."
                    )
                }
            )
    elif authorised_by is not None and authorised_by.estate_id != estate.pk:
        raise ValidationError({"authorised_by": _("Vælg en beslutning truffet i denne afdeling.")})


def _check_meeting(*, estate: Estate, purpose: str, item: AgendaItem | None) -> Meeting | None:
    """The afdelingsmøde a vote after the meeting or in the hall belongs to (the item's);
    an urafstemning has none here (its deciding meeting comes with its decision)."""
    if purpose == BallotPurpose.REFERENDUM:
        return None
    if item is None:
        raise ValidationError(
            {"item": _("Vælg det punkt på afdelingsmødets dagsorden, der stemmes om.")}
        )
    meeting = Meeting.objects.get(pk=item.meeting_id)
    if meeting.estate_id != estate.pk or meeting.kind not in RESIDENTS_MEETINGS:
        raise ValidationError({"item": _("Vælg et punkt fra et afdelingsmøde i afdelingen.")})
    if meeting.status not in (MeetingStatus.NOTICED, MeetingStatus.HELD):
        raise ValidationError(
            {"item": _("Mødet er ikke indkaldt eller er aflyst. Vælg et punkt fra et andet møde.")}
        )
    if meeting.roll_on is None:
        raise ValidationError({"item": _("Mødet har ingen liste over stemmeberettigede endnu.")})
    if purpose == BallotPurpose.HALL:
        closed = hall_closed_reason(meeting)
        if closed:
            raise ValidationError({"item": closed})
    return meeting


def _check_times(ballot: Ballot, *, new_opening: bool) -> None:
    """Opening and closing times, the period and the roll's cut-off day of ``ballot``
    (created, or a draft being edited: ``new_opening`` when its opening time is new)."""
    opens, closes = ballot.opens_at, ballot.closes_at
    if timezone.is_naive(opens) or timezone.is_naive(closes):
        raise ValidationError(_("Tidspunkterne mangler en tidszone."))
    if not date_in_bounds(timezone.localtime(opens).date()):
        raise ValidationError({"opens_at": DATE_BOUNDS_MESSAGE})
    if not date_in_bounds(timezone.localtime(closes).date()):
        raise ValidationError({"closes_at": DATE_BOUNDS_MESSAGE})
    if closes <= opens:
        raise ValidationError({"closes_at": _("Afstemningen skal lukke efter, den åbner.")})
    if closes - opens > MAX_PERIOD:
        raise ValidationError(
            {
                "closes_at": _("En afstemning kan højst være åben i %(days)s dage.")
                % {"days": MAX_PERIOD.days}
            }
        )
    if new_opening and opens < _now() - OPEN_GRACE:
        raise ValidationError({"opens_at": _("Afstemningen kan ikke åbne i fortiden.")})
    if not date_in_bounds(ballot.roll_on):
        raise ValidationError({"roll_on": DATE_BOUNDS_MESSAGE})
    if ballot.roll_on > timezone.localtime(opens).date():
        raise ValidationError(
            {"roll_on": _("Skæringsdatoen for stemmeret kan ikke ligge efter, afstemningen åbner.")}
        )
    meeting = ballot.meeting
    if ballot.purpose == BallotPurpose.AFTER_MEETING and meeting is not None:
        last = _end_of_day(meeting.meeting_on + datetime.timedelta(days=AFTER_MEETING_DAYS))
        if closes > last:
            raise ValidationError(
                {
                    "closes_at": _(
                        "Digital afstemning efter mødet kan højst vare %(days)s dage efter "
                        "mødet: den skal lukke senest %(when)s."
                    )
                    % {"days": AFTER_MEETING_DAYS, "when": _when(last)}
                }
            )
        if opens < meeting.starts_at:
            raise ValidationError(
                {
                    "opens_at": _(
                        "Digital afstemning efter mødet kan først åbne, når mødet er begyndt."
                    )
                }
            )
    if ballot.purpose == BallotPurpose.HALL and meeting is not None:
        last = _end_of_day(meeting.meeting_on + datetime.timedelta(days=OPEN_DAYS_AFTER))
        if closes > last:
            raise ValidationError(
                {
                    "closes_at": _(
                        "En afstemning i salen skal slutte, mens salen er åben (senest %(when)s)."
                    )
                    % {"when": _when(last)}
                }
            )


def _check_texts(ballot: Ballot) -> None:
    ballot.title = " ".join(str(ballot.title).split())
    ballot.question = str(ballot.question).strip()
    if not ballot.title:
        raise ValidationError({"title": _("Skriv en overskrift.")})
    if len(ballot.title) > TITLE:
        raise ValidationError({"title": _("Højst %(n)s tegn.") % {"n": TITLE}})
    if not ballot.question:
        raise ValidationError({"question": _("Skriv, hvad der stemmes om.")})
    if len(ballot.question) > LONG_TEXT:
        raise ValidationError({"question": _("Højst %(n)s tegn.") % {"n": LONG_TEXT}})
    if ballot.visibility not in VISIBILITIES:
        raise ValidationError({"visibility": _("Vælg, hvem der må se resultatet.")})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_seats(ballot: Ballot) -> None:
    if ballot.kind != BallotKind.ELECTION:
        ballot.seats, ballot.substitute_seats, ballot.term_years = None, 0, None
        return
    if ballot.term_years is None:
        ballot.term_years = TERM_YEARS_DEFAULT
    if not _is_int(ballot.seats) or not 1 <= ballot.seats <= SEATS_MAX:  # type: ignore[operator]
        raise ValidationError(
            {"seats": _("Skriv et antal pladser mellem 1 og %(n)s.") % {"n": SEATS_MAX}}
        )
    if not _is_int(ballot.substitute_seats) or not 0 <= ballot.substitute_seats <= SEATS_MAX:
        raise ValidationError(
            {
                "substitute_seats": _("Skriv et antal suppleanter mellem 0 og %(n)s.")
                % {"n": SEATS_MAX}
            }
        )
    if not _is_int(ballot.term_years) or not 1 <= ballot.term_years <= TERM_YEARS_MAX:
        raise ValidationError(
            {"term_years": _("Skriv en valgperiode på 1 til %(n)s år.") % {"n": TERM_YEARS_MAX}}
        )


def _clean_labels(labels: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    reserved = {LABEL_BLANK.casefold(), LABEL_NONE.casefold(), LABEL_NO.casefold()}
    for raw in labels:
        label = " ".join(str(raw).split())
        if not label:
            continue
        if len(label) > TITLE:
            raise ValidationError(
                {"options": _("En svarmulighed må højst være %(n)s tegn.") % {"n": TITLE}}
            )
        if label.casefold() in reserved:
            raise ValidationError(
                {
                    "options": _(
                        "»%(label)s« kommer på stemmesedlen af sig selv. Skriv kun de "
                        "egentlige muligheder."
                    )
                    % {"label": label}
                }
            )
        if label.casefold() in seen:
            raise ValidationError(
                {"options": _("»%(label)s« står der to gange.") % {"label": label}}
            )
        seen.add(label.casefold())
        cleaned.append(label)
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": _("Højst %(n)s svarmuligheder.") % {"n": MAX_OPTIONS}})
    return cleaned


def _default_options(kind: str, purpose: str, labels: list[str]) -> list[tuple[str, str]]:
    if kind == BallotKind.YES_NO:
        return [
            (OptionKind.YES, LABEL_YES),
            (OptionKind.NO, LABEL_NO),
            (OptionKind.BLANK, LABEL_BLANK),
        ]
    if kind == BallotKind.CHOICE:
        options = [(OptionKind.OPTION.value, label) for label in labels]
        if purpose == BallotPurpose.REFERENDUM:
            options.append((OptionKind.NO, LABEL_NONE))
        return [*options, (OptionKind.BLANK, LABEL_BLANK)]
    return [(OptionKind.BLANK, LABEL_BLANK)]  # an election: candidates come later


# --- creating and editing --------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    actor: Any,
    estate: Estate,
    purpose: str,
    kind: str,
    title: str,
    question: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    roll_on: datetime.date | None = None,
    authorised_by: Decision | None = None,
    item: AgendaItem | None = None,
    proposal: Proposal | None = None,
    options: Sequence[str] = (),
    seats: int | None = None,
    substitute_seats: int = 0,
    term_years: int | None = None,
    visibility: str = Visibility.ORGANISATION,
) -> Ballot:
    """A draft ballot of ``estate`` for its purpose, with its default options: Ja, Nej,
    Blank (yes/no); the given options, "Ingen af dem" in an urafstemning, and Blank
    (choose one); Blank (an election: the candidates are nominated later).

    An urafstemning needs the decision of the estate that called it, and none on the
    same proposal since the last ordinary meeting. A digital vote after the meeting and
    a written vote in the hall belong to an agenda item of a noticed afdelingsmøde, use
    its roll, and (after the meeting) need the meeting's decision to allow it and close
    within 7 days of the meeting; a vote in the hall is created while the hall is open.
    The estate's rule for moved-out households is copied onto the ballot."""
    if purpose not in BallotPurpose.values:
        raise ValidationError({"purpose": _("Vælg, hvilken slags afstemning det er.")})
    if kind not in BallotKind.values:
        raise ValidationError({"kind": _("Vælg, hvordan der stemmes.")})
    if item is not None:
        item = AgendaItem.objects.get(pk=item.pk)
    meeting = _check_meeting(estate=estate, purpose=purpose, item=item)
    _check_authorisation(
        estate=estate, purpose=purpose, authorised_by=authorised_by, meeting=meeting
    )
    if purpose == BallotPurpose.REFERENDUM:
        item = None
        meeting = authorised_by.meeting if authorised_by is not None else None
    if proposal is not None:
        if proposal.estate_id != estate.pk:
            raise ValidationError({"proposal": _("Vælg et forslag fra afdelingen.")})
        if purpose == BallotPurpose.REFERENDUM:
            refusal = repeat_refusal(estate, proposal)
            if refusal:
                raise ValidationError({"proposal": refusal})
    if kind != BallotKind.CHOICE and any(str(o).strip() for o in options):
        raise ValidationError(
            {
                "options": _(
                    "Kun en afstemning, hvor man vælger én mulighed, har egne svarmuligheder."
                )
            }
        )
    labels = _clean_labels(options) if kind == BallotKind.CHOICE else []
    if meeting is not None and purpose != BallotPurpose.REFERENDUM:
        roll_on = meeting.roll_on  # the meeting's roll, whatever was asked
    keeps = (
        EstateRules.objects.filter(estate=estate)
        .values_list("moved_out_keeps_vote", flat=True)
        .first()
    )
    ballot = Ballot(
        organisation_id=estate.organisation_id,
        estate=estate,
        kind=kind,
        purpose=purpose,
        title=title,
        question=question,
        meeting=meeting,
        item=item,
        proposal=proposal,
        authorised_by=authorised_by,
        roll_on=roll_on or timezone.localdate(),
        moved_out_keeps_vote=bool(keeps),
        opens_at=opens_at,
        closes_at=closes_at,
        seats=seats,
        substitute_seats=substitute_seats,
        term_years=term_years,
        visibility=visibility,
        created_by=_person(actor),
    )
    _check_texts(ballot)
    _check_seats(ballot)
    _check_times(ballot, new_opening=True)
    ballot.full_clean()
    ballot.save()
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, position=n, kind=k, label=label)
        for n, (k, label) in enumerate(_default_options(kind, purpose, labels), start=1)
    )
    audit_record(
        actor=actor,
        action="democracy.ballot_create",
        obj=ballot,
        organisation_id=ballot.organisation_id,
        after={
            **snapshot(ballot, BALLOT_FIELDS),
            "options": list(ballot.options.order_by("position").values_list("label", flat=True)),
        },
    )
    return ballot


def _require_draft(ballot: Ballot) -> None:
    if ballot.state != BallotState.DRAFT:
        raise ValidationError(
            _("Afstemningen er åbnet. Kun en kladde kan ændres.")
            if ballot.state == BallotState.OPEN
            else _("Afstemningen er afsluttet og kan ikke ændres.")
        )


def ballot_update(
    *,
    actor: Any,
    ballot: Ballot,
    title: str,
    question: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    visibility: str,
    roll_on: datetime.date | None = None,
    seats: int | None = None,
    substitute_seats: int = 0,
    term_years: int | None = None,
) -> Ballot:
    """Edit a draft: its texts, times, roll cut-off (an urafstemning's; a vote of a
    meeting keeps the meeting's roll), who reads the result, and an election's seats.
    The rules of ``ballot_create`` are checked again."""
    with transaction.atomic():
        locked = _locked(ballot)
        _require_draft(locked)
        opened_at = locked.opens_at
        if locked.kind == BallotKind.ELECTION and term_years is None:
            term_years = TERM_YEARS_DEFAULT
        changes: dict[str, Any] = {
            "title": " ".join(str(title).split()),
            "question": str(question).strip(),
            "opens_at": opens_at,
            "closes_at": closes_at,
            "visibility": visibility,
            "seats": seats,
            "substitute_seats": substitute_seats,
            "term_years": term_years,
        }
        if locked.purpose == BallotPurpose.REFERENDUM:
            changes["roll_on"] = roll_on or locked.roll_on

        def validate(fresh: Ballot) -> None:
            _check_texts(fresh)
            _check_seats(fresh)
            _check_times(fresh, new_opening=fresh.opens_at != opened_at)
            fresh.full_clean()

        return audited_update(
            actor=actor,
            obj=ballot,
            changes=changes,
            allowed=UPDATABLE,
            organisation_id=locked.organisation_id,
            validate=validate,
            action="democracy.ballot_update",
        )


def options_renumber(ballot: Ballot) -> None:
    """Number the options 1, 2, … in the paper's order: the choices (or candidates) as
    they were, then the "no" option, then Blank. For the parts that add options."""
    options = sorted(
        BallotOption.objects.filter(ballot=ballot).order_by("position", "id"),
        key=lambda o: (_OPTION_ORDER.get(OptionKind(o.kind), 0), o.position),
    )
    # Out of the way first: positions are unique per ballot at every row's update.
    BallotOption.objects.filter(ballot=ballot).update(position=F("position") + 1000)
    for n, option in enumerate(options, start=1):
        option.position = n
    BallotOption.objects.bulk_update(options, ["position"])


@transaction.atomic
def option_add(*, actor: Any, ballot: Ballot, label: str) -> BallotOption:
    """A choice on the paper of a draft choose-one ballot (before "no" and Blank)."""
    locked = _locked(ballot)
    _require_draft(locked)
    if locked.kind != BallotKind.CHOICE:
        raise ValidationError(
            _("Svarmulighederne ligger fast for en ja/nej-afstemning.")
            if locked.kind == BallotKind.YES_NO
            else _("Kandidater til et valg stiller op under kandidaterne, ikke her.")
        )
    existing = list(locked.options.filter(kind=OptionKind.OPTION).values_list("label", flat=True))
    cleaned = _clean_labels([*existing, label])
    if len(cleaned) == len(existing):
        raise ValidationError({"label": _("Skriv svarmuligheden.")})
    top = max(locked.options.values_list("position", flat=True), default=0)
    option = BallotOption.objects.create(
        ballot=locked, position=top + 1, kind=OptionKind.OPTION, label=cleaned[-1]
    )
    options_renumber(locked)
    option.refresh_from_db()
    audit_record(
        actor=actor,
        action="democracy.ballot_option_add",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={"label": option.label, "position": option.position},
    )
    return option


@transaction.atomic
def option_remove(*, actor: Any, option: BallotOption) -> None:
    """Take a choice off the paper of a draft. "Blank", the "no" option and a yes/no
    ballot's options stay; candidates are the elections' to withdraw."""
    locked = Ballot.objects.select_for_update().get(pk=option.ballot_id)
    _require_draft(locked)
    option = BallotOption.objects.get(pk=option.pk, ballot=locked)
    if option.kind == OptionKind.BLANK:
        raise ValidationError(_("Blank står altid på stemmesedlen."))
    if option.kind == OptionKind.NO:
        raise ValidationError(
            _("En urafstemning skal altid have en nej-mulighed. Den kan ikke fjernes.")
            if locked.purpose == BallotPurpose.REFERENDUM
            else _("Nej står altid på stemmesedlen.")
        )
    if option.kind != OptionKind.OPTION:
        raise ValidationError(
            _("Ja, Nej og Blank ligger fast for en ja/nej-afstemning.")
            if locked.kind == BallotKind.YES_NO
            else _("Kandidater trækkes tilbage under kandidaterne, ikke her.")
        )
    before = {"label": option.label, "position": option.position}
    option.delete()
    options_renumber(locked)
    audit_record(
        actor=actor,
        action="democracy.ballot_option_remove",
        obj=locked,
        organisation_id=locked.organisation_id,
        before=before,
    )


# --- opening and closing ---------------------------------------------------------------


def options_refusal(ballot: Ballot) -> str:
    """What is missing on the paper for the ballot to open ("" when nothing is)."""
    kinds = list(ballot.options.values_list("kind", flat=True))
    if OptionKind.BLANK not in kinds:
        return _("Stemmesedlen mangler Blank.")
    if ballot.kind == BallotKind.YES_NO:
        if OptionKind.YES not in kinds or OptionKind.NO not in kinds:
            return _("En ja/nej-afstemning skal have både Ja og Nej.")
    elif ballot.kind == BallotKind.CHOICE:
        if kinds.count(OptionKind.OPTION) < 2:
            return _("Tilføj mindst to svarmuligheder, før afstemningen åbnes.")
    elif kinds.count(OptionKind.CANDIDATE) < 1:
        return _("Der skal være mindst én kandidat, før valget åbnes.")
    if (
        ballot.purpose == BallotPurpose.REFERENDUM
        and ballot.kind != BallotKind.ELECTION
        and OptionKind.NO not in kinds
    ):
        return _("En urafstemning skal altid have en nej-mulighed.")
    return ""


def open_refusal(ballot: Ballot) -> str:
    """Why ``ballot`` cannot be opened now ("" when it can): for the confirmation page."""
    if ballot.state != BallotState.DRAFT:
        return (
            _("Afstemningen er allerede åbnet.")
            if ballot.state == BallotState.OPEN
            else _("Afstemningen er afsluttet.")
        )
    if ballot.closes_at <= _now():
        return _("Afstemningen skulle have lukket %(when)s. Ret tidspunkterne, før den åbnes.") % {
            "when": _when(ballot.closes_at)
        }
    if ballot.purpose == BallotPurpose.HALL and ballot.meeting is not None:
        closed = hall_closed_reason(ballot.meeting)
        if closed:
            return closed
    if ballot.meeting is not None and ballot.meeting.status == MeetingStatus.CANCELLED:
        return _("Mødet er aflyst.")
    return options_refusal(ballot)


def _mark_hall_voters(ballot: Ballot) -> int:
    """Every household checked in at the ballot's meeting (present or by proxy) voted in
    the hall: a participation with its 2 votes there. A household that has already used
    a vote another way keeps that (it came after voting). Two or three queries."""
    if ballot.meeting_id is None:
        return 0
    here = Attendance.objects.filter(meeting_id=ballot.meeting_id)
    known = Participation.objects.filter(ballot=ballot).values("household_id")
    new = [
        Participation(ballot=ballot, household_id=h, votes_hall=rules.VOTES_PER_HOUSEHOLD)
        for h in here.exclude(household_id__in=known).values_list("household_id", flat=True)
    ]
    Participation.objects.bulk_create(new, batch_size=1000)
    updated = Participation.objects.filter(
        ballot=ballot,
        household_id__in=here.values("household_id"),
        votes_digital=0,
        votes_paper=0,
        votes_hall=0,
    ).update(votes_hall=rules.VOTES_PER_HOUSEHOLD)
    return len(new) + updated


@transaction.atomic
def ballot_open(*, actor: Any, ballot: Ballot) -> Ballot:
    """Open a draft. Before its opening time it is scheduled (votes are refused until
    then); after it, it opens now. A vote after the meeting marks the households that
    voted in the hall. The roll's residents with votes are told."""
    locked = (
        Ballot.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=ballot.pk)
    )
    refusal = open_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    now = _now()
    locked.opens_at = max(locked.opens_at, now)
    locked.state = BallotState.OPEN
    locked.save(update_fields=["opens_at", "state"])
    marked = _mark_hall_voters(locked) if locked.purpose == BallotPurpose.AFTER_MEETING else 0
    told = 0
    if locked.purpose in reminders.DIGITAL:
        told = queue_reminders(
            reminders.reminders(locked, reminders.BALLOT_OPEN, votes_left_only=True)
        )
    audit_record(
        actor=actor,
        action="democracy.ballot_open",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={
            "opens_at": locked.opens_at.isoformat(),
            "closes_at": locked.closes_at.isoformat(),
            "husstande_stemt_i_salen": marked,
            "beboere_underrettet": told,
        },
    )
    return locked


def close_refusal(ballot: Ballot) -> str:
    if ballot.state != BallotState.OPEN:
        return _("Kun en åben afstemning kan lukkes.")
    if ballot.purpose == BallotPurpose.HALL:
        if ballot.opens_at >= _now():
            return _("Afstemningen i salen er ikke begyndt endnu.")
        return ""
    if _now() < ballot.closes_at:
        return _(
            "Afstemningen lukker %(when)s. Beboerne er lovet, at de kan stemme indtil da, "
            "så den kan ikke lukkes før."
        ) % {"when": _when(ballot.closes_at)}
    return ""


@transaction.atomic
def ballot_close_now(*, actor: Any, ballot: Ballot) -> Ballot:
    """Close an open ballot: a written vote in the hall when the chair ends it (its
    closing time becomes now), a digital one once its closing time has passed (what
    ``ballots_tick`` does by itself). ``ballots_box.ballot_close`` does the closing."""
    locked = _locked(ballot)
    refusal = close_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    now = _now()
    if locked.purpose == BallotPurpose.HALL and locked.closes_at > now:
        audit_record(
            actor=actor,
            action="democracy.ballot_end_hall",
            obj=locked,
            organisation_id=locked.organisation_id,
            before={"closes_at": locked.closes_at.isoformat()},
            after={"closes_at": now.isoformat()},
        )
        Ballot.objects.filter(pk=locked.pk).update(closes_at=now)
        locked.closes_at = now
    return ballots_box.ballot_close(actor=actor, ballot=locked)


def ballots_tick(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic job (``manage.py ballots_tick``): close every open ballot past its
    closing time, and queue the reminder of every digital ballot whose last 24 hours
    have begun (once per ballot: an audit entry marks it). Opening stays an explicit act
    of the ballot's managers. Returns what it did."""
    now = now or _now()
    closed = 0
    due = Ballot.objects.filter(state=BallotState.OPEN, closes_at__lte=now).order_by("closes_at")
    for ballot in due:
        try:
            ballots_box.ballot_close(actor=None, ballot=ballot)
        except ValidationError:
            continue  # closed by someone else meanwhile
        closed += 1
    told = 0
    for ballot in reminders.closing_due(now):
        with transaction.atomic():
            fresh = Ballot.objects.select_for_update().filter(pk=ballot.pk).first()
            if fresh is None or fresh.state != BallotState.OPEN:
                continue
            if reminders.is_reminded(fresh):
                continue  # another tick reminded for it meanwhile
            fresh.estate = ballot.estate
            n = queue_reminders(
                reminders.reminders(fresh, reminders.BALLOT_CLOSING, votes_left_only=True)
            )
            audit_record(
                actor=None,
                action=reminders.CLOSING_MARK,
                obj=fresh,
                organisation_id=fresh.organisation_id,
                after={"beboere_underrettet": n},
            )
            told += n
    return {"closed": closed, "reminded": told}


# --- paper votes by post -----------------------------------------------------------------


@transaction.atomic
def paper_received(
    *, actor: Any, ballot: Ballot, household: Household, votes: int
) -> Participation:
    """A household's postal envelope arrived with ``votes`` ballot papers (1 or 2): the
    household has used them (it cannot vote more digitally). The papers themselves are
    counted by hand (``count_enter``, channel "papir"). Never more than the household's
    2 votes, and only for a household on the roll."""
    if not _is_int(votes) or votes not in (1, 2):
        raise ValidationError({"votes": _("Vælg 1 eller 2 stemmer.")})
    locked = _locked(ballot)
    if locked.purpose == BallotPurpose.HALL:
        raise ValidationError(_("En afstemning i salen har ingen brevstemmer."))
    if locked.state not in (BallotState.OPEN, BallotState.CLOSED):
        raise ValidationError(
            _("Brevstemmer kan kun registreres, når afstemningen er åbnet og før den er talt op.")
        )
    household = Household.objects.select_related("unit").get(pk=household.pk)
    reason = ballots_box.not_eligible_reason(locked, household)
    if not reason and not ballots_box.roll(locked).filter(pk=household.pk).exists():
        reason = _("Husstanden står ikke på listen over stemmeberettigede.")
    if reason:
        raise ValidationError(_("Brevstemmen kan ikke tælles med: %(reason)s") % {"reason": reason})
    Participation.objects.get_or_create(ballot=locked, household=household)
    part = Participation.objects.select_for_update().get(ballot=locked, household=household)
    left = rules.VOTES_PER_HOUSEHOLD - part.votes
    if votes > left:
        raise ValidationError(
            {
                "votes": _(
                    "Husstanden har allerede brugt begge sine 2 stemmer. Brevstemmen kan "
                    "ikke tælles med."
                )
                if left <= 0
                else _("Husstanden har kun 1 stemme tilbage. Registrér 1 brevstemme.")
            }
        )
    part.votes_paper += votes
    part.save(update_fields=["votes_paper"])
    # As for a digital vote: that the household used votes, never what it chose.
    audit_record(
        actor=actor,
        action="democracy.ballot_paper_received",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={"husstand": str(household.public_id), "brevstemmer": votes},
    )
    return part


# --- hand counts with four eyes ------------------------------------------------------------


def channels(ballot: Ballot) -> list[str]:
    """The hand-count channels of a ballot: the hall's papers (a vote in the hall, and
    the hall's count of the item a vote after the meeting continues), and the post's
    (a digital ballot's paper votes)."""
    if ballot.purpose == BallotPurpose.HALL:
        return [CountChannel.HALL]
    if ballot.purpose == BallotPurpose.AFTER_MEETING:
        return [CountChannel.HALL, CountChannel.PAPER]
    return [CountChannel.PAPER]


def count_limit(ballot: Ballot, channel: str) -> tuple[int, int]:
    """(the most votes a count of ``channel`` may hold, the households behind them): the
    households checked in at the meeting (present and by proxy) × 2 in the hall, the
    paper votes received by post."""
    if channel == CountChannel.HALL:
        if ballot.meeting_id is None:
            return 0, 0
        households = Attendance.objects.filter(meeting_id=ballot.meeting_id).count()
        return households * rules.VOTES_PER_HOUSEHOLD, households
    parts = Participation.objects.filter(ballot=ballot, votes_paper__gt=0)
    total = parts.aggregate(n=Sum("votes_paper"))["n"] or 0
    return int(total), parts.count()


def count_refusal(ballot: Ballot, channel: str) -> str:
    """Why no count of ``channel`` can be entered now ("" when one can)."""
    if channel not in channels(ballot):
        return _("Den slags optælling hører ikke til denne afstemning.")
    if ballot.state in (BallotState.COUNTED, BallotState.PUBLISHED):
        return _("Afstemningen er talt op. Optællingerne kan ikke ændres.")
    if channel == CountChannel.PAPER:
        if ballot.state != BallotState.CLOSED:
            return _("Brevstemmerne tælles op, når afstemningen er lukket.")
        return ""
    if ballot.state not in (BallotState.OPEN, BallotState.CLOSED):
        return _("Stemmesedlerne fra salen tastes ind, når afstemningen er åbnet.")
    if ballot.meeting is None or _now() < ballot.meeting.starts_at:
        return _("Stemmesedlerne fra salen tastes ind, når mødet er begyndt.")
    return ""


def _clean_counts(ballot: Ballot, counts: Mapping[Any, Any], papers: int | None) -> dict[str, int]:
    if not isinstance(counts, Mapping):
        raise ValidationError(_("Skriv antal stemmer for hver mulighed."))
    positions = dict(ballot.options.values_list("position", "kind"))
    clean = {str(p): 0 for p in sorted(positions)}
    for key, value in counts.items():
        position: int | None = None
        if _is_int(key):
            position = key
        elif isinstance(key, str) and key.isascii() and key.isdigit():
            position = int(key)
        if position is None or position not in positions:
            raise ValidationError(
                _("Optællingen nævner en mulighed, der ikke står på stemmesedlen.")
            )
        if not _is_int(value) or not 0 <= value <= VOTES_MAX:
            raise ValidationError(
                _("Stemmetal skal være hele tal fra 0 til %(max)s.") % {"max": _number(VOTES_MAX)}
            )
        clean[str(position)] = value
    total = sum(clean.values())
    if ballot.kind == BallotKind.ELECTION:
        if papers is None or not _is_int(papers) or not 0 <= papers <= VOTES_MAX:
            raise ValidationError(
                {"papers": _("Skriv, hvor mange stemmesedler der er talt (et helt tal).")}
            )
        if any(v > papers for v in clean.values()):
            raise ValidationError(
                _("En kandidat kan ikke have flere stemmer end der er stemmesedler (%(n)s).")
                % {"n": papers}
            )
        if total > papers * ballot.max_marks:
            raise ValidationError(
                _("Der er flere krydser, end %(n)s stemmesedler kan rumme.") % {"n": papers}
            )
        clean["papers"] = papers
    elif papers is not None and papers != total:
        raise ValidationError(
            {
                "papers": _(
                    "Der er %(papers)s stemmesedler, men stemmerne giver %(total)s i alt. Tæl igen."
                )
                % {"papers": papers, "total": total}
            }
        )
    return clean


def _over_limit(ballot: Ballot, channel: str, votes: int) -> str:
    limit, households = count_limit(ballot, channel)
    if votes <= limit:
        return ""
    if channel == CountChannel.HALL:
        return _(
            "Der er talt %(votes)s stemmer, men kun %(households)s husstande var til stede "
            "i salen (selv eller ved fuldmagt), dvs. højst %(limit)s stemmer. Tæl igen."
        ) % {"votes": votes, "households": households, "limit": limit}
    return _(
        "Der er talt %(votes)s brevstemmer, men kun %(limit)s brevstemmer er registreret "
        "modtaget. Tæl igen, eller registrér de modtagne kuverter først."
    ) % {"votes": votes, "limit": limit}


@transaction.atomic
def count_enter(
    *,
    actor: Any,
    ballot: Ballot,
    channel: str,
    counts: Mapping[Any, Any],
    papers: int | None = None,
    note: str = "",
) -> PaperCount:
    """The votes per option of one channel's papers, counted by hand and typed in by
    ``actor``: entered, waiting for another person's check (``count_confirm``). The
    total may not exceed the votes of the households behind it."""
    if _person(actor) is None:
        raise ValidationError(_("En optælling skal tastes ind af en person, der er logget ind."))
    locked = (
        Ballot.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=ballot.pk)
    )
    refusal = count_refusal(locked, channel)
    if refusal:
        raise ValidationError(refusal)
    clean = _clean_counts(locked, counts, papers)
    votes = clean["papers"] if "papers" in clean else sum(clean.values())
    over = _over_limit(locked, channel, votes)
    if over:
        raise ValidationError(over)
    note = " ".join(str(note).split())
    if len(note) > SHORT_TEXT:
        raise ValidationError({"note": _("Højst %(n)s tegn.") % {"n": SHORT_TEXT}})
    existing = PaperCount.objects.filter(ballot=locked, channel=channel)
    if existing.filter(status=CountStatus.CONFIRMED).exists():
        raise ValidationError(_("Optællingen er allerede kontrolleret og godkendt."))
    if existing.filter(status=CountStatus.ENTERED).exists():
        raise ValidationError(
            _("En optælling venter allerede på kontrol. Godkend eller afvis den først.")
        )
    count = PaperCount.objects.create(
        ballot=locked, channel=channel, counts=clean, entered_by=actor, note=note
    )
    audit_record(
        actor=actor,
        action="democracy.ballot_count_enter",
        obj=count,
        organisation_id=locked.organisation_id,
        after={"channel": channel, "counts": clean, "note": note},
    )
    return count


def _locked_count(count: PaperCount) -> tuple[Ballot, PaperCount]:
    ballot = (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=count.ballot_id)
    )
    locked = PaperCount.objects.select_for_update().get(pk=count.pk, ballot=ballot)
    if locked.status != CountStatus.ENTERED:
        raise ValidationError(_("Optællingen er allerede kontrolleret."))
    if ballot.state in (BallotState.COUNTED, BallotState.PUBLISHED):
        raise ValidationError(_("Afstemningen er talt op. Optællingerne kan ikke ændres."))
    return ballot, locked


@transaction.atomic
def count_confirm(*, actor: Any, count: PaperCount) -> PaperCount:
    """A second person checked the papers against the entered count and confirms it.
    The one who entered it cannot (four eyes; the database refuses it too)."""
    if _person(actor) is None:
        raise ValidationError(_("En optælling skal kontrolleres af en person, der er logget ind."))
    ballot, locked = _locked_count(count)
    if locked.entered_by_id == actor.pk:
        raise ValidationError(
            _("Optællingen skal kontrolleres af en anden end den, der tastede den ind (fire øjne).")
        )
    over = _over_limit(ballot, locked.channel, ballots_box.paper_votes(locked))
    if over:
        raise ValidationError(over)
    locked.status = CountStatus.CONFIRMED
    locked.checked_by = actor
    locked.checked_at = _now()
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "checked_by", "checked_at"])
    except IntegrityError:
        raise ValidationError(
            _("Der er allerede en godkendt optælling af de stemmesedler.")
        ) from None
    audit_record(
        actor=actor,
        action="democracy.ballot_count_confirm",
        obj=locked,
        organisation_id=ballot.organisation_id,
        after={"channel": locked.channel, "counts": locked.counts},
    )
    return locked


@transaction.atomic
def count_reject(*, actor: Any, count: PaperCount) -> PaperCount:
    """The check found an error: the count is rejected and can be entered again. The
    one who entered it may withdraw it (then nobody checked it)."""
    if _person(actor) is None:
        raise ValidationError(_("En optælling skal afvises af en person, der er logget ind."))
    ballot, locked = _locked_count(count)
    withdrawn = locked.entered_by_id == actor.pk
    locked.status = CountStatus.REJECTED
    locked.checked_by = None if withdrawn else actor
    locked.checked_at = _now()
    locked.save(update_fields=["status", "checked_by", "checked_at"])
    audit_record(
        actor=actor,
        action="democracy.ballot_count_reject",
        obj=locked,
        organisation_id=ballot.organisation_id,
        after={"channel": locked.channel, "trukket_tilbage": withdrawn},
    )
    return locked


# --- the count, a recount and the result ----------------------------------------------------


def count_missing(ballot: Ballot) -> list[str]:
    """What the count still waits for: a count to be checked, the hall's papers, the
    post's papers."""
    missing = []
    counts = PaperCount.objects.filter(ballot=ballot)
    if counts.filter(status=CountStatus.ENTERED).exists():
        missing.append(_("En optælling venter på kontrol. Godkend eller afvis den først."))
    confirmed = set(counts.filter(status=CountStatus.CONFIRMED).values_list("channel", flat=True))
    if CountChannel.HALL in channels(ballot) and CountChannel.HALL not in confirmed:
        missing.append(_("Stemmesedlerne fra salen er ikke talt op og kontrolleret endnu."))
    has_post = Participation.objects.filter(ballot=ballot, votes_paper__gt=0).exists()
    if has_post and CountChannel.PAPER not in confirmed:
        missing.append(_("Brevstemmerne er ikke talt op og kontrolleret endnu."))
    return missing


def count_refusal_of(ballot: Ballot) -> str:
    """Why ``ballot`` cannot be counted now ("" when it can)."""
    if ballot.state in (BallotState.COUNTED, BallotState.PUBLISHED):
        return _("Afstemningen er allerede talt op.")
    if ballot.state != BallotState.CLOSED:
        return _("Afstemningen tælles op, når den er lukket.")
    return " ".join(count_missing(ballot))


@transaction.atomic
def ballot_count(*, actor: Any, ballot: Ballot) -> Ballot:
    """Count a closed ballot: the box, and the confirmed hand counts (the hall's papers,
    the post's) into one tally (``ballots_box.tally``), stored on the ballot. The
    households checked in at a vote's meeting are marked as having voted in the hall."""
    locked = _locked(ballot)
    refusal = count_refusal_of(locked)
    if refusal:
        raise ValidationError(refusal)
    if locked.purpose in (BallotPurpose.HALL, BallotPurpose.AFTER_MEETING):
        _mark_hall_voters(locked)
    result = ballots_box.tally(locked)
    locked.tally = result
    locked.counted_at = _now()
    locked.state = BallotState.COUNTED
    locked.save(update_fields=["tally", "counted_at", "state"])
    audit_record(
        actor=actor,
        action="democracy.ballot_count",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={k: result[k] for k in RECOUNT_KEYS},
    )
    return locked


def _figures(result: Mapping[str, Any] | None) -> dict[str, Any]:
    plain = json.loads(json.dumps(dict(result or {})))
    return {k: plain.get(k) for k in RECOUNT_KEYS}


def _differences(ballot: Ballot, stored: dict[str, Any], again: dict[str, Any]) -> str:
    labels = dict(ballot.options.values_list("position", "label"))
    parts = []
    for position, figures in sorted((again.get("options") or {}).items(), key=lambda i: int(i[0])):
        before = ((stored.get("options") or {}).get(position) or {}).get("total")
        if before != figures.get("total"):
            label = labels.get(int(position), position)
            parts.append(f"{label}: {before} → {figures.get('total')}")
    for key in ("votes", "households", "box_size"):
        if stored.get(key) != again.get(key):
            parts.append(f"{key}: {stored.get(key)} → {again.get(key)}")
    return "; ".join(parts) or _("kæden eller kanalerne")


def ballot_recount(*, actor: Any, ballot: Ballot) -> dict[str, Any]:
    """Count a counted ballot again from its rows and compare with the stored count. The
    recount is recorded either way; a different result is refused with what differs (the
    stored result stays: something changed the rows, and that must be looked into)."""
    fresh = Ballot.objects.get(pk=ballot.pk)
    if fresh.state not in (BallotState.COUNTED, BallotState.PUBLISHED):
        raise ValidationError(_("Kun en optalt afstemning kan tælles op igen."))
    again = ballots_box.tally(fresh)
    stored, now = _figures(fresh.tally), _figures(again)
    same = stored == now
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="democracy.ballot_recount",
            obj=fresh,
            organisation_id=fresh.organisation_id,
            before=None if same else stored,
            after={"samme_resultat": same, **({} if same else now)},
        )
    if not same:
        raise ValidationError(
            _(
                "Genoptællingen giver ikke samme resultat som optællingen (%(diff)s). Det "
                "gemte resultat er ikke ændret. Kontakt administrationen: stemmerne skal "
                "undersøges (manage.py ballot_verify)."
            )
            % {"diff": _differences(fresh, stored, now)}
        )
    return again


def _totals(result: Mapping[str, Any], position: int) -> int:
    return int(((result.get("options") or {}).get(str(position)) or {}).get("total") or 0)


def _turnout_sentence(result: Mapping[str, Any]) -> str:
    return _(
        "Der blev afgivet %(votes)s stemmer fra %(households)s af %(roll)s husstande "
        "(digitalt %(digital)s, i salen %(hall)s, på papir %(paper)s)."
    ) % {
        "votes": _number(int(result.get("votes") or 0)),
        "households": _number(int(result.get("households") or 0)),
        "roll": _number(int(result.get("roll") or 0)),
        "digital": _number(int(result.get("votes_digital") or 0)),
        "hall": _number(int(result.get("votes_hall") or 0)),
        "paper": _number(int(result.get("votes_paper") or 0)),
    }


def result_summary(ballot: Ballot) -> dict[str, Any]:
    """The counted ballot's result as the decision will say it: text, outcome and the
    votes for, against and blank (yes/no). Elections through ``ballots_elections``."""
    result = ballot.tally or {}
    options = list(ballot.options.order_by("position").values_list("position", "kind", "label"))
    blank = int(result.get("blank") or 0)
    summary: dict[str, Any] = {"votes_for": None, "votes_against": None, "votes_blank": blank}
    if ballot.kind == BallotKind.YES_NO:
        yes = sum(_totals(result, p) for p, k, _l in options if k == OptionKind.YES)
        no = sum(_totals(result, p) for p, k, _l in options if k == OptionKind.NO)
        outcome = Outcome(ballots_box.yes_no_outcome(result, {p: k for p, k, _l in options}))
        summary.update(votes_for=yes, votes_against=no, outcome=outcome)
        summary["line"] = _("Ja %(yes)s, nej %(no)s, blanke %(blank)s – %(outcome)s.") % {
            "yes": _number(yes),
            "no": _number(no),
            "blank": _number(blank),
            "outcome": str(outcome.label).lower(),
        }
    elif ballot.kind == BallotKind.CHOICE:
        choices = [
            (label, _totals(result, p), k) for p, k, label in options if k != OptionKind.BLANK
        ]
        figures = ", ".join(f"{label} {_number(n)}" for label, n, _k in choices)
        top = max((n for _l, n, _k in choices), default=0)
        leaders = [(label, k) for label, n, k in choices if n == top]
        if len(leaders) != 1:
            outcome = Outcome.NOTED
            verdict = _("uafgjort: %(names)s fik lige mange stemmer (%(n)s).") % {
                "names": " og ".join(f"»{label}«" for label, _k in leaders),
                "n": _number(top),
            }
        elif leaders[0][1] == OptionKind.NO:
            outcome = Outcome.REJECTED
            verdict = _("»%(name)s« fik flest stemmer: ingen af mulighederne er valgt.") % {
                "name": leaders[0][0]
            }
        else:
            outcome = Outcome.ADOPTED
            verdict = _("»%(name)s« fik flest stemmer.") % {"name": leaders[0][0]}
        summary["outcome"] = outcome
        summary["line"] = _("%(figures)s, blanke %(blank)s – %(verdict)s") % {
            "figures": figures,
            "blank": _number(blank),
            "verdict": verdict,
        }
    else:
        chosen = ballots_elections.outcome(ballot, dict(result))
        if chosen.undecided_ties:
            raise ValidationError(
                _("Der er stemmelighed om en plads. Træk lod mellem kandidaterne først.")
            )
        summary["outcome"] = Outcome.ELECTED
        summary["election"] = chosen
        members = ", ".join(f"{s.name} ({_number(s.votes)})" for s in chosen.members)
        substitutes = ", ".join(f"{s.name} ({_number(s.votes)})" for s in chosen.substitutes)
        summary["line"] = _("Valgt: %(members)s.") % {"members": members or "–"}
        if substitutes:
            summary["line"] += " " + _("Suppleanter i rækkefølge: %(names)s.") % {
                "names": substitutes
            }
    summary["text"] = "\n\n".join(
        [
            summary["line"],
            _turnout_sentence(result),
            _("Der blev stemt om: %(question)s") % {"question": ballot.question[:SHORT_TEXT]},
        ]
    )[:LONG_TEXT]
    return summary


@transaction.atomic
def ballot_publish(*, actor: Any, ballot: Ballot) -> Decision:
    """Publish a counted ballot's result: it becomes a decision of the register (the
    urafstemning's, or the afdelingsmøde's for a vote in the hall or after the meeting)
    with the vote numbers, readable as the ballot's result is (``visibility``); an
    election's result is written into the board's memberships. The roll's residents
    are told."""
    locked = (
        Ballot.objects.select_for_update(of=("self",)).select_related("estate").get(pk=ballot.pk)
    )
    if locked.state != BallotState.COUNTED:
        raise ValidationError(
            _("Resultatet er allerede offentliggjort.")
            if locked.state == BallotState.PUBLISHED
            else _("Afstemningen skal være talt op, før resultatet kan offentliggøres.")
        )
    with translation.override("da"):
        summary = result_summary(locked)
    now = _now()
    forum = Forum.BALLOT if locked.purpose == BallotPurpose.REFERENDUM else Forum.RESIDENTS_MEETING
    decision = Decision(
        organisation_id=locked.organisation_id,
        estate_id=locked.estate_id,
        forum=forum,
        meeting_id=locked.meeting_id,
        decided_on=timezone.localtime(min(locked.closes_at, now)).date(),
        title=locked.title[:TITLE],
        text=summary["text"],
        votes_for=summary["votes_for"],
        votes_against=summary["votes_against"],
        votes_blank=summary["votes_blank"],
        outcome=summary["outcome"],
        visibility=locked.visibility,
        published_at=now,
        created_by=_person(actor),
    )
    decision.full_clean()
    decision.save()
    if locked.kind == BallotKind.ELECTION:
        ballots_elections.apply(actor=actor, ballot=locked, result=summary["election"])
    locked.decision = decision
    locked.published_at = now
    locked.state = BallotState.PUBLISHED
    locked.save(update_fields=["decision", "published_at", "state"])
    told = queue_reminders(
        reminders.reminders(locked, reminders.BALLOT_RESULT, votes_left_only=False)
    )
    audit_record(
        actor=actor,
        action="democracy.ballot_publish",
        obj=decision,
        organisation_id=locked.organisation_id,
        after={
            **snapshot(decision, DECISION_FIELDS),
            "ballot": str(locked.public_id),
            "beboere_underrettet": told,
        },
    )
    return decision
