"""Importing the tenancy register: upload, validate (a preview of the diff), commit.

A file is the organisation's current register for the estates it names. Committing it
is a *diff* against Almen (see docs/decisions/0005-register-import.md):

* units are upserted by (estate, lejemålsnummer);
* a household is identified by (unit, indflytningsdato); one in the file and not in
  Almen moves in, with its residents; one current in Almen (no move-out date) in an
  estate the file names but absent from the file moves out on the import date;
  households present on both sides are left alone, except that their residents are
  brought in line with the file (matched by name) and a move-out date in the file
  ends them;
* estates the file names and Almen lacks are created (they need an afdelingsnavn).

Commit is all or nothing: every write happens in one transaction. Parsing happens
before that transaction so that its progress is visible to the progress bar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from almen.audit.models import AuditEntry
from almen.audit.services import audit_actor, audit_record
from almen.imports import columns
from almen.imports.findings import ERROR, FileRejected, Findings
from almen.imports.models import ImportFormat, ImportRun, ImportStatus
from almen.lib.bulk import insert_rows, reserve_ids
from almen.lib.csvsafe import is_formula_like
from almen.lib.tabular import (
    TabularError,
    check_rows_accounted,
    check_xlsx,
    count_rows,
    detect_format,
    number_error,
    open_table,
    parse_date,
    parse_decimal,
    parse_int,
    xlsx_needs_worker,
)
from almen.register.models import Estate, Household, Organisation, Resident, Unit, UnitKind
from almen.register.privacy import erased_households
from almen.register.services import estate_counts_refresh, estate_create

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5000
BATCH = 2000
ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}
KINDS = {
    "familie": UnitKind.FAMILY,
    "familiebolig": UnitKind.FAMILY,
    "family": UnitKind.FAMILY,
    "ældre": UnitKind.ELDERLY,
    "aeldre": UnitKind.ELDERLY,
    "ældrebolig": UnitKind.ELDERLY,
    "aeldrebolig": UnitKind.ELDERLY,
    "elderly": UnitKind.ELDERLY,
    "ungdom": UnitKind.YOUTH,
    "ungdomsbolig": UnitKind.YOUTH,
    "youth": UnitKind.YOUTH,
}
PHONE = re.compile(r"^\+?[0-9 ]{6,20}$")
# --- parsed file ----------------------------------------------------------------------


@dataclass(slots=True)
class UnitData:
    address: str
    kind: str
    area: Decimal
    rooms: int
    row: int

    def values(self) -> tuple[str, str, Decimal, int]:
        return (self.address, self.kind, self.area, self.rooms)


@dataclass(slots=True)
class ResidentData:
    name: str
    email: str
    phone: str
    birth_year: int | None


@dataclass(slots=True)
class HouseholdData:
    moved_out: dt.date | None
    row: int
    residents: list[ResidentData] = field(default_factory=list)


UnitKey = tuple[int, str]  # (estate number, lejemålsnummer)
HouseholdKey = tuple[int, str, dt.date]  # (estate number, lejemålsnummer, moved in)


@dataclass
class Parsed:
    findings: Findings
    rows: int = 0  # data rows read from the file
    rows_used: int = 0  # … of which taken into the register
    rows_skipped: int = 0  # … skipped with a warning (a resident listed twice)
    estates: dict[int, tuple[str, int]] = field(default_factory=dict)  # number → (name, row)
    units: dict[UnitKey, UnitData] = field(default_factory=dict)
    households: dict[HouseholdKey, HouseholdData] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_values(
    number: int, row: dict[str, Any], findings: Findings, today: dt.date
) -> tuple[UnitKey, UnitData, dt.date, dt.date | None, ResidentData, str] | None:
    """One row's values, or ``None`` after recording why it cannot be used."""
    errors_before = findings.errors
    for column in columns.FREE_TEXT:
        if is_formula_like(row.get(column)):
            findings.error(
                number,
                column,
                _(
                    "Feltet begynder med =, +, -, @ eller et tabulatortegn og kan blive "
                    "opfattet som en formel. Ret værdien i kildesystemet."
                ),
            )
    estate_raw = _text(row.get("afdelingsnummer"))
    try:
        estate_number = parse_int(estate_raw)
        if not 0 < estate_number < 1_000_000:
            raise ValueError(estate_number)
    except ValueError:
        estate_number = 0
        findings.error(
            number, "afdelingsnummer", _("Afdelingsnummeret skal være et positivt heltal.")
        )
    unit_number = _text(row.get("lejemålsnummer"))
    if not unit_number:
        findings.error(number, "lejemålsnummer", _("Lejemålsnummeret mangler."))
    elif len(unit_number) > 40:
        findings.error(number, "lejemålsnummer", _("Lejemålsnummeret er over 40 tegn."))
    address = _text(row.get("adresse"))
    if len(address) > 200:
        findings.error(number, "adresse", _("Adressen er over 200 tegn."))
    kind_raw = _text(row.get("boligtype")).lower()
    kind = KINDS.get(kind_raw, "")
    if not kind:
        findings.error(number, "boligtype", _("Boligtypen skal være familie, ældre eller ungdom."))
    area = Decimal(0)
    try:
        area = parse_decimal(row.get("areal")).quantize(Decimal("0.01"))
        if not Decimal(0) < area < Decimal(100000):
            findings.error(
                number, "areal", _("Arealet skal være større end 0 og under 100.000 m².")
            )
    except ValueError as exc:
        findings.error(number, "areal", number_error(exc, _("Arealet skal være et tal, fx 72,5.")))
    except ArithmeticError:
        findings.error(number, "areal", _("Arealet skal være et tal, fx 72,5."))
    rooms = 0
    try:
        rooms = parse_int(row.get("værelser"))
        if not 1 <= rooms <= 50:
            findings.error(number, "værelser", _("Antal værelser skal være mellem 1 og 50."))
    except ValueError:
        findings.error(number, "værelser", _("Antal værelser skal være et heltal."))
    moved_in: dt.date | None = None
    try:
        moved_in = parse_date(row.get("indflytningsdato"))
    except ValueError:
        findings.error(
            number,
            "indflytningsdato",
            _("Datoen findes ikke eller har et ukendt format (brug dd-mm-åååå)."),
        )
    moved_out: dt.date | None = None
    if _text(row.get("fraflytningsdato")):
        try:
            moved_out = parse_date(row.get("fraflytningsdato"))
        except ValueError:
            findings.error(
                number,
                "fraflytningsdato",
                _("Datoen findes ikke eller har et ukendt format (brug dd-mm-åååå)."),
            )
    if moved_in and moved_out and moved_out < moved_in:
        findings.error(
            number, "fraflytningsdato", _("Fraflytningsdatoen ligger før indflytningsdatoen.")
        )
    name = _text(row.get("beboer_navn"))
    if not name:
        findings.error(number, "beboer_navn", _("Beboerens navn mangler."))
    elif len(name) > 200:
        findings.error(number, "beboer_navn", _("Navnet er over 200 tegn."))
    email = _text(row.get("beboer_email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            findings.error(number, "beboer_email", _("E-mailadressen er ikke gyldig."))
    phone = _text(row.get("beboer_telefon"))
    if phone and not PHONE.match(phone):
        findings.error(
            number, "beboer_telefon", _("Telefonnummeret må kun indeholde cifre, mellemrum og +.")
        )
    birth_year: int | None = None
    if _text(row.get("fødselsår")):
        try:
            birth_year = parse_int(row.get("fødselsår"))
            if not 1900 <= birth_year <= today.year:
                raise ValueError(birth_year)
        except ValueError:
            birth_year = None
            findings.error(
                number,
                "fødselsår",
                _("Fødselsåret skal være et årstal mellem 1900 og %(year)s.")
                % {"year": today.year},
            )
    if findings.errors > errors_before or moved_in is None:
        return None
    return (
        (estate_number, unit_number),
        UnitData(address=address, kind=kind, area=area, rooms=rooms, row=number),
        moved_in,
        moved_out,
        ResidentData(name=name, email=email.lower(), phone=phone, birth_year=birth_year),
        _text(row.get("afdelingsnavn"))[:200],
    )


UNIT_FIELD_LABELS = ("adresse", "boligtype", "areal", "værelser")


# Who else wants to hear about progress in this context (the command's progress bar);
# the web page reads ``processed_rows`` from the database instead.
progress_listener: ContextVar[Callable[[int], None] | None] = ContextVar(
    "import_progress_listener", default=None
)


def _progress(run: ImportRun | None, processed: int) -> None:
    if run is not None:
        ImportRun.objects.filter(pk=run.pk).update(processed_rows=processed)
    listener = progress_listener.get()
    if listener is not None:
        listener(processed)


def parse_file(
    fileobj: Any, *, run: ImportRun | None = None, today: dt.date, in_worker: bool = False
) -> Parsed:
    """Read and check the whole file; raises ``FileRejected`` with the findings when
    the file as a whole is unusable. Reports progress on ``run``. Every row read is
    accounted for: used, skipped with a warning, or refused with an error."""
    findings = Findings()
    parsed = Parsed(findings=findings)
    try:
        table = open_table(fileobj, aliases=columns.ALIASES, in_worker=in_worker)
    except TabularError as exc:
        findings.error(None, "", exc.message)
        raise FileRejected(findings) from exc
    cpr = [
        raw
        for raw, h in zip(table.raw_headers, table.headers, strict=True)
        if h in columns.CPR_HEADERS
    ]
    if cpr:
        findings.error(
            None,
            cpr[0],
            _(
                "Filen indeholder CPR-numre (kolonnen %(column)s). Almen gemmer aldrig "
                "CPR-numre: fjern kolonnen og prøv igen."
            )
            % {"column": cpr[0]},
        )
        raise FileRejected(findings, cpr=True)
    present = set(table.headers)
    missing = [c for c in columns.REQUIRED if c not in present]
    if missing:
        findings.error(
            None,
            "",
            _("Filen mangler disse kolonner: %(columns)s") % {"columns": ", ".join(missing)},
        )
        raise FileRejected(findings)
    duplicated = sorted({h for h in table.headers if h and table.headers.count(h) > 1})
    if duplicated:
        findings.error(
            None,
            "",
            _("Disse kolonner står flere gange: %(columns)s") % {"columns": ", ".join(duplicated)},
        )
        raise FileRejected(findings)
    extra = [
        raw
        for raw, h in zip(table.raw_headers, table.headers, strict=True)
        if h not in columns.KNOWN
    ]
    if extra:
        findings.warning(
            None,
            "",
            _("Disse kolonner kendes ikke og bliver ikke indlæst: %(columns)s")
            % {"columns": ", ".join(c or "?" for c in extra)},
        )

    current_in_unit: dict[UnitKey, tuple[dt.date, int]] = {}
    try:
        for number, row in table.rows:
            parsed.rows += 1
            if parsed.rows % PROGRESS_EVERY == 0:
                _progress(run, parsed.rows)
            for column, value in row.items():
                if columns.looks_like_cpr(value):
                    findings.error(
                        number,
                        column,
                        _(
                            "Feltet ligner et CPR-nummer. Almen gemmer aldrig CPR-numre: "
                            "fjern dem fra filen og prøv igen."
                        ),
                    )
                    raise FileRejected(findings, cpr=True)
            values = _row_values(number, row, findings, today)
            if values is None:
                continue
            unit_key, unit, moved_in, moved_out, resident, estate_name = values
            estate_number = unit_key[0]
            if estate_number not in parsed.estates or (
                estate_name and not parsed.estates[estate_number][0]
            ):
                parsed.estates[estate_number] = (estate_name, number)
            seen = parsed.units.get(unit_key)
            if seen is None:
                parsed.units[unit_key] = unit
            elif seen.values() != unit.values():
                differs = [
                    label
                    for label, a, b in zip(
                        UNIT_FIELD_LABELS, seen.values(), unit.values(), strict=True
                    )
                    if a != b
                ]
                findings.error(
                    number,
                    "lejemålsnummer",
                    _(
                        "Lejemål %(unit)s i afdeling %(estate)s står også i række %(row)s, "
                        "men med andre oplysninger (%(fields)s)."
                    )
                    % {
                        "unit": unit_key[1],
                        "estate": estate_number,
                        "row": seen.row,
                        "fields": ", ".join(differs),
                    },
                )
                continue
            key = (estate_number, unit_key[1], moved_in)
            household = parsed.households.get(key)
            if household is None:
                if moved_out is None:
                    other = current_in_unit.get(unit_key)
                    if other is not None:
                        findings.error(
                            number,
                            "indflytningsdato",
                            _(
                                "Lejemålet har allerede en nuværende husstand (indflyttet "
                                "%(date)s, række %(row)s). Angiv fraflytningsdato for den "
                                "tidligere husstand."
                            )
                            % {"date": other[0].strftime("%d-%m-%Y"), "row": other[1]},
                        )
                        continue
                    current_in_unit[unit_key] = (moved_in, number)
                household = parsed.households[key] = HouseholdData(moved_out=moved_out, row=number)
            elif household.moved_out != moved_out:
                findings.error(
                    number,
                    "fraflytningsdato",
                    _("Husstanden står i række %(row)s med en anden fraflytningsdato.")
                    % {"row": household.row},
                )
                continue
            if any(r.name.casefold() == resident.name.casefold() for r in household.residents):
                findings.warning(
                    number,
                    "beboer_navn",
                    _("Beboeren står allerede i husstanden; rækken springes over."),
                )
                parsed.rows_skipped += 1
                continue
            household.residents.append(resident)
            parsed.rows_used += 1
        check_rows_accounted(
            read=table.rows_read,
            accounted=parsed.rows_used + parsed.rows_skipped + len(findings.error_rows),
        )
    except TabularError as exc:
        findings.error(None, "", exc.message)
        raise FileRejected(findings) from exc
    if parsed.rows == 0:
        findings.error(None, "", _("Filen indeholder ingen rækker under overskrifterne."))
        raise FileRejected(findings)
    _progress(run, parsed.rows)  # the last stretch, below PROGRESS_EVERY
    return parsed


# --- the diff -------------------------------------------------------------------------


@dataclass
class Plan:
    estates_to_create: list[tuple[int, str]] = field(default_factory=list)
    units_to_create: list[tuple[UnitKey, UnitData]] = field(default_factory=list)
    units_to_update: list[tuple[int, UnitData]] = field(default_factory=list)
    # (household id, unit repr, moved_in, moved_out): ends a tenancy
    households_to_end: list[tuple[int, str, dt.date, dt.date]] = field(default_factory=list)
    households_to_create: list[tuple[HouseholdKey, HouseholdData]] = field(default_factory=list)
    residents_to_create: list[tuple[int, ResidentData]] = field(default_factory=list)
    residents_to_update: list[tuple[int, ResidentData]] = field(default_factory=list)
    residents_to_delete: list[int] = field(default_factory=list)
    # What the file covers, estate by estate (see ``EstateScope``).
    scope: dict[int, EstateScope] = field(default_factory=dict)

    def scope_list(self) -> list[dict[str, Any]]:
        return [self.scope[number].as_dict() for number in sorted(self.scope)]

    def summary(self) -> dict[str, int]:
        return {
            "estates_created": len(self.estates_to_create),
            "units_created": len(self.units_to_create),
            "units_updated": len(self.units_to_update),
            "households_moved_in": len(self.households_to_create),
            "households_moved_out": len(self.households_to_end),
            "residents_added": len(self.residents_to_create)
            + sum(len(h.residents) for _k, h in self.households_to_create),
            "residents_updated": len(self.residents_to_update),
            "residents_removed": len(self.residents_to_delete),
        }


@dataclass
class EstateScope:
    """One estate the file names: what Almen has, what the file has, what changes."""

    number: int
    name: str
    exists: bool = True
    units_now: int = 0  # units in Almen
    units_in_file: int = 0
    households_now: int = 0  # current households in Almen
    households_in_file: int = 0  # current households in the file
    moving_in: int = 0  # new current households
    moving_out: int = 0  # current households the commit ends

    @property
    def remaining(self) -> int:
        return self.households_now - self.moving_out + self.moving_in

    @property
    def partial(self) -> bool:
        """The file names only some of the estate's units in Almen."""
        return self.exists and self.units_in_file < self.units_now

    @property
    def needs_confirmation(self) -> bool:
        """Ends more than ``IMPORT_MOVE_OUT_CONFIRM_SHARE`` of the households, or all."""
        if not self.households_now or not self.moving_out:
            return False
        share = settings.IMPORT_MOVE_OUT_CONFIRM_SHARE
        return self.moving_out > share * self.households_now or self.remaining <= 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "exists": self.exists,
            "units_now": self.units_now,
            "units_in_file": self.units_in_file,
            "households_now": self.households_now,
            "households_in_file": self.households_in_file,
            "moving_in": self.moving_in,
            "moving_out": self.moving_out,
            "remaining": self.remaining,
            "partial": self.partial,
            "needs_confirmation": self.needs_confirmation,
        }


def _chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_diff(*, organisation: Organisation, parsed: Parsed, as_of: dt.date) -> Plan:
    """What committing ``parsed`` would change. Reads only; records findings for
    estates that neither exist nor can be created."""
    plan = Plan()
    findings = parsed.findings
    estate_names: dict[int, str] = {}
    estates: dict[int, int] = {}
    for pk, number, name in Estate.objects.filter(
        organisation=organisation, number__in=list(parsed.estates)
    ).values_list("pk", "number", "name"):
        estates[number] = pk
        estate_names[number] = name
    scope = plan.scope
    for number, (name, _row) in parsed.estates.items():
        scope[number] = EstateScope(
            number=number, name=estate_names.get(number, name), exists=number in estates
        )
    for (estate_number, _unit), _data in parsed.units.items():
        scope[estate_number].units_in_file += 1
    for (estate_number, _unit, _in), household in parsed.households.items():
        if household.moved_out is None:
            scope[estate_number].households_in_file += 1
    for number, (name, row) in sorted(parsed.estates.items()):
        if number in estates:
            continue
        if name:
            plan.estates_to_create.append((number, name))
        else:
            findings.error(
                row,
                "afdelingsnummer",
                _(
                    "Afdeling %(number)s findes ikke i Almen. Angiv afdelingsnavn i filen, "
                    "så oprettes afdelingen."
                )
                % {"number": number},
            )
    number_of = {pk: number for number, pk in estates.items()}
    units: dict[UnitKey, tuple[int, tuple[str, str, Decimal, int]]] = {}
    for pk, estate_id, unit_number, address, kind, area, rooms in Unit.objects.filter(
        estate_id__in=list(estates.values())
    ).values_list("pk", "estate_id", "number", "address", "kind", "area_m2", "rooms"):
        units[(number_of[estate_id], unit_number)] = (pk, (address, kind, area, rooms))
        scope[number_of[estate_id]].units_now += 1
    for unit_key, unit in parsed.units.items():
        existing = units.get(unit_key)
        if existing is None:
            plan.units_to_create.append((unit_key, unit))
        elif existing[1] != unit.values():
            plan.units_to_update.append((existing[0], unit))
    unit_key_of = {pk: k for k, (pk, _values) in units.items()}

    matched: dict[int, HouseholdData] = {}
    in_almen: set[HouseholdKey] = set()
    # By estate, not by a list of unit ids: 360,000 ids exceed SQLite's limit on
    # query parameters (and would be slow to send on PostgreSQL).
    for pk, unit_id, moved_in, moved_out in Household.objects.filter(
        unit__estate_id__in=list(estates.values())
    ).values_list("pk", "unit_id", "moved_in", "moved_out"):
        if unit_id not in unit_key_of:
            continue
        estate_number, unit_number = unit_key_of[unit_id]
        household_key = (estate_number, unit_number, moved_in)
        in_almen.add(household_key)
        data = parsed.households.get(household_key)
        label = f"{unit_number} ({estate_number})"
        if moved_out is None:
            scope[estate_number].households_now += 1
        if data is None:
            if moved_out is None:
                plan.households_to_end.append((pk, label, moved_in, max(as_of, moved_in)))
                scope[estate_number].moving_out += 1
            continue
        matched[pk] = data
        if moved_out is None and data.moved_out is not None:
            plan.households_to_end.append((pk, label, moved_in, data.moved_out))
            scope[estate_number].moving_out += 1
    for household_key, data in parsed.households.items():
        if household_key not in in_almen:
            plan.households_to_create.append((household_key, data))
            if data.moved_out is None:
                scope[household_key[0]].moving_in += 1

    # Residents of households on both sides: matched by name, brought in line.
    existing_residents: dict[int, list[tuple[int, str, str, str, int | None]]] = defaultdict(list)
    for batch in _chunks(list(matched)):
        for household_id, *resident_row in Resident.objects.filter(
            household_id__in=batch
        ).values_list("household_id", "pk", "name", "email", "phone", "birth_year"):
            existing_residents[household_id].append(tuple(resident_row))  # type: ignore[arg-type]
    # Former tenancies whose personal data was erased stay erased (register.privacy).
    erased = erased_households(estate_ids=estates.values())
    for household_id, data in matched.items():
        if household_id in erased:
            continue
        remaining = {r[1].casefold(): r for r in existing_residents.get(household_id, [])}
        for resident in data.residents:
            found = remaining.pop(resident.name.casefold(), None)
            if found is None:
                plan.residents_to_create.append((household_id, resident))
            elif (found[2], found[3], found[4]) != (
                resident.email,
                resident.phone,
                resident.birth_year,
            ):
                plan.residents_to_update.append((found[0], resident))
        plan.residents_to_delete.extend(r[0] for r in remaining.values())
    return plan


def _apply(*, actor: Any, organisation: Organisation, plan: Plan, run: ImportRun) -> None:
    """Write the plan. Called inside one transaction."""
    estate_ids = dict(Estate.objects.filter(organisation=organisation).values_list("number", "pk"))
    for number, name in plan.estates_to_create:
        estate = estate_create(
            actor=actor,
            organisation=organisation,
            number=number,
            name=name,
            municipality=organisation.municipality,
        )
        estate_ids[number] = estate.pk

    # Large writes go through lib.bulk: plain executemany with ids reserved up front.
    insert_rows(
        Unit,
        ["estate_id", "number", "address", "kind", "area_m2", "rooms"],
        (
            (estate_ids[estate_number], unit_number, u.address, u.kind, u.area, u.rooms)
            for (estate_number, unit_number), u in plan.units_to_create
        ),
    )
    Unit.objects.bulk_update(
        [
            Unit(pk=pk, address=u.address, kind=u.kind, area_m2=u.area, rooms=u.rooms)
            for pk, u in plan.units_to_update
        ],
        ["address", "kind", "area_m2", "rooms"],
        batch_size=BATCH,
    )
    # (estate id, lejemålsnummer) → unit id
    unit_ids: dict[tuple[int, str], int] = {}
    for pk, estate_id, unit_number in Unit.objects.filter(
        estate_id__in=list(estate_ids.values())
    ).values_list("pk", "estate_id", "number"):
        unit_ids[(estate_id, unit_number)] = pk

    # Ends first: a unit's new current household needs the old one ended (one current
    # household per unit is a database constraint).
    Household.objects.bulk_update(
        [Household(pk=pk, moved_out=out) for pk, _label, _in, out in plan.households_to_end],
        ["moved_out"],
        batch_size=BATCH,
    )
    household_ids = reserve_ids(Household, len(plan.households_to_create))
    insert_rows(
        Household,
        ["id", "public_id", "unit_id", "moved_in", "moved_out"],
        (
            (
                pk,
                uuid.uuid4(),
                unit_ids[(estate_ids[estate_number], unit_number)],
                moved_in,
                data.moved_out,
            )
            for pk, ((estate_number, unit_number, moved_in), data) in zip(
                household_ids, plan.households_to_create, strict=True
            )
        ),
    )

    def resident(household_id: int, r: ResidentData) -> tuple[Any, ...]:
        return (uuid.uuid4(), household_id, r.name, r.email, r.phone, r.birth_year)

    residents = [resident(hid, r) for hid, r in plan.residents_to_create]
    for household_id, (_key, data) in zip(household_ids, plan.households_to_create, strict=True):
        residents.extend(resident(household_id, r) for r in data.residents)
    insert_rows(
        Resident, ["public_id", "household_id", "name", "email", "phone", "birth_year"], residents
    )
    Resident.objects.bulk_update(
        [
            Resident(pk=pk, email=r.email, phone=r.phone, birth_year=r.birth_year)
            for pk, r in plan.residents_to_update
        ],
        ["email", "phone", "birth_year"],
        batch_size=BATCH,
    )
    for batch in _chunks(plan.residents_to_delete):
        Resident.objects.filter(pk__in=batch).delete()

    user, label, api_token_id = audit_actor(actor)  # names the API token, if any
    label = f"{label} (import)"[:200]

    now = timezone.now()
    actor_id = user.pk if user is not None else None

    def entry(action: str, pk: int, text: str, before: Any, after: Any) -> tuple[Any, ...]:
        return (
            now,
            actor_id,
            label,
            api_token_id,
            action,
            "register.household",
            str(pk),
            text[:200],
            organisation.pk,
            before,
            after,
        )

    entries = [
        entry(
            "move_out",
            pk,
            f"{unit} ({moved_in:%d-%m-%Y})",
            {"moved_out": None},
            {"moved_out": out.isoformat()},
        )
        for pk, unit, moved_in, out in plan.households_to_end
    ]
    entries.extend(
        entry(
            "move_in",
            household_id,
            f"{key[1]} ({key[0]}) ({key[2]:%d-%m-%Y})",
            None,
            {
                "moved_in": key[2].isoformat(),
                "moved_out": data.moved_out.isoformat() if data.moved_out else None,
                "residents": len(data.residents),
                "import": str(run.public_id),
            },
        )
        for household_id, (key, data) in zip(household_ids, plan.households_to_create, strict=True)
    )
    insert_rows(
        AuditEntry,
        [
            "at",
            "actor_id",
            "actor_label",
            "api_token_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "organisation_id",
            "before",
            "after",
        ],
        entries,
    )


# --- services -----------------------------------------------------------------------


def _store_findings(run: ImportRun, findings: Findings) -> None:
    run.findings = findings.items
    run.findings_omitted = findings.omitted
    run.error_count = findings.errors
    run.warning_count = findings.warnings


def _save(run: ImportRun, *fields: str) -> None:
    run.save(update_fields=list(fields))


@transaction.atomic
def import_run_create(
    *,
    actor: Any,
    organisation: Organisation,
    uploaded_file: UploadedFile,
    dry_run: bool = False,
    kind: str = "register",
) -> ImportRun:
    """Store an uploaded file of ``kind`` (the register's by default; other modules'
    kinds in ``almen.imports.kinds``) for ``organisation``. Refuses files that are too
    big or of another type; reading and checking the rows comes next."""
    name = Path(uploaded_file.name or "").name[:255]
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ValidationError(_("Filen skal være en CSV- eller XLSX-fil."), code="type")
    size = uploaded_file.size or 0
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("Filen er for stor (%(size)s MB). Den største tilladte størrelse er %(max)s MB.")
            % {
                "size": round(size / 1024 / 1024, 1),
                "max": round(settings.IMPORT_MAX_BYTES / 1024 / 1024, 1),
            },
            code="size",
        )
    if size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    uploaded_file.seek(0)
    fmt = detect_format(uploaded_file)
    if fmt == "xlsx":
        # The archive's table of contents only: a zip bomb is refused here, before
        # anything is unpacked or stored.
        try:
            info = check_xlsx(uploaded_file)
        except TabularError as exc:
            raise ValidationError(exc.message, code="xlsx") from None
        # A big sheet is counted by the worker, not in this request.
        total = 0 if xlsx_needs_worker(info) else count_rows(uploaded_file)
    else:
        total = count_rows(uploaded_file)
    uploaded_file.seek(0)
    run = ImportRun(
        organisation=organisation,
        kind=kind,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        original_name=name,
        format=ImportFormat.XLSX if fmt == "xlsx" else ImportFormat.CSV,
        dry_run=dry_run,
        total_rows=total,
    )
    run.file.save(f"{run.public_id}{Path(name).suffix.lower()}", uploaded_file, save=False)
    run.save()
    audit_record(
        actor=actor,
        action="upload",
        obj=run,
        organisation_id=organisation.pk,
        after={"file": name, "rows": total, "dry_run": dry_run, "kind": kind},
    )
    return run


