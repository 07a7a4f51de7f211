"""The register in Django's admin: for operators (superusers) looking things up.

Day-to-day changes go through the product's pages and services, which record audit
entries; the admin is for support, and its edits are audited too (``AuditedAdmin``),
as are reads of residents. Big tables (units, households, residents) use
``raw_id_fields`` so a change form never renders a select with every row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from almen.audit.admin import AuditedAdmin
from almen.register.models import (
    ApiToken,
    Body,
    BodyMembership,
    Building,
    Estate,
    Household,
    Membership,
    Municipality,
    Organisation,
    Resident,
    Unit,
)


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin[Municipality]):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin[Organisation]):
    audit_organisation = "pk"
    list_display = ["cvr", "name", "municipality", "created_at"]
    list_filter = ["municipality__region"]
    list_select_related = ["municipality"]
    search_fields = ["cvr", "name"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Estate)
class EstateAdmin(AuditedAdmin[Estate]):
    audit_organisation = "organisation_id"
    list_display = ["number", "name", "organisation", "municipality", "postal_code", "city"]
    list_filter = ["municipality__region"]
    list_select_related = ["organisation", "municipality"]
    search_fields = ["name", "organisation__name", "organisation__cvr", "postal_code", "city"]
    raw_id_fields = ["organisation"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["public_id"]


@admin.register(Building)
class BuildingAdmin(AuditedAdmin[Building]):
    audit_organisation = "estate.organisation_id"
    list_display = ["address", "estate"]
    list_select_related = ["estate"]
    search_fields = ["address", "estate__name"]
    raw_id_fields = ["estate"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin[Unit]):
    audit_organisation = "estate.organisation_id"
    list_display = ["number", "address", "estate", "kind", "area_m2", "rooms"]
    list_filter = ["kind"]
    list_select_related = ["estate"]
    search_fields = ["number", "address", "estate__name"]
    raw_id_fields = ["estate", "building"]


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin[Household]):
    audit_organisation = "unit.estate.organisation_id"
    list_display = ["unit", "moved_in", "moved_out"]
    list_select_related = ["unit"]
    search_fields = ["unit__number", "unit__address"]
    raw_id_fields = ["unit"]
    readonly_fields = ["public_id"]
    date_hierarchy = "moved_in"


@admin.register(Resident)
class ResidentAdmin(AuditedAdmin[Resident]):
    audit_organisation = "household.unit.estate.organisation_id"
    audit_reads = True
    list_display = ["name", "email", "household", "user"]
    list_select_related = ["household__unit", "user"]
    search_fields = ["name", "email"]
    raw_id_fields = ["household", "user"]
    readonly_fields = ["public_id", "anonymised_at"]


@admin.register(Body)
class BodyAdmin(AuditedAdmin[Body]):
    audit_organisation = "organisation_id"
    list_display = ["kind", "organisation", "estate"]
    list_filter = ["kind"]
    list_select_related = ["organisation", "estate"]
    search_fields = ["organisation__name", "estate__name"]
    raw_id_fields = ["organisation", "estate"]
    readonly_fields = ["public_id"]


@admin.register(BodyMembership)
class BodyMembershipAdmin(AuditedAdmin[BodyMembership]):
    audit_organisation = "body.organisation_id"
    list_display = ["user", "role", "body", "term_start", "term_end"]
    list_filter = ["role", "body__kind"]
    list_select_related = ["user", "body__organisation", "body__estate"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["body", "user"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin[Membership]):
    audit_organisation = "organisation_id_in_scope"
    list_display = ["user", "role", "organisation", "estate", "municipality", "starts", "ends"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation", "estate", "municipality"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "organisation", "estate", "municipality"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin[ApiToken]):
    """Tokens are created on the organisation's own page (the plaintext is shown
    there once); here they can be found and revoked, never read or forged."""

    audit_organisation = "organisation_id"

    list_display = [
        "name",
        "prefix",
        "organisation",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["name", "prefix", "organisation__name", "organisation__cvr"]
    raw_id_fields = ["organisation", "created_by"]
    readonly_fields = [
        "public_id",
        "organisation",
        "name",
        "prefix",
        "digest",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Tilbagekald valgte API-tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            from almen.register.tokens import api_token_revoke  # ninja: not at start-up

            api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(
            request,
            gettext("%(count)d API-tokens er tilbagekaldt.") % {"count": count},
            messages.SUCCESS,
        )
