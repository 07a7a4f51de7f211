"""The ballot box of a secret ballot (decision 0030, docs/voting.md): who may vote,
casting a digital vote, the shuffling pool, the hash chain, closing and the tally.

Secrecy in one paragraph: casting writes two rows in one transaction, and they share
nothing. ``Participation`` (one per household, no timestamp) says that the household
used a vote; ``BallotInbox`` (a random key, no timestamp, no household) holds the marks
and the tracker code. Inbox rows enter the box (``BallotEntry``, the hash chain) in
shuffled batches once the pool is big enough, and all of them when the ballot closes,
so the box's order does not mirror the order people voted in.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from almen.audit.services import audit_record
from almen.democracy import rules
from almen.democracy.bulletin_verify import entry_hash, genesis
from almen.democracy.models import (
    Ballot,
    BallotEntry,
    BallotInbox,
    BallotKind,
    BallotOption,
    BallotState,
    CountStatus,
    OptionKind,
    PaperCount,
    Participation,
)
from almen.register.models import Household, Resident

# The pool: once it holds POOL_FULL ballots, all but POOL_KEEP of them (chosen at
# random) enter the box in a random order; the rest wait to mix with later ones.
POOL_FULL = 40
POOL_KEEP = 20

# Tracker codes: 9 characters from 32 that cannot be mistaken for each other (no 0/O,
# 1/I), shown as K7F-3QX-M2P. 45 bits: guessing one of 100,000 codes takes ~10^9 tries.
TRACKER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKER_LENGTH = 9


def _now() -> datetime.datetime:
    return timezone.now()


def new_tracker() -> str:
    raw = "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(TRACKER_LENGTH))
    return f"{raw[0:3]}-{raw[3:6]}-{raw[6:9]}"


def normalise_tracker(text: str) -> str:
    """What a person typed (lower case, spaces, no dashes) as a tracker code, or ""
    when it cannot be one."""
    raw = "".join(ch for ch in str(text).upper() if ch.isalnum())
    if len(raw) != TRACKER_LENGTH or any(ch not in TRACKER_ALPHABET for ch in raw):
        return ""
    return f"{raw[0:3]}-{raw[3:6]}-{raw[6:9]}"


def ballot_genesis(ballot: Ballot) -> str:
    options = ballot.options.order_by("position").values_list("position", "kind", "label")
    return genesis(str(ballot.public_id), list(options))


# --- who may vote ------------------------------------------------------------------


def roll(ballot: Ballot) -> QuerySet[Household]:
    """The households entitled to vote: the estate's tenancies current on the cut-off
    day. One that moved out since keeps its vote only where the estate decided so
    (``moved_out_keeps_vote``); one that moved in after it has none."""
    qs = Household.objects.active(ballot.roll_on).filter(unit__estate_id=ballot.estate_id)
    if not ballot.moved_out_keeps_vote:
        qs = qs.filter(Q(moved_out__isnull=True) | Q(moved_out__gte=timezone.localdate()))
    return qs


def not_eligible_reason(ballot: Ballot, household: Household) -> str:
    """Why the household may not vote in this ballot ("" when it may)."""
    if household.unit.estate_id != ballot.estate_id:
        return _("Jeres husstand hører ikke til afdelingen, der stemmer.")
    if household.moved_in > ballot.roll_on:
        return _(
            "Jeres husstand flyttede ind efter skæringsdatoen %(day)s og kan ikke stemme "
            "i denne afstemning."
        ) % {"day": f"{ballot.roll_on:%d-%m-%Y}"}
    if household.moved_out is not None and household.moved_out < ballot.roll_on:
        return _("Jeres husstand var flyttet før skæringsdatoen og kan ikke stemme.")
    if (
        household.moved_out is not None
        and household.moved_out < timezone.localdate()
        and not ballot.moved_out_keeps_vote
    ):
        return _(
            "Jeres husstand er flyttet. Afdelingen har besluttet, at fraflyttede ikke "
            "stemmer i afstemninger, der slutter efter fraflytningen."
        )
    return ""


def closed_reason(ballot: Ballot, now: datetime.datetime | None = None) -> str:
    """Why no vote can be cast now ("" when the ballot is open)."""
    now = now or _now()
    if ballot.state == BallotState.DRAFT:
        return _("Afstemningen er ikke åbnet endnu.")
    if now < ballot.opens_at:
        return _("Afstemningen åbner %(when)s.") % {
            "when": f"{timezone.localtime(ballot.opens_at):%d-%m-%Y kl. %H:%M}"
        }
    if ballot.state != BallotState.OPEN or now >= ballot.closes_at:
        return _("Afstemningen lukkede %(when)s.") % {
            "when": f"{timezone.localtime(ballot.closes_at):%d-%m-%Y kl. %H:%M}"
        }
    return ""


def votes_left(ballot: Ballot, household: Household) -> int:
    used = (
        Participation.objects.filter(ballot=ballot, household=household)
        .values_list("votes_digital", "votes_hall", "votes_paper")
        .first()
    )
    return rules.VOTES_PER_HOUSEHOLD - (sum(used) if used else 0)


# --- marks ---------------------------------------------------------------------------


def clean_marks(ballot: Ballot, marks: Sequence[int | str]) -> str:
    """The marks as stored ("2" or "1,4,5"): every mark an option of the ballot, no
    option twice, at most ``ballot.max_marks``; "Blank" only on its own."""
    try:
        chosen = sorted({int(m) for m in marks})
    except (TypeError, ValueError):
        raise ValidationError(_("Vælg en af mulighederne på stemmesedlen.")) from None
    if not chosen:
        raise ValidationError(_("Vælg en mulighed. Vil du stemme blankt, så vælg Blank."))
    kinds = dict(BallotOption.objects.filter(ballot=ballot).values_list("position", "kind"))
    if any(m not in kinds for m in chosen):
        raise ValidationError(_("Vælg en af mulighederne på stemmesedlen."))
    if len(chosen) > 1 and any(kinds[m] == OptionKind.BLANK for m in chosen):
        raise ValidationError(_("Blank kan ikke vælges sammen med andre muligheder."))
    if len(chosen) > ballot.max_marks:
        raise ValidationError(
            ngettext(
                "Du kan højst sætte %(n)s kryds.",
                "Du kan højst sætte %(n)s krydser.",
                ballot.max_marks,
            )
            % {"n": ballot.max_marks}
        )
    return ",".join(str(m) for m in chosen)


# --- casting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    tracker: str
    weight: int
    votes_left: int


def cast(
    *,
    ballot: Ballot,
    household: Household,
    user: Any,
    marks: Sequence[int | str],
    votes: int,
    resident: Resident | None = None,
) -> Receipt:
    """Cast ``votes`` (1 or 2) of the household's votes for ``marks``. The household's
    participation row is locked, so two tabs or devices of one household cannot use
    more than its 2 votes together. The receipt's tracker code is shown once."""
    if votes not in (1, 2):
        raise ValidationError(_("Vælg, om du afgiver 1 eller 2 stemmer."))
    with transaction.atomic():
        fresh = _ballot_for_cast(ballot.pk)
        reason = closed_reason(fresh)
        if reason:
            raise ValidationError(reason)
        reason = not_eligible_reason(fresh, household)
        if reason:
            raise ValidationError(reason)
        stored = clean_marks(fresh, marks)
        Participation.objects.get_or_create(ballot=fresh, household=household)
        part = Participation.objects.select_for_update().get(ballot=fresh, household=household)
        left = rules.VOTES_PER_HOUSEHOLD - part.votes
        if votes > left:
            if left <= 0:
                raise ValidationError(
                    _("Jeres husstand har allerede brugt begge sine 2 stemmer i afstemningen.")
                )
            raise ValidationError(_("Jeres husstand har kun 1 stemme tilbage."))
        part.votes_digital += votes
        part.save(update_fields=["votes_digital"])
        if resident is not None:
            part.residents.add(resident)
        tracker = _inbox_put(fresh, stored, votes)
        # The audit trail says that the household voted and with how many votes,
        # never what it chose (docs/voting.md).
        audit_record(
            actor=user,
            action="democracy.ballot_vote",
            obj=fresh,
            organisation_id=fresh.organisation_id,
            after={"husstand": str(household.public_id), "stemmer": votes},
        )
        ballot_pk = fresh.pk
        transaction.on_commit(lambda: flush(ballot_pk))
    return Receipt(tracker=tracker, weight=votes, votes_left=left - votes)