def needs_worker(run: ImportRun) -> bool:
    """Too many rows, or an XLSX too big to parse in a web request."""
    if run.total_rows > settings.IMPORT_BACKGROUND_ROWS:
        return True
    if run.format != ImportFormat.XLSX:
        return False
    try:
        with run.file.open("rb") as fileobj:
            return xlsx_needs_worker(check_xlsx(fileobj))
    except TabularError:
        return False  # refused with its message when it is read


def _parse_run(run: ImportRun, *, in_worker: bool = False) -> Parsed | None:
    """Parse the run's file with progress; on rejection, record it and return None."""
    today = timezone.localdate()
    try:
        with run.file.open("rb") as fileobj:
            if not run.total_rows and run.format == ImportFormat.XLSX and in_worker:
                run.total_rows = count_rows(fileobj)  # for the progress bar
                _save(run, "total_rows")
            parsed = parse_file(fileobj, run=run, today=today, in_worker=in_worker)
    except FileRejected as exc:
        _store_findings(run, exc.findings)
        run.status = ImportStatus.REJECTED
        run.finished_at = timezone.now()
        if exc.cpr:
            # The file must not stay with us: CPR numbers are never stored.
            run.file.delete(save=False)
        run.save()
        return None
    run.total_rows = run.processed_rows = parsed.rows
    _save(run, "total_rows", "processed_rows")
    return parsed


