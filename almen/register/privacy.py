"""Residents' personal data: export, erasure and retention (docs/privacy.md).

The organisation is the data controller. Its staff can export everything Almen holds
about a resident and erase (anonymise) it; households that moved out are anonymised
when the retention period ends (decision 0017-gdpr-retention). Anonymising keeps the
tenancy facts that statistics and later imports need (unit, move-in and move-out
dates, the resident row itself) and erases what identifies the person: name, e-mail,
phone, birth year and the link to a login.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from almen.audit.models import AuditEntry
from almen.audit.services import audit_record, audit_redact
from almen.lib.csvsafe import neutralise_row
from almen.register.models import BodyMembership, Estate, Membership, Resident

ANONYMISED_NAME = "Anonymiseret beboer"
# What anonymising erases; everything else about the tenancy stays.
PERSONAL_FIELDS = ("name", "email", "phone", "birth_year", "user_id")
# The ordinary afdelingsmøde is held at the latest 3 months before the financial year
# starts; its minutes are due at the latest 4 weeks after the meeting.
MEETING_MONTHS_BEFORE_FISCAL_YEAR = 3
MINUTES_DAYS_AFTER_MEETING = 28
_BATCH = 500


def _erased(resident: Resident, now: dt.datetime) -> None:
    resident.name = ANONYMISED_NAME
    resident.email = ""
    resident.phone = ""
    resident.birth_year = None
    resident.user = None
    resident.anonymised_at = now


def _organisation_id(resident: Resident) -> int:
    return resident.household.unit.estate.organisation_id


# --- export ---------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def resident_export(resident: Resident) -> dict[str, Any]:
    """Everything Almen holds about ``resident`` (and their login, if linked), and
    nothing about anyone else: household members appear only as a count."""
    household = resident.household
    unit = household.unit
    estate = unit.estate
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "resident": {
            "id": str(resident.public_id),
            "name": resident.name,
            "email": resident.email,
            "phone": resident.phone,
            "birth_year": resident.birth_year,
            "anonymised_at": _iso(resident.anonymised_at),
        },
        "tenancy": {
            "unit_number": unit.number,
            "unit_address": unit.address,
            "unit_kind": unit.kind,
            "unit_area_m2": str(unit.area_m2),
            "unit_rooms": unit.rooms,
            "moved_in": _iso(household.moved_in),
            "moved_out": _iso(household.moved_out),
            "household_size": household.residents.count(),
            "estate_number": estate.number,
            "estate_name": estate.name,
            "organisation_cvr": estate.organisation.cvr,
            "organisation_name": estate.organisation.name,
        },
        "account": None,
        "board_memberships": [],
        "access_grants": [],
        "audit_log": [
            {"at": _iso(at), "by": label, "action": action}
            for at, label, action in AuditEntry.objects.filter(
                object_type=Resident._meta.label_lower, object_id=str(resident.pk)
            )
            .order_by("at", "id")
            .values_list("at", "actor_label", "action")
        ],
    }
    user = resident.user
    if user is not None:
        data["account"] = {
            "email": user.email,
            "name": getattr(user, "name", ""),
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        }
        data["board_memberships"] = [
            {
                "body": str(m.body),
                "role": m.role,
                "term_start": _iso(m.term_start),
                "term_end": _iso(m.term_end),
            }
            for m in BodyMembership.objects.filter(user=user).select_related(
                "body__organisation", "body__estate"
            )
        ]
        data["access_grants"] = [
            {
                "role": m.role,
                "scope": str(m.estate or m.organisation or m.municipality or "sector"),
                "starts": _iso(m.starts),
                "ends": _iso(m.ends),
            }
            for m in Membership.objects.filter(user=user).select_related(
                "estate", "organisation", "municipality"
            )
        ]
    return data


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else key, item)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _flatten(f"{prefix}[{index}]", item)
    else:
        yield prefix, value


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def export_csv(data: dict[str, Any]) -> str:
    """The export as two columns (field, value), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["felt", "værdi"])
    for key, value in _flatten("", data):
        writer.writerow(neutralise_row([key, "" if value is None else value]))
    return out.getvalue()


# --- erasure --------------------------------------------------------------------------


@transaction.atomic
def resident_anonymise(*, actor: Any, resident: Resident) -> Resident:
    """Erase ``resident``'s personal data (and from earlier audit entries about them).

    The resident row stays, anonymised, so that household counts and the estate's
    key figures do not change. Anonymising an anonymised resident changes nothing.
    """
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.anonymised_at is not None:
        return resident
    erased = [f for f in PERSONAL_FIELDS if getattr(resident, f) not in (None, "")]
    _erased(resident, timezone.now())
    resident.save(update_fields=[*PERSONAL_FIELDS, "anonymised_at"])
    redacted = audit_redact(
        object_type=Resident._meta.label_lower,
        object_ids=[str(resident.pk)],
        fields=PERSONAL_FIELDS,
    )
    audit_record(
        actor=actor,
        action="anonymise",
        obj=resident,
        organisation_id=_organisation_id(resident),
        # The entry records which fields were erased, never their values.
        after={"erased": erased, "audit_entries_redacted": redacted},
    )
    return resident