def _ballot_for_cast(ballot_pk: int) -> Ballot:
    """The ballot, read under a lock that every other vote shares but a close does not
    (PostgreSQL's FOR KEY SHARE against the close's FOR UPDATE): a vote that starts
    while the ballot is being closed waits and then sees it closed, and the close waits
    for the votes under way, so none is recorded after the box is sealed. SQLite runs
    one write at a time anyway."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Ballot._meta.db_table)
        sql = f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE"  # noqa: S608 - our table
        with connection.cursor() as cursor:
            cursor.execute(sql, [ballot_pk])
    # Read after the lock: what a close committed meanwhile.
    return Ballot.objects.get(pk=ballot_pk)


def _inbox_put(ballot: Ballot, marks: str, weight: int) -> str:
    for _attempt in range(5):
        tracker = new_tracker()
        if BallotEntry.objects.filter(ballot=ballot, tracker=tracker).exists():
            continue
        try:
            with transaction.atomic():
                BallotInbox.objects.create(
                    ballot=ballot, tracker=tracker, marks=marks, weight=weight
                )
        except IntegrityError:
            continue
        return tracker
    raise RuntimeError("no free tracker code after 5 tries")  # 2^-45 per try


# --- the box -------------------------------------------------------------------------


def flush(ballot_pk: int, *, everything: bool = False) -> int:
    """Move ballots from the pool into the box, chained, in a random order: all of them
    (``everything``, at close), or all but POOL_KEEP random ones once the pool holds
    POOL_FULL. One flush at a time per ballot; a voter never waits for one."""
    with transaction.atomic():
        # NO KEY: the votes under way hold KEY SHARE on the ballot, which a flush must
        # not wait for (nor skip because of); two flushes still exclude each other.
        lock = Ballot.objects.select_for_update(skip_locked=not everything, no_key=True).filter(
            pk=ballot_pk
        )
        ballot = lock.first()
        if ballot is None:
            return 0  # another request is flushing this ballot right now
        pool = list(
            BallotInbox.objects.filter(ballot=ballot).values_list(
                "id", "tracker", "marks", "weight"
            )
        )
        if not everything and len(pool) < POOL_FULL:
            return 0
        rng = secrets.SystemRandom()
        rng.shuffle(pool)
        moving = pool if everything else pool[: len(pool) - POOL_KEEP]
        if not moving:
            return 0
        prev = ballot.chain_head or ballot_genesis(ballot)
        seq = ballot.box_size
        batch = (BallotEntry.objects.filter(ballot=ballot).aggregate(b=Max("batch"))["b"] or 0) + 1
        ballot_id = str(ballot.public_id)
        rows = []
        for _id, tracker, marks, weight in moving:
            seq += 1
            digest = entry_hash(prev, ballot_id, seq, tracker, marks, weight)
            rows.append(
                BallotEntry(
                    ballot=ballot,
                    seq=seq,
                    batch=batch,
                    tracker=tracker,
                    marks=marks,
                    weight=weight,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        BallotEntry.objects.bulk_create(rows, batch_size=2000)
        # Only the rows that moved: a vote committed since the pool was read stays in it.
        ids = [row[0] for row in moving]
        for start in range(0, len(ids), 500):
            BallotInbox.objects.filter(id__in=ids[start : start + 500]).delete()
        Ballot.objects.filter(pk=ballot.pk).update(box_size=seq, chain_head=prev)
        return len(rows)


@transaction.atomic
def ballot_close(*, actor: Any, ballot: Ballot) -> Ballot:
    """Close an open ballot at (or after) its closing time: every pooled ballot enters
    the box and the chain head is final."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.state != BallotState.OPEN:
        raise ValidationError(_("Kun en åben afstemning kan lukkes."))
    if _now() < locked.closes_at:
        raise ValidationError(
            _("Afstemningen lukker først %(when)s.")
            % {"when": f"{timezone.localtime(locked.closes_at):%d-%m-%Y kl. %H:%M}"}
        )
    flush(locked.pk, everything=True)
    locked.refresh_from_db()
    locked.state = BallotState.CLOSED
    locked.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="democracy.ballot_close",
        obj=locked,
        organisation_id=locked.organisation_id,
        after={"stemmer_i_urnen": locked.box_size, "kaede": locked.chain_head},
    )
    return locked