def _summary(plan: Plan, parsed: Parsed) -> dict[str, int]:
    return {**plan.summary(), "rows_read": parsed.rows}


def import_run_validate(*, run: ImportRun, in_worker: bool = False) -> ImportRun:
    """Read and check every row, and compute what a commit would change (without
    changing anything). Ends ``validated`` or ``rejected``.

    Not one transaction on purpose: the progress written while parsing must be
    visible to the page that polls it.
    """
    run.status = ImportStatus.VALIDATING
    run.processed_rows = 0
    _save(run, "status", "processed_rows")
    parsed = _parse_run(run, in_worker=in_worker)
    if parsed is None:
        return run
    plan = plan_diff(organisation=run.organisation, parsed=parsed, as_of=timezone.localdate())
    _store_findings(run, parsed.findings)
    run.summary = _summary(plan, parsed)
    run.scope = plan.scope_list()
    run.status = ImportStatus.REJECTED if parsed.findings.errors else ImportStatus.VALIDATED
    run.finished_at = timezone.now()
    run.save()
    return run


class MoveOutsNotConfirmed(ValidationError):
    """The commit would end a large share of an estate's households (or all of them)
    and the person has not confirmed the number of move-outs."""


def move_out_warning(run: ImportRun) -> str:
    """The numbers a confirmation names: "afdeling 90 Æblehaven: 203 af 203 …"."""
    parts = [
        _("afdeling %(number)s %(name)s: %(out)s af %(now)s husstande flytter ud")
        % {
            "number": e["number"],
            "name": e["name"],
            "out": e["moving_out"],
            "now": e["households_now"],
        }
        + (_(" (afdelingen bliver tom)") if e["remaining"] <= 0 else "")
        for e in run.estates_to_confirm
    ]
    return _(
        "Importen flytter %(total)s husstande ud (%(estates)s). Bekræft ved at angive "
        "antallet af husstande, der flytter ud: %(total)s."
    ) % {"total": run.move_outs, "estates": "; ".join(parts)}


