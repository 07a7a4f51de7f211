"""The formal resident democracy: meetings of every body with the legal timeline
(``rules.py``), notices to every household, proposals with co-signing households,
petitions for an extraordinary meeting, attendance and votes in the hall, minutes and
the decision register (decision 0029).

Households vote, not persons: each present household carries 2 votes
(``rules.VOTES_PER_HOUSEHOLD``), plus 2 for each household it holds a proxy for where
the estate allows proxies (``EstateRules``)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.democracy import rules
from almen.lib.bounds import LONG_TEXT, SHORT_TEXT, text_constraints, text_validators
from almen.lib.visibility import Visibility

MINUTES_TEXT = 60_000


class MeetingKind(models.TextChoices):
    ORDINARY = "ordinaert", _("Ordinært afdelingsmøde")
    EXTRAORDINARY = "ekstraordinaert", _("Ekstraordinært afdelingsmøde")
    ESTATE_BOARD = "afdelingsbestyrelse", _("Afdelingsbestyrelsesmøde")
    ORGANISATION_BOARD = "organisationsbestyrelse", _("Organisationsbestyrelsesmøde")
    REPRESENTATIVE_COUNCIL = "repraesentantskab", _("Repræsentantskabsmøde")


# The afdelingsmøde: every household of the estate is called and has 2 votes.
RESIDENTS_MEETINGS = frozenset({MeetingKind.ORDINARY, MeetingKind.EXTRAORDINARY})
# Meetings held by a body of the estate or of the organisation.
ESTATE_KINDS = frozenset({*RESIDENTS_MEETINGS, MeetingKind.ESTATE_BOARD})
# The same, in a fixed order for the constraint (a frozenset's order changes with the
# hash seed, and with it the migration makemigrations would write).
ESTATE_KIND_VALUES = sorted(k.value for k in ESTATE_KINDS)


class MeetingStatus(models.TextChoices):
    DRAFT = "kladde", _("Kladde")
    NOTICED = "indkaldt", _("Indkaldt")
    HELD = "afholdt", _("Afholdt")
    CANCELLED = "aflyst", _("Aflyst")


class Meeting(models.Model):
    """One meeting. An afdelingsmøde (ordinary or extraordinary) and an estate board
    meeting belong to an estate; the organisation board's and the representative
    council's meetings to the organisation alone (``estate`` is empty)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="meetings"
    )
    estate = models.ForeignKey(
        "register.Estate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("mødetype"), max_length=24, choices=MeetingKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("tidspunkt"))
    ends_at = models.DateTimeField(_("slutter"), null=True, blank=True)
    place = models.CharField(
        _("sted"),
        max_length=200,
        help_text=_("Den præcise adresse og lokalet, fx Fælleshuset, Byvej 2, 8000 Aarhus C."),
    )
    online_url = models.URLField(
        _("link til onlinedeltagelse"),
        blank=True,
        help_text=_("Hvis man også kan følge eller deltage i mødet online."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    # The roll: households of the estate on this day are called and may vote.
    roll_on = models.DateField(_("skæringsdato for stemmeret"), null=True, blank=True)
    notice_published_at = models.DateTimeField(_("indkaldt"), null=True, blank=True)
    notice_late_reason = models.TextField(
        _("begrundelse for sen indkaldelse"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    material_published_at = models.DateTimeField(
        _("materiale offentliggjort"), null=True, blank=True
    )
    material_late_reason = models.TextField(
        _("begrundelse for sent materiale"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    # The petition that made the organisation call this extraordinary meeting.
    petition = models.ForeignKey(
        "Petition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("underskriftsindsamling"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=ESTATE_KIND_VALUES, estate__isnull=False)
                    | (~Q(kind__in=ESTATE_KIND_VALUES) & Q(estate__isnull=True))
                ),
                name="meeting_estate_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
            ),
            *text_constraints(
                "meeting", {"notice_late_reason": SHORT_TEXT, "material_late_reason": SHORT_TEXT}
            ),
        ]
        indexes = [
            models.Index(fields=["estate", "-starts_at"], name="meeting_estate_recent"),
            models.Index(fields=["organisation", "starts_at"], name="meeting_org_calendar"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_residents_meeting(self) -> bool:
        return self.kind in RESIDENTS_MEETINGS

    @property
    def is_extraordinary(self) -> bool:
        return self.kind == MeetingKind.EXTRAORDINARY

    @property
    def meeting_on(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def timeline(self) -> rules.Timeline:
        return rules.timeline(
            residents_meeting=self.is_residents_meeting,
            extraordinary=self.is_extraordinary,
            meeting_on=self.meeting_on,
        )

    @property
    def is_published(self) -> bool:
        """Residents see a meeting once its notice is out."""
        return self.status in {MeetingStatus.NOTICED, MeetingStatus.HELD}

    @property
    def ends_at_or_default(self) -> datetime.datetime:
        return self.ends_at or self.starts_at + datetime.timedelta(hours=2)


class AgendaKind(models.TextChoices):
    CHAIR = "dirigent", _("Valg af dirigent")
    RULES = "forretningsorden", _("Forretningsorden")
    REPORT = "beretning", _("Afdelingsbestyrelsens beretning")
    PROPOSALS = "forslag", _("Indkomne forslag")
    ACCOUNTS = "regnskab", _("Regnskab")
    BUDGET = "budget", _("Budget, herunder rådighedsbeløb og aktivitetsmidler")
    ELECTION = "valg", _("Valg")
    AOB = "eventuelt", _("Eventuelt")
    PROPOSAL = "forslagspunkt", _("Forslag")
    OTHER = "andet", _("Andet punkt")


# The minimum agenda of an ordinary afdelingsmøde, pre-filled and editable.
MINIMUM_AGENDA = (
    AgendaKind.CHAIR,
    AgendaKind.RULES,
    AgendaKind.REPORT,
    AgendaKind.PROPOSALS,
    AgendaKind.ACCOUNTS,
    AgendaKind.BUDGET,
    AgendaKind.ELECTION,
    AgendaKind.AOB,
)


class Outcome(models.TextChoices):
    NONE = "", _("Ingen afstemning")
    ADOPTED = "vedtaget", _("Vedtaget")
    REJECTED = "forkastet", _("Forkastet")
    NOTED = "noteret", _("Taget til efterretning")
    ELECTED = "valgt", _("Valg gennemført")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("nummer"))
    kind = models.CharField(_("type"), max_length=16, choices=AgendaKind.choices)
    title = models.CharField(_("overskrift"), max_length=200)
    description = models.TextField(
        _("beskrivelse"), blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    proposal = models.OneToOneField(
        "Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
        verbose_name=_("forslag"),
    )
    # Show of hands in the hall (votes, not households: each household has 2).
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("imod"), null=True, blank=True)
    votes_blank = models.PositiveIntegerField(_("blanke"), null=True, blank=True)
    outcome = models.CharField(
        _("resultat"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    note = models.TextField(
        _("referat af punktet"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    recorded_at = models.DateTimeField(_("resultat registreret"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        constraints = [
            *text_constraints("agenda_item", {"description": LONG_TEXT, "note": LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def votes_cast(self) -> int:
        return (self.votes_for or 0) + (self.votes_against or 0) + (self.votes_blank or 0)


class CandidatePost(models.TextChoices):
    CHAIR = "formand", _("Formand")
    MEMBER = "medlem", _("Bestyrelsesmedlem")
    SUBSTITUTE = "suppleant", _("Suppleant")
    OTHER = "andet", _("Andet")


class Candidate(models.Model):
    """A person standing at an election item. Candidates may stand until the election
    itself; their names appear in material and minutes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("navn"), max_length=200)
    post = models.CharField(_("post"), max_length=10, choices=CandidatePost.choices)
    household = models.ForeignKey(
        "register.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    votes = models.PositiveIntegerField(_("stemmer"), null=True, blank=True)
    elected = models.BooleanField(_("valgt"), default=False)
    term_years = models.PositiveSmallIntegerField(_("valgt for (år)"), null=True, blank=True)

    class Meta:
        ordering = ["item", "post", "name"]
        verbose_name = _("kandidat")
        verbose_name_plural = _("kandidater")

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    SUBMITTED = "indsendt", _("Indsendt")
    ACCEPTED = "optaget", _("Optaget på dagsordenen")
    REJECTED = "afvist", _("Afvist")
    DEFERRED = "udskudt", _("Gemt til næste møde")
    WITHDRAWN = "trukket", _("Trukket tilbage")


class Proposal(models.Model):
    """A resident's (or the board's) proposal for an afdelingsmøde. A proposal handed
    in after the deadline is flagged ``late`` and kept for the next meeting."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, related_name="proposals"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    household = models.ForeignKey(
        "register.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Forslagsstillerens husstand; tom for bestyrelsens egne forslag."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposer_name = models.CharField(_("forslagsstiller"), max_length=200)
    title = models.CharField(_("overskrift"), max_length=200)
    text = models.TextField(
        _("forslag og begrundelse"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    late = models.BooleanField(_("indsendt efter fristen"), default=False)
    board_comment = models.TextField(
        _("bestyrelsens bemærkning"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )
    submitted_at = models.DateTimeField(_("indsendt"), default=timezone.now)
    decided_at = models.DateTimeField(_("behandlet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("forslag")
        verbose_name_plural = _("forslag")
        constraints = [
            *text_constraints("proposal", {"text": LONG_TEXT, "board_comment": SHORT_TEXT}),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="proposal_meeting_status")]

    def __str__(self) -> str:
        return self.title


class ProposalSupport(models.Model):
    """A household co-signing a proposal (one signature per household)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    household = models.ForeignKey("register.Household", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("medunderskrift")
        verbose_name_plural = _("medunderskrifter")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "household"], name="proposal_support_one_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.household_id}"


class Amendment(models.Model):
    """An amendment (ændringsforslag) put at the meeting to an agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="amendments")
    proposer_name = models.CharField(_("forslagsstiller"), max_length=200)
    text = models.TextField(
        _("ændringsforslag"), max_length=SHORT_TEXT, validators=text_validators(SHORT_TEXT)
    )
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("imod"), null=True, blank=True)
    votes_blank = models.PositiveIntegerField(_("blanke"), null=True, blank=True)
    outcome = models.CharField(
        _("resultat"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["item", "recorded_at", "id"]
        verbose_name = _("ændringsforslag")
        verbose_name_plural = _("ændringsforslag")
        constraints = [*text_constraints("amendment", {"text": SHORT_TEXT})]

    def __str__(self) -> str:
        return self.text[:60]


class PetitionStatus(models.TextChoices):
    OPEN = "aaben", _("Samler underskrifter")
    REACHED = "naaet", _("Nok har skrevet under – mødet skal indkaldes")
    CALLED = "indkaldt", _("Mødet er indkaldt")
    CLOSED = "lukket", _("Lukket")


class Petition(models.Model):
    """Households asking for an extraordinary afdelingsmøde with a stated topic. At 25 %
    of the estate's households the request is valid: the board and the organisation are
    told and the meeting must be called within 2 weeks (``call_by``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, related_name="petitions"
    )
    topic = models.CharField(_("emne"), max_length=200)
    text = models.TextField(
        _("hvad mødet skal behandle"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PetitionStatus.choices, default=PetitionStatus.OPEN
    )
    # Households of the estate when the petition opened: the 25 % is of these.
    households_at_start = models.PositiveIntegerField(_("husstande ved start"))
    threshold = models.PositiveIntegerField(_("underskrifter der skal til"))
    reached_at = models.DateTimeField(_("nok underskrifter nået"), null=True, blank=True)
    call_by = models.DateField(_("mødet skal indkaldes senest"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("underskriftsindsamling")
        verbose_name_plural = _("underskriftsindsamlinger")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=1), name="petition_threshold_positive"
            ),
            *text_constraints("petition", {"text": LONG_TEXT}),
        ]

    def __str__(self) -> str:
        return self.topic


class PetitionSignature(models.Model):
    """One signature per household; withdrawable until the threshold is reached."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    household = models.ForeignKey("register.Household", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "household"],
                condition=Q(withdrawn_at__isnull=True),
                name="petition_signature_one_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.household_id}"


class EstateRules(models.Model):
    """What an estate's own meeting decided about its democracy: whether proxies are
    allowed (and how many one household may carry), and whether it holds two ordinary
    meetings a year (budget and accounts). Without a row: no proxies, one meeting."""

    estate = models.OneToOneField(
        "register.Estate", on_delete=models.CASCADE, related_name="democracy_rules"
    )
    proxies_allowed = models.BooleanField(_("fuldmagter tilladt"), default=False)
    proxy_cap = models.PositiveSmallIntegerField(
        _("fuldmagter pr. husstand"),
        default=1,
        help_text=_("Hvor mange andre husstande én husstand højst må stemme for."),
    )
    # The decision that allowed proxies (the decision register's row).
    proxy_decision = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutning om fuldmagter"),
    )
    two_ordinary_meetings = models.BooleanField(
        _("to ordinære møder om året"),
        default=False,
        help_text=_("Ét om budgettet og ét om regnskabet."),
    )
    # Secret ballots: a household that moved out after a ballot's cut-off day keeps its
    # vote in that ballot only where the estate decided so (decision 0030).
    moved_out_keeps_vote = models.BooleanField(
        _("fraflyttede beholder stemmeretten ved urafstemninger"),
        default=False,
        db_default=False,
        help_text=_(
            "Om en husstand, der flytter efter skæringsdatoen, stadig kan stemme i den afstemning."
        ),
    )

    class Meta:
        verbose_name = _("afdelingens regler for beboerdemokrati")
        verbose_name_plural = _("afdelingers regler for beboerdemokrati")
        constraints = [
            models.CheckConstraint(
                condition=Q(proxies_allowed=False) | Q(proxy_decision__isnull=False),
                name="estate_rules_proxies_need_decision",
            ),
            models.CheckConstraint(condition=Q(proxy_cap__gte=1), name="estate_rules_proxy_cap"),
        ]

    def __str__(self) -> str:
        return str(self.estate_id)


class Attendance(models.Model):
    """A household checked in at a meeting. A proxy row (``holder`` set) is a household
    represented by the household ``holder`` (which is present itself)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    household = models.ForeignKey("register.Household", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="proxies"
    )
    # Who of the household came (for the under-35 share; never shown by name).
    residents = models.ManyToManyField("register.Resident", blank=True, related_name="+")
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fremmøde")
        verbose_name_plural = _("fremmøder")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "household"], name="attendance_one_per_household"
            ),
            models.CheckConstraint(
                condition=Q(holder__isnull=True) | ~Q(holder=F("id")),
                name="attendance_no_self_proxy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.household_id}"


class NoticeKind(models.TextChoices):
    NOTICE = "indkaldelse", _("Indkaldelse")
    MATERIAL = "materiale", _("Materiale")
    MINUTES = "referat", _("Referat")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PAPER = "papir", _("Papirbrev")


class NoticeDelivery(models.Model):
    """Who was notified of a meeting, by which channel, and when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    household = models.ForeignKey("register.Household", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    channel = models.CharField(_("kanal"), max_length=6, choices=Channel.choices)
    # The e-mail address, or the address line the letter was printed for.
    address = models.CharField(_("modtager"), max_length=254)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("udsendelse")
        verbose_name_plural = _("udsendelser")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "household", "kind", "channel"],
                name="notice_delivery_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.household_id} ({self.channel})"


class Minutes(models.Model):
    """The minutes of a meeting: drafted from the agenda, proposals, results and
    elections; edited by the board; published to all residents (≤ 4 weeks after)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(
        _("referat"), max_length=MINUTES_TEXT, validators=text_validators(MINUTES_TEXT)
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(auto_now=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    late_reason = models.TextField(
        _("begrundelse for sent referat"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_validators(SHORT_TEXT),
    )

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")
        constraints = [
            *text_constraints("minutes", {"text": MINUTES_TEXT, "late_reason": SHORT_TEXT}),
        ]

    def __str__(self) -> str:
        return str(self.meeting_id)


class Forum(models.TextChoices):
    RESIDENTS_MEETING = "afdelingsmoede", _("Afdelingsmødet")
    ESTATE_BOARD = "afdelingsbestyrelse", _("Afdelingsbestyrelsen")
    ORGANISATION_BOARD = "organisationsbestyrelse", _("Organisationsbestyrelsen")
    REPRESENTATIVE_COUNCIL = "repraesentantskab", _("Repræsentantskabet")
    BALLOT = "urafstemning", _("Urafstemning")


FORUM_OF_KIND = {
    MeetingKind.ORDINARY: Forum.RESIDENTS_MEETING,
    MeetingKind.EXTRAORDINARY: Forum.RESIDENTS_MEETING,
    MeetingKind.ESTATE_BOARD: Forum.ESTATE_BOARD,
    MeetingKind.ORGANISATION_BOARD: Forum.ORGANISATION_BOARD,
    MeetingKind.REPRESENTATIVE_COUNCIL: Forum.REPRESENTATIVE_COUNCIL,
}


class Decision(models.Model):
    """The decision register: every decision with its forum, date, text and votes.
    Goals and actions point at a decision by ``public_id`` through ``lib.decisions``
    (decision 0029), never by a foreign key."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="decisions"
    )
    estate = models.ForeignKey(
        "register.Estate", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    forum = models.CharField(_("besluttet af"), max_length=24, choices=Forum.choices)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    decided_on = models.DateField(_("dato"))
    title = models.CharField(_("overskrift"), max_length=200)
    text = models.TextField(
        _("beslutning"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("imod"), null=True, blank=True)
    votes_blank = models.PositiveIntegerField(_("blanke"), null=True, blank=True)
    outcome = models.CharField(
        _("resultat"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    # Who may read it: an afdelingsmøde's decisions become public with its minutes.
    visibility = models.CharField(
        _("synlighed"), max_length=12, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        constraints = [*text_constraints("decision", {"text": LONG_TEXT})]
        indexes = [
            models.Index(fields=["organisation", "-decided_on"], name="decision_org_recent"),
            models.Index(fields=["estate", "-decided_on"], name="decision_estate_recent"),
        ]

    def __str__(self) -> str:
        return self.title


# --- notices ---


class NoticeJobStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Laves")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


class NoticeJob(models.Model):
    """The paper letters of one meeting's notice (or material, or minutes): one PDF
    with a page per household that gets paper (``NoticeDelivery`` on paper), rendered
    by the worker in chunks so that ``progress`` moves while the page polls it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notice_jobs")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeJobStatus.choices, default=NoticeJobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("fremskridt"), default=0)
    households = models.PositiveIntegerField(_("breve"), default=0)
    file = models.FileField(_("fil"), upload_to="notices/%Y/%m/", blank=True)
    error = models.CharField(_("fejl"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("brevjob")
        verbose_name_plural = _("brevjobs")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="notice_job_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.kind} ({self.status})"

    @property
    def is_busy(self) -> bool:
        return self.status in {NoticeJobStatus.QUEUED, NoticeJobStatus.RUNNING}


# --- secret ballots (issue 9, decision 0030, docs/voting.md) ---


class BallotKind(models.TextChoices):
    YES_NO = "ja_nej", _("Ja, nej eller blank")
    CHOICE = "et_valg", _("Vælg én mulighed")
    ELECTION = "valg", _("Valg af bestyrelse og suppleanter")


class BallotPurpose(models.TextChoices):
    REFERENDUM = "urafstemning", _("Urafstemning")
    AFTER_MEETING = "efter_moedet", _("Digital afstemning efter mødet")
    HALL = "salen", _("Skriftlig afstemning i salen")


class BallotState(models.TextChoices):
    DRAFT = "kladde", _("Kladde")
    OPEN = "aaben", _("Åben")
    CLOSED = "lukket", _("Lukket")
    COUNTED = "optalt", _("Optalt")
    PUBLISHED = "offentliggjort", _("Resultat offentliggjort")


class Ballot(models.Model):
    """One secret, written vote of an estate's households: an urafstemning, the digital
    vote after a meeting on one of its items, a written vote in the hall, or an election.
    Each household of the roll has 2 votes (``rules.VOTES_PER_HOUSEHOLD``) across every
    channel (phone, paper, hall).

    Who voted is ``Participation``; what was voted is ``BallotEntry`` (the hash-chained
    box), reached through ``BallotInbox`` (a shuffling pool). Nothing links the two:
    no shared key, no timestamp, no order (docs/voting.md)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="ballots"
    )
    estate = models.ForeignKey("register.Estate", on_delete=models.CASCADE, related_name="ballots")
    kind = models.CharField(_("type"), max_length=8, choices=BallotKind.choices)
    purpose = models.CharField(_("afstemningsform"), max_length=14, choices=BallotPurpose.choices)
    title = models.CharField(_("overskrift"), max_length=200)
    question = models.TextField(
        _("hvad der stemmes om"), max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    # The physical meeting: the one that decided the vote (urafstemning), the one it
    # follows (digital after the meeting) or the one it is held at (hall).
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="ballots"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="ballots"
    )
    # The decision that called this vote (the afdelingsmøde's, or the board's within its
    # competence): an urafstemning and a digital vote after a meeting need one.
    authorised_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots_called",
        verbose_name=_("besluttet ved"),
    )
    roll_on = models.DateField(_("skæringsdato for stemmeret"))
    moved_out_keeps_vote = models.BooleanField(
        _("fraflyttede efter skæringsdatoen beholder stemmeretten"), default=False
    )
    opens_at = models.DateTimeField(_("åbner"))
    closes_at = models.DateTimeField(_("lukker"))
    state = models.CharField(
        _("status"), max_length=14, choices=BallotState.choices, default=BallotState.DRAFT
    )
    # Elections: member seats, substitutes after them, and the term of both.
    seats = models.PositiveSmallIntegerField(_("pladser"), null=True, blank=True)
    substitute_seats = models.PositiveSmallIntegerField(_("suppleanter"), default=0)
    term_years = models.PositiveSmallIntegerField(_("valgt for (år)"), null=True, blank=True)
    # Who reads the result and the bulletin once counted: the estate and the
    # organisation, or everyone (PUBLIC).
    visibility = models.CharField(
        _("synlighed"), max_length=12, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    # The box: ballots chained so far and the hash of the last one.
    box_size = models.PositiveIntegerField(default=0, editable=False)
    chain_head = models.CharField(max_length=64, blank=True, editable=False)
    # The count: {"options": {position: votes}, "digital": …, …} (``ballots_box.tally``).
    tally = models.JSONField(null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(_("optalt"), null=True, blank=True)
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    decision = models.OneToOneField(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballot",
        verbose_name=_("beslutning"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("afstemning")
        verbose_name_plural = _("afstemninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="ballot_closes_after_open"
            ),
            models.CheckConstraint(
                condition=~Q(kind="valg") | Q(seats__gte=1), name="ballot_election_has_seats"
            ),
            *text_constraints("ballot", {"question": LONG_TEXT}),
        ]
        indexes = [
            models.Index(fields=["estate", "state"], name="ballot_estate_state"),
            models.Index(fields=["state", "closes_at"], name="ballot_state_closes"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_marks(self) -> int:
        """How many options one vote may mark: the seats of an election (members and
        substitutes are chosen from one list, by rank), otherwise one."""
        if self.kind == BallotKind.ELECTION:
            return self.seats or 1
        return 1


class OptionKind(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")
    BLANK = "blank", _("Blank")
    OPTION = "mulighed", _("Mulighed")
    CANDIDATE = "kandidat", _("Kandidat")


class BallotOption(models.Model):
    """A choice on the ballot paper, numbered from 1. Every yes/no ballot has "Nej";
    every ballot has "Blank" (a vote that marks nothing else)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("nummer"))
    kind = models.CharField(_("type"), max_length=8, choices=OptionKind.choices)
    label = models.CharField(_("tekst"), max_length=200)
    # A candidate: the resident who stands (their name is the label).
    resident = models.ForeignKey(
        "register.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["ballot", "position"]
        verbose_name = _("svarmulighed")
        verbose_name_plural = _("svarmuligheder")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="ballot_option_position"),
            models.CheckConstraint(condition=Q(position__gte=1), name="ballot_option_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class Participation(models.Model):
    """That a household took part, and with how many of its 2 votes by which channel.
    Deliberately without a timestamp or anything of the ballot it cast."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="participations")
    household = models.ForeignKey("register.Household", on_delete=models.PROTECT, related_name="+")
    votes_digital = models.PositiveSmallIntegerField(default=0)
    votes_hall = models.PositiveSmallIntegerField(default=0)
    votes_paper = models.PositiveSmallIntegerField(default=0)
    # Who of the household voted (for the under-35 share; never shown by name).
    residents = models.ManyToManyField("register.Resident", blank=True, related_name="+")

    class Meta:
        verbose_name = _("deltagelse i afstemning")
        verbose_name_plural = _("deltagelse i afstemninger")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "household"], name="participation_one_per_household"
            ),
            models.CheckConstraint(
                condition=Q(
                    votes_digital__lte=rules.VOTES_PER_HOUSEHOLD
                    - F("votes_hall")
                    - F("votes_paper")
                ),
                name="participation_at_most_two_votes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.household_id}"

    @property
    def votes(self) -> int:
        return self.votes_digital + self.votes_hall + self.votes_paper


class BallotInbox(models.Model):
    """A cast ballot waiting to enter the box. Its key is random and it has no
    timestamp; ballots leave the pool in shuffled batches (``ballots_box.flush``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    tracker = models.CharField(max_length=11)
    marks = models.CharField(max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("afgivet stemme (ikke i urnen endnu)")
        verbose_name_plural = _("afgivne stemmer (ikke i urnen endnu)")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "tracker"], name="ballot_inbox_tracker"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=rules.VOTES_PER_HOUSEHOLD),
                name="ballot_inbox_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.tracker}"


class BallotEntry(models.Model):
    """The ballot box: one row per cast digital ballot paper, in chain order. ``hash``
    covers the previous entry's hash, so a changed, removed, added or moved row breaks
    the chain (``ballots_box.entry_hash``)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    batch = models.PositiveIntegerField()
    tracker = models.CharField(max_length=11)
    # The option positions marked, ascending, comma-separated ("Blank" is an option).
    marks = models.CharField(max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["ballot", "seq"]
        verbose_name = _("stemme i urnen")
        verbose_name_plural = _("stemmer i urnen")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "seq"], name="ballot_entry_seq"),
            models.UniqueConstraint(fields=["ballot", "tracker"], name="ballot_entry_tracker"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}#{self.seq}"


class CountChannel(models.TextChoices):
    HALL = "salen", _("Stemmesedler i salen")
    PAPER = "papir", _("Brevstemmer på papir")


class CountStatus(models.TextChoices):
    ENTERED = "indtastet", _("Indtastet, venter på kontrol")
    CONFIRMED = "godkendt", _("Kontrolleret og godkendt")
    REJECTED = "afvist", _("Afvist ved kontrol")


class PaperCount(models.Model):
    """Ballot papers counted by hand (in the hall, or paper votes by post): votes per
    option entered by one person and confirmed by another (four eyes)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_counts")
    channel = models.CharField(_("kanal"), max_length=6, choices=CountChannel.choices)
    # {option position (as text): votes}
    counts = models.JSONField(_("stemmer pr. mulighed"))
    status = models.CharField(
        _("status"), max_length=10, choices=CountStatus.choices, default=CountStatus.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("bemærkning"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["ballot", "entered_at", "id"]
        verbose_name = _("optælling af stemmesedler")
        verbose_name_plural = _("optællinger af stemmesedler")
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("entered_by")),
                name="paper_count_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["ballot", "channel"],
                condition=Q(status="godkendt"),
                name="paper_count_one_confirmed_per_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.channel} ({self.status})"

    @property
    def total(self) -> int:
        return sum(int(v) for v in (self.counts or {}).values())


class ElectionDraw(models.Model):
    """Lots drawn between candidates with equal votes at the boundary of the elected
    (or of the substitutes' order): who drew, when, between whom, and the order drawn."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="draws")
    tied = models.JSONField(_("lige mange stemmer"))  # option positions
    order = models.JSONField(_("rækkefølge efter lodtrækning"))  # the same, drawn
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ballot", "drawn_at", "id"]
        verbose_name = _("lodtrækning")
        verbose_name_plural = _("lodtrækninger")

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.tied}"
