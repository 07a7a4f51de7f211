"""The register: who lives where, and who sits on which body.

Municipality → Organisation → Estate → Building → Unit → Household → Resident.
Bodies (repræsentantskab, organisationsbestyrelse, afdelingsbestyrelse) have members
with roles and terms. CPR numbers are never stored.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from almen.access.roles import Role

cvr_validator = RegexValidator(r"^\d{8}$", _("CVR-nummeret skal være 8 cifre."))
postal_code_validator = RegexValidator(r"^\d{4}$", _("Postnummeret skal være 4 cifre."))
phone_validator = RegexValidator(
    r"^\+?[0-9 ]{8,20}$", _("Skriv telefonnummeret med cifre, fx 33 12 34 56.")
)


class Region(models.TextChoices):
    HOVEDSTADEN = "Region Hovedstaden", _("Region Hovedstaden")
    SJAELLAND = "Region Sjælland", _("Region Sjælland")
    SYDDANMARK = "Region Syddanmark", _("Region Syddanmark")
    MIDTJYLLAND = "Region Midtjylland", _("Region Midtjylland")
    NORDJYLLAND = "Region Nordjylland", _("Region Nordjylland")


class Municipality(models.Model):
    code = models.CharField(_("kommunekode"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.CharField(_("region"), max_length=40, choices=Region.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, unique=True, validators=[cvr_validator])
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("kommune"),
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    # Contact details for the organisation's public contact page; its staff keep them
    # up to date (services.organisation_contact_update). A database default too: the
    # national seed (register/national.py) writes rows by raw inserts that omit them.
    postal_code = models.CharField(
        _("postnummer"),
        max_length=4,
        blank=True,
        default="",
        db_default="",
        validators=[postal_code_validator],
    )
    city = models.CharField(_("by"), max_length=100, blank=True, default="", db_default="")
    contact_email = models.EmailField(_("e-mail"), blank=True, default="", db_default="")
    contact_phone = models.CharField(
        _("telefon"),
        max_length=20,
        blank=True,
        default="",
        db_default="",
        validators=[phone_validator],
    )
    website = models.URLField(_("hjemmeside"), blank=True, default="", db_default="")
    opening_hours = models.CharField(
        _("åbningstider"), max_length=300, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("boligorganisation")
        verbose_name_plural = _("boligorganisationer")

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("boligorganisation"),
    )
    number = models.PositiveIntegerField(_("afdelingsnummer"))
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="estates", verbose_name=_("kommune")
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("by"), max_length=100, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("regnskabsår starter (måned)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Afdelingsmødet skal holdes senest 3 måneder før regnskabsåret starter."),
    )
    # Key figures kept with the estate so that pages never count a national register
    # on a request. Written only by ``services.estate_counts_refresh`` (after imports,
    # seeds and nightly by ``manage.py refresh_estate_counts``).
    unit_count = models.PositiveIntegerField(_("boliger"), db_default=0, editable=False)
    family_units = models.PositiveIntegerField(db_default=0, editable=False)
    elderly_units = models.PositiveIntegerField(db_default=0, editable=False)
    youth_units = models.PositiveIntegerField(db_default=0, editable=False)
    household_count = models.PositiveIntegerField(_("husstande"), db_default=0, editable=False)
    area_m2 = models.DecimalField(
        _("boligareal (m²)"), max_digits=12, decimal_places=2, db_default=0, editable=False
    )
    counts_refreshed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation_id", "number"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="estate_number_unique"),
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="estate_fiscal_month_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Building(models.Model):
    """A building or staircase (opgang) within an estate."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="buildings")
    address = models.CharField(_("adresse"), max_length=200)
    # For grøn drift (consumption per m², benchmarks by building period). Empty
    # heated area: the sum of the building's units' area is used.
    built_year = models.PositiveSmallIntegerField(
        _("opført år"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1600), MaxValueValidator(2100)],
    )
    heated_area_m2 = models.DecimalField(
        _("opvarmet areal (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["address"]
        verbose_name = _("bygning/opgang")
        verbose_name_plural = _("bygninger/opgange")
        constraints = [
            models.UniqueConstraint(fields=["estate", "address"], name="building_address_unique")
        ]

    def __str__(self) -> str:
        return self.address


class UnitKind(models.TextChoices):
    FAMILY = "family", _("Familiebolig")
    ELDERLY = "elderly", _("Ældrebolig")
    YOUTH = "youth", _("Ungdomsbolig")


class Unit(models.Model):
    """A home (lejemål). ``number`` is the administration system's id, unique per estate."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="units")
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="units"
    )
    number = models.CharField(_("lejemålsnummer"), max_length=40)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    kind = models.CharField(
        _("boligtype"), max_length=10, choices=UnitKind.choices, default=UnitKind.FAMILY
    )
    area_m2 = models.DecimalField(_("areal (m²)"), max_digits=7, decimal_places=2)
    rooms = models.PositiveSmallIntegerField(_("værelser"))

    class Meta:
        ordering = ["estate_id", "number"]
        verbose_name = _("lejemål")
        verbose_name_plural = _("lejemål")
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="unit_number_unique"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="unit_area_positive"),
        ]

    def __str__(self) -> str:
        return self.address or self.number


class HouseholdQuerySet(models.QuerySet["Household"]):
    def active(self, on: object = None) -> HouseholdQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(moved_out__isnull=True) | Q(moved_out__gte=day), moved_in__lte=day)


class Household(models.Model):
    """A tenancy of a unit from ``moved_in`` to ``moved_out`` (open while living there).

    A household has 2 votes at residents' meetings, whatever its size.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households")
    moved_in = models.DateField(_("indflyttet"))
    moved_out = models.DateField(_("fraflyttet"), null=True, blank=True)
    # Households exempt from digital mail get meeting notices on paper.
    paper_mail = models.BooleanField(
        _("fritaget for digital post"),
        default=False,
        db_default=False,
        help_text=_("Husstanden får indkaldelser og referater som brev i stedet for e-mail."),
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_in"]
        verbose_name = _("husstand")
        verbose_name_plural = _("husstande")
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                name="household_dates_ordered",
            ),
            # One current tenancy per unit.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(moved_out__isnull=True),
                name="household_one_current_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "moved_out"])]

    def __str__(self) -> str:
        return f"{self.unit} ({self.moved_in:%d-%m-%Y})"


class Resident(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residents")
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("fødselsår"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residencies",
        db_index=False,  # see the partial index in Meta
    )
    # Set when the resident's personal data was erased (by staff on request, or after
    # the retention period once the household moved out): see docs/privacy.md.
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("beboer")
        verbose_name_plural = _("beboere")
        indexes = [
            # Few residents have a login. A full index on user_id is mostly NULLs, and
            # after ANALYZE SQLite judged it useless and scanned a million residents on
            # every logged-in request (docs/performance.md); a partial index is used.
            models.Index(fields=["user"], condition=Q(user__isnull=False), name="resident_user_set")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="resident_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    REPRESENTATIVE_COUNCIL = "representantskab", _("Repræsentantskab")
    ORGANISATION_BOARD = "organisationsbestyrelse", _("Organisationsbestyrelse")
    ESTATE_BOARD = "afdelingsbestyrelse", _("Afdelingsbestyrelse")


class Body(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=BodyKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="bodies")
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, null=True, blank=True, related_name="bodies"
    )

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organer")
        constraints = [
            # An estate board belongs to an estate; the organisation's bodies do not.
            models.CheckConstraint(
                condition=(
                    Q(kind="afdelingsbestyrelse", estate__isnull=False)
                    | (~Q(kind="afdelingsbestyrelse") & Q(estate__isnull=True))
                ),
                name="body_estate_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(estate__isnull=True),
                name="body_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["estate", "kind"],
                condition=Q(estate__isnull=False),
                name="body_one_per_estate",
            ),
        ]

    def __str__(self) -> str:
        where = self.estate or self.organisation
        return f"{self.get_kind_display()} – {where}"


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("Formand")
    VICE_CHAIR = "vice_chair", _("Næstformand")
    MEMBER = "member", _("Medlem")
    SUBSTITUTE = "substitute", _("Suppleant")


class BodyMembershipQuerySet(models.QuerySet["BodyMembership"]):
    def current(self) -> BodyMembershipQuerySet:
        today = timezone.localdate()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=today), term_start__lte=today)


class BodyMembership(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="body_memberships"
    )
    role = models.CharField(_("rolle"), max_length=12, choices=BodyRole.choices)
    term_start = models.DateField(_("valgt fra"))
    term_end = models.DateField(_("valgt til"), null=True, blank=True)

    objects = BodyMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body_id", "role", "term_start"]
        verbose_name = _("medlemskab af organ")
        verbose_name_plural = _("medlemskaber af organer")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="body_membership_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.body})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(Q(ends__isnull=True) | Q(ends__gte=today), starts__lte=today)


class Membership(models.Model):
    """An explicit grant: a role held by a user within a scope (an estate, an
    organisation, a municipality or the whole sector).

    Residents and estate boards usually need none: their access follows from the
    register (tenancies, board seats) so that a move-out or the end of a term takes
    effect at once. Staff, officers and sector staff are granted here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=24, choices=Role.choices)
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    starts = models.DateField(_("fra"), default=timezone.localdate)
    ends = models.DateField(_("til"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adgang")
        verbose_name_plural = _("adgange")
        constraints = [
            # Each role has exactly the scope it needs, and no other.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=["resident", "estate_board"],
                        estate__isnull=False,
                        organisation__isnull=True,
                        municipality__isnull=True,
                    )
                    | Q(
                        role__in=["org_staff", "org_board"],
                        estate__isnull=True,
                        organisation__isnull=False,
                        municipality__isnull=True,
                    )
                    | Q(
                        role="municipality_officer",
                        estate__isnull=True,
                        organisation__isnull=True,
                        municipality__isnull=False,
                    )
                    | Q(
                        role="sector_staff",
                        estate__isnull=True,
                        organisation__isnull=True,
                        municipality__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        scope = self.estate or self.organisation or self.municipality or _("hele sektoren")
        return f"{self.user} – {self.get_role_display()} ({scope})"

    @property
    def organisation_id_in_scope(self) -> int | None:
        if self.organisation_id:
            return self.organisation_id
        return self.estate.organisation_id if self.estate_id and self.estate else None


class ApiScope(models.TextChoices):
    """What an API token may do. Later modules add their own scopes here."""

    REGISTER_READ = "register:read", _("Læse registret")
    REGISTER_IMPORT = "register:import", _("Importere lejemålsregistret")
    GOALS_READ = "goals:read", _("Læse organisationens mål")
    GOALS_WRITE = "goals:write", _("Indberette målinger, indsatser og status på mål")
    # --- stats (democracy) ---
    DEMOCRACY_READ = "democracy:read", _("Læse organisationens møder, forslag og beslutninger")
    # --- grøn drift (imports) ---
    GREEN_READINGS_WRITE = "green:readings", _("Indberette måleraflæsninger (grøn drift)")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A token an organisation's integrations use against the API.

    Only a SHA-256 digest of the token is stored ("hashed at rest"); the plaintext is
    shown once, when the token is created. ``prefix`` (the first characters) lets
    people recognise a token in lists and logs without revealing it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("boligorganisation"),
    )
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(_("præfiks"), max_length=8)
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("rettigheder"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