def check_move_out_confirmation(*, run: ImportRun, confirm_move_outs: int | None) -> None:
    """Refuse a commit that needs a confirmation of the move-outs without one that
    names their number (``IMPORT_MOVE_OUT_CONFIRM_SHARE``)."""
    if run.needs_move_out_confirmation and confirm_move_outs != run.move_outs:
        raise MoveOutsNotConfirmed(move_out_warning(run), code="confirm_move_outs")


def _claim_for_commit(run: ImportRun) -> None:
    if run.dry_run:
        raise ValidationError(_("En prøvekørsel kan ikke indlæses. Upload filen igen."))
    claimed = ImportRun.objects.filter(
        pk=run.pk, status=ImportStatus.VALIDATED, error_count=0
    ).update(status=ImportStatus.COMMITTING, processed_rows=0)
    if claimed:  # an update() sends no post_save: the staff's home panel shows the status
        from almen.imports.manifest import importrun_changed

        importrun_changed()
    if not claimed:
        raise ValidationError(_("Importen kan ikke indlæses i sin nuværende status."))
    run.status = ImportStatus.COMMITTING
    run.processed_rows = 0


def import_run_commit(
    *, actor: Any, run: ImportRun, confirm_move_outs: int | None = None, in_worker: bool = False
) -> ImportRun:
    """Apply a validated run: all or nothing. A run that ends more than
    ``IMPORT_MOVE_OUT_CONFIRM_SHARE`` of an estate's households (or empties one) needs
    ``confirm_move_outs`` equal to the number of households moving out."""
    check_move_out_confirmation(run=run, confirm_move_outs=confirm_move_outs)
    _claim_for_commit(run)
    run.move_outs_confirmed = confirm_move_outs
    _save(run, "move_outs_confirmed")
    return _commit(actor=actor, run=run, in_worker=in_worker)


