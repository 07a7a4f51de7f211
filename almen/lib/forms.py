"""Small helpers for forms that call services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where possible, so the
    person sees each message next to what it is about."""
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.error_dict.items():
            target = field_name if field_name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_status(request: HttpRequest, form: forms.BaseForm) -> int:
    """A form sent back with errors is a 400, not a 200 (bad input is a client error)."""
    return 400 if request.method == "POST" and form.errors else 200