# --- retention ------------------------------------------------------------------------


def _meeting_deadline(year: int, fiscal_year_start_month: int) -> dt.date:
    """The last day for the ordinary meeting in calendar year ``year``: the day before
    the date 3 months before a financial year starts (1 January → 30 September)."""
    month = (fiscal_year_start_month - MEETING_MONTHS_BEFORE_FISCAL_YEAR - 2) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def retention_ends(*, moved_out: dt.date, fiscal_year_start_month: int) -> dt.date:
    """The last day a moved-out household's personal data is kept.

    Default: the minutes deadline of the first ordinary meeting due on or after the
    move-out; ``PRIVACY_MOVED_OUT_RETENTION_DAYS`` replaces it with a fixed period.
    """
    days = settings.PRIVACY_MOVED_OUT_RETENTION_DAYS
    if days is not None:
        return moved_out + dt.timedelta(days=days)
    meeting = _meeting_deadline(moved_out.year, fiscal_year_start_month)
    if meeting < moved_out:
        meeting = _meeting_deadline(moved_out.year + 1, fiscal_year_start_month)
    return meeting + dt.timedelta(days=MINUTES_DAYS_AFTER_MEETING)


def _latest_due_move_out(today: dt.date, fiscal_year_start_month: int) -> dt.date:
    """Households that moved out on or before this day are past their retention."""
    days = settings.PRIVACY_MOVED_OUT_RETENTION_DAYS
    if days is not None:
        return today - dt.timedelta(days=days + 1)
    # retention_ends grows with the move-out date, so the due households are those
    # up to the latest meeting deadline whose minutes deadline has passed.
    meeting = _meeting_deadline(today.year, fiscal_year_start_month)
    while meeting + dt.timedelta(days=MINUTES_DAYS_AFTER_MEETING) >= today:
        meeting = _meeting_deadline(meeting.year - 1, fiscal_year_start_month)
    return meeting


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def moved_out_anonymise(*, today: dt.date | None = None, dry_run: bool = False) -> int:
    """Anonymise the residents of every household past its retention (nightly).

    One audit entry per estate says how many residents and households were
    anonymised. Returns the number of residents anonymised (or due, with ``dry_run``).
    """
    today = today or timezone.localdate()
    total = 0
    for month in range(1, 13):
        due = Resident.objects.filter(
            anonymised_at__isnull=True,
            household__moved_out__isnull=False,
            household__moved_out__lte=_latest_due_move_out(today, month),
            household__unit__estate__fiscal_year_start_month=month,
        )
        if dry_run:
            total += due.count()
            continue
        with transaction.atomic():
            ids = list(due.select_for_update().values_list("pk", flat=True))
            if not ids:
                continue
            per_estate = _per_estate(ids)
            now = timezone.now()
            for batch in _chunks(ids):
                Resident.objects.filter(pk__in=batch).update(
                    name=ANONYMISED_NAME,
                    email="",
                    phone="",
                    birth_year=None,
                    user=None,
                    anonymised_at=now,
                )
                audit_redact(
                    object_type=Resident._meta.label_lower,
                    object_ids=[str(pk) for pk in batch],
                    fields=PERSONAL_FIELDS,
                )
            estates = Estate.objects.in_bulk(
                [row["household__unit__estate_id"] for row in per_estate]
            )
            for row in per_estate:
                estate = estates[row["household__unit__estate_id"]]
                audit_record(
                    actor=None,
                    action="anonymise_moved_out",
                    obj=estate,
                    organisation_id=estate.organisation_id,
                    after={"residents": row["residents"], "households": row["households"]},
                )
            total += len(ids)
    return total


def _per_estate(ids: list[int]) -> list[dict[str, Any]]:
    """Residents and households per estate, counted in batches (SQLite's limit on
    query parameters)."""
    residents: dict[int, int] = defaultdict(int)
    households: dict[int, set[int]] = defaultdict(set)
    for batch in _chunks(ids):
        for estate_id, household_id in Resident.objects.filter(pk__in=batch).values_list(
            "household__unit__estate_id", "household_id"
        ):
            residents[estate_id] += 1
            households[estate_id].add(household_id)
    return [
        {
            "household__unit__estate_id": estate_id,
            "residents": residents[estate_id],
            "households": len(households[estate_id]),
        }
        for estate_id in residents
    ]


def erased_households(*, estate_ids: Iterable[int]) -> set[int]:
    """Households in these estates that moved out and whose personal data was erased.

    A register import leaves their residents alone: a file that still lists a
    former tenancy must not bring back the personal data erased after it ended.
    One query (by estate, not by a list of household ids, as the import does).
    """
    return set(
        Resident.objects.filter(
            household__unit__estate_id__in=list(estate_ids),
            household__moved_out__isnull=False,
            anonymised_at__isnull=False,
        )
        .values_list("household_id", flat=True)
        .distinct()
    )