class _ScopeChanged(Exception):
    pass


def _commit(*, actor: Any, run: ImportRun, in_worker: bool = False) -> ImportRun:
    # The file is read again: Almen may have changed since the preview, and keeping
    # a 600,000-row plan between requests would cost more than reading it twice.
    parsed = _parse_run(run, in_worker=in_worker)
    if parsed is None:
        return run
    organisation = run.organisation
    try:
        with transaction.atomic():
            plan = plan_diff(organisation=organisation, parsed=parsed, as_of=timezone.localdate())
            if parsed.findings.errors:
                raise FileRejected(parsed.findings)
            # Checked again on the fresh plan: what was confirmed must be what happens.
            run.summary = _summary(plan, parsed)
            run.scope = plan.scope_list()
            if run.needs_move_out_confirmation and run.move_outs_confirmed != run.move_outs:
                raise _ScopeChanged
            _apply(actor=actor, organisation=organisation, plan=plan, run=run)
            # Key figures on the organisation's estates follow the register.
            estate_counts_refresh(
                estate_ids=Estate.objects.filter(organisation=organisation).values_list(
                    "pk", flat=True
                )
            )
            run.status = ImportStatus.COMMITTED
            run.finished_at = timezone.now()
            if actor is not None and actor.is_authenticated:
                run.committed_by = actor
            _store_findings(run, parsed.findings)
            run.save()
            audit_record(
                actor=actor,
                action="import",
                obj=run,
                organisation_id=organisation.pk,
                after={
                    **run.summary,
                    "move_out_confirmation_required": run.needs_move_out_confirmation,
                    "move_outs_confirmed": run.move_outs_confirmed,
                },
            )
    except _ScopeChanged:
        # Back to the preview with the new numbers: nothing is written, the person
        # decides again.
        _store_findings(run, parsed.findings)
        run.status = ImportStatus.VALIDATED
        run.move_outs_confirmed = None
        run.finished_at = timezone.now()
        run.save()
    except FileRejected:
        _store_findings(run, parsed.findings)
        run.status = ImportStatus.REJECTED
        run.finished_at = timezone.now()
        run.save()
    except Exception:
        logger.exception("Register import %s failed", run.public_id)
        findings = Findings()
        findings.error(
            None,
            "",
            _("Importen fejlede, og intet blev ændret. Prøv igen, eller kontakt support."),
        )
        _store_findings(run, findings)
        run.status = ImportStatus.FAILED
        run.finished_at = timezone.now()
        run.save()
    return run


