"""The audit log as a person reads it: actions, fields and values in words, not code.

An entry stores the action key (``update``), the model (``goals.action``) and the raw
field values (``{"status": "not_started"}``). For the page, each field is named by its
model field's ``verbose_name`` and each value shown by its choice label ("Ikke
påbegyndt" rather than ``not_started``), yes/no for booleans, dates as dates; the
actor "system" is "Almen (automatisk)". The models are looked up by label at run time
(``apps.get_model``), so the audit app imports no module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "create": _("Oprettet"),
    "update": _("Ændret"),
    "delete": _("Slettet"),
    "read": _("Læst"),
    "export": _("Eksporteret"),
    "import": _("Importeret"),
    "upload": _("Uploadet"),
    "grant": _("Rolle givet"),
    "revoke": _("Rolle fjernet"),
    "anonymise": _("Personoplysninger slettet"),
    "anonymise_moved_out": _("Fraflyttet husstand anonymiseret"),
    "purge_file": _("Fil slettet efter opbevaringstiden"),
    "report": _("Rapport dannet"),
    "api_token.create": _("API-nøgle oprettet"),
    "api_token.revoke": _("API-nøgle tilbagekaldt"),
    "admin.change": _("Ændret i administrationen"),
    "admin.delete": _("Slettet i administrationen"),
    "admin.password": _("Adgangskode sat i administrationen"),
}


def register_actions(labels: dict[str, Any]) -> None:
    """A module's own actions (``"democracy.ballot_vote"``) in words, for the audit log:
    called from the module's manifest, so the log never shows an action's key."""
    clash = {k for k, v in labels.items() if k in ACTIONS and ACTIONS[k] != v}
    if clash:
        raise ValueError(f"audit actions registered twice: {sorted(clash)}")
    ACTIONS.update(labels)


SYSTEM = "system"
SYSTEM_LABEL = _("Almen (automatisk)")
EMPTY = "–"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def action_label(action: str) -> str:
    """The action in words; an unknown key is shown without its punctuation."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    return capfirst(action.replace(".", " ").replace("_", " "))


def actor_label(label: str) -> str:
    return str(SYSTEM_LABEL) if label == SYSTEM else label


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    found: Any
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        # A foreign key is stored under its attname (``estate_id``).
        found = next((f for f in model._meta.concrete_fields if f.attname == name), None)
    return found if isinstance(found, models.Field) else None


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    if isinstance(field, models.DateTimeField | models.DateField) and isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        fmt = "DATETIME_FORMAT" if isinstance(field, models.DateTimeField) else "DATE_FORMAT"
        return str(formats.date_format(parsed, fmt))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)


def field_label(field: models.Field[Any, Any] | None, name: str) -> str:
    if field is not None:
        return capfirst(str(field.verbose_name))
    return capfirst(name.removesuffix("_id").replace("_", " "))


def changes(
    object_type: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[Change]:
    """Each field that differs, named and valued for people (foreign keys, whose values
    are ids, are left out)."""
    model = _model(object_type)
    before, after = before or {}, after or {}
    result = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) == after.get(name):
            continue
        field = _field(model, name)
        if field is not None and field.is_relation:
            continue  # an id says nothing to a person; the entry names the object
        shown = (_value(field, before.get(name)), _value(field, after.get(name)))
        if shown[0] == shown[1]:
            continue  # None and "" both read "–"
        result.append(
            Change(
                field_label(field, name),
                _value(field, before.get(name)),
                _value(field, after.get(name)),
            )
        )
    return result