# --- the tally -----------------------------------------------------------------------


def paper_votes(count: PaperCount) -> int:
    """Votes on a hand count: its ``papers`` (elections, where a paper marks several
    candidates), otherwise the sum over the options."""
    counts = count.counts or {}
    if "papers" in counts:
        return int(counts["papers"])
    return sum(int(v) for v in counts.values())


def tally(ballot: Ballot) -> dict[str, Any]:
    """Votes per option by channel (digital from the box, hall and paper from the
    confirmed hand counts), votes and households in all, and the roll. Recomputed
    from the rows every time: a recount gives the same figures."""
    positions = list(
        BallotOption.objects.filter(ballot=ballot)
        .order_by("position")
        .values_list("position", "kind")
    )
    per: dict[int, Counter[str]] = {pos: Counter() for pos, _k in positions}
    digital_votes = 0
    box_size = 0
    # One pass over the box: votes and papers per distinct marking (a yes/no ballot of
    # 100,000 papers has three rows here), so the box is not counted a second time.
    by_marks = (
        BallotEntry.objects.filter(ballot=ballot)
        .values("marks")
        .annotate(w=Sum("weight"), n=Count("id"))
    )
    for row in by_marks.order_by():
        weight = int(row["w"] or 0)
        digital_votes += weight
        box_size += int(row["n"])
        for mark in row["marks"].split(","):
            if mark and int(mark) in per:
                per[int(mark)]["digital"] += weight
    hand_votes: Counter[str] = Counter()
    confirmed = PaperCount.objects.filter(ballot=ballot, status=CountStatus.CONFIRMED)
    for count in confirmed:
        hand_votes[count.channel] += paper_votes(count)
        for key, value in (count.counts or {}).items():
            if key != "papers" and int(key) in per:
                per[int(key)][count.channel] += int(value)
    options = {
        str(pos): {
            "digital": per[pos]["digital"],
            "salen": per[pos]["salen"],
            "papir": per[pos]["papir"],
            "total": per[pos]["digital"] + per[pos]["salen"] + per[pos]["papir"],
        }
        for pos, _k in positions
    }
    kinds = dict(positions)
    blank = sum(options[str(p)]["total"] for p, k in kinds.items() if k == OptionKind.BLANK)
    households = Participation.objects.filter(ballot=ballot).filter(
        Q(votes_digital__gt=0) | Q(votes_hall__gt=0) | Q(votes_paper__gt=0)
    )
    roll_size = roll(ballot).count()
    votes = digital_votes + hand_votes["salen"] + hand_votes["papir"]
    return {
        "options": options,
        "blank": blank,
        "votes": votes,
        "votes_digital": digital_votes,
        "votes_hall": hand_votes["salen"],
        "votes_paper": hand_votes["papir"],
        "households": households.count(),
        "roll": roll_size,
        "possible_votes": roll_size * rules.VOTES_PER_HOUSEHOLD,
        "box_size": box_size,
        "chain_head": ballot.chain_head,
        "kind": ballot.kind,
    }


def yes_no_outcome(result: dict[str, Any], options: dict[int, str]) -> str:
    """Simple majority of the votes cast for and against; blank votes do not count and
    a tie rejects (``hall_services.computed_outcome``'s rule)."""
    yes = sum(result["options"][str(p)]["total"] for p, k in options.items() if k == OptionKind.YES)
    no = sum(result["options"][str(p)]["total"] for p, k in options.items() if k == OptionKind.NO)
    return "vedtaget" if yes > no else "forkastet"


__all__ = [
    "POOL_FULL",
    "POOL_KEEP",
    "BallotKind",
    "Receipt",
    "ballot_close",
    "cast",
    "clean_marks",
    "closed_reason",
    "flush",
    "new_tracker",
    "normalise_tracker",
    "not_eligible_reason",
    "roll",
    "tally",
    "votes_left",
]