def import_run_process(*, run_id: str, commit: bool, in_worker: bool = False) -> ImportRun:
    """Validate a new run, and commit it if asked and it may be committed (a run that
    needs its move-outs confirmed is committed only with ``move_outs_confirmed``
    stored on it matching). What the background task runs (``in_worker``); small
    files run it at once."""
    run = ImportRun.objects.select_related("organisation__municipality").get(public_id=run_id)
    actor = run.committed_by or run.uploaded_by
    if run.status == ImportStatus.UPLOADED:
        run = import_run_validate(run=run, in_worker=in_worker)
    if commit:
        if run.status == ImportStatus.COMMITTING:  # claimed when it was queued
            run = _commit(actor=actor, run=run, in_worker=in_worker)
        elif run.can_commit:
            # Without the confirmation it needs, the run stays validated: the preview
            # (or the API's answer) asks for it.
            with contextlib.suppress(MoveOutsNotConfirmed):
                run = import_run_commit(
                    actor=actor,
                    run=run,
                    confirm_move_outs=run.move_outs_confirmed,
                    in_worker=in_worker,
                )
    return run


def import_run_start(
    *, actor: Any, run: ImportRun, commit: bool, confirm_move_outs: int | None = None
) -> ImportRun:
    """Validate (and, with ``commit``, apply) ``run``: at once for small files, in the
    worker for files above ``IMPORT_BACKGROUND_ROWS`` rows or XLSX files above
    ``TABULAR_XLSX_INLINE_BYTES`` unpacked. ``confirm_move_outs``: see
    ``import_run_commit``; raises ``MoveOutsNotConfirmed`` for a validated run."""
    if commit and run.status != ImportStatus.UPLOADED:
        check_move_out_confirmation(run=run, confirm_move_outs=confirm_move_outs)
        _claim_for_commit(run)  # refuses anything but a validated run without errors
    if commit:
        run.move_outs_confirmed = confirm_move_outs
        _save(run, "move_outs_confirmed")
    if commit and actor is not None and actor.is_authenticated:
        run.committed_by = actor
        _save(run, "committed_by")
    if needs_worker(run):
        from almen.imports.tasks import import_run_process as task

        run_id = str(run.public_id)
        transaction.on_commit(lambda: task.enqueue(run_id, commit))
        return run
    return import_run_process(run_id=str(run.public_id), commit=commit)


def scope_text(estate: dict[str, Any]) -> str:
    """One estate of a run's scope as a line, for the command."""
    text = _(
        "Afdeling %(number)s %(name)s: %(now)s husstande nu, %(in_file)s i filen, "
        "%(in)s flytter ind, %(out)s flytter ud."
    ) % {
        "number": estate["number"],
        "name": estate["name"],
        "now": estate["households_now"],
        "in_file": estate["households_in_file"],
        "in": estate["moving_in"],
        "out": estate["moving_out"],
    }
    if estate["partial"]:
        text += " " + _("Filen nævner kun %(file)s af afdelingens %(now)s lejemål.") % {
            "file": estate["units_in_file"],
            "now": estate["units_now"],
        }
    return text


def findings_text(findings: Iterable[dict[str, Any]]) -> str:
    """Findings as plain lines ("række 12, areal: …"), for the command and logs."""
    lines = []
    for f in findings:
        where = _("række %(row)s") % {"row": f["row"]} if f.get("row") else _("filen")
        column = f", {f['column']}" if f.get("column") else ""
        level = _("FEJL") if f.get("level") == ERROR else _("ADVARSEL")
        lines.append(f"{level} {where}{column}: {f['message']}")
    return "\n".join(lines)
