"""The site pages every Danish public web service has: the accessibility statement,
the privacy policy, the cookie statement, a status page, and each organisation's
contact page (decision 0026). Public; Danish first, English complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_tasks_db.models import DBTaskResult

from almen.access.policy import principal
from almen.lib.forms import add_service_errors, form_status
from almen.register import access as register_access
from almen.register import services as register_services
from almen.register.models import Organisation

# When the statement and the policies were last reviewed (shown on the pages).
STATEMENT_DATE = dt.date(2026, 12, 1)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/site/accessibility.html",
        {
            "date": STATEMENT_DATE,
            "contact_email": settings.SITE_CONTACT_EMAIL,
            "contact_phone": settings.SITE_CONTACT_PHONE,
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/site/privacy.html",
        {
            "date": STATEMENT_DATE,
            "moved_out_days": settings.PRIVACY_MOVED_OUT_RETENTION_DAYS,
            "import_file_days": settings.IMPORT_FILE_RETENTION_DAYS,
        },
    )


# --- cookies ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str | Promise
    lifetime: str


def _lifetime(seconds: int | None) -> str:
    """A cookie's lifetime in words (None: until the browser is closed)."""
    if seconds is None:
        return gettext("Til du lukker browseren")
    days = seconds // 86400
    if days >= 364:
        years = round(days / 365)
        return ngettext("%(n)d år", "%(n)d år", years) % {"n": years}
    if days >= 7 and days % 7 == 0:
        weeks = days // 7
        return ngettext("%(n)d uge", "%(n)d uger", weeks) % {"n": weeks}
    return ngettext("%(n)d dag", "%(n)d dage", days) % {"n": days}


def cookies_set() -> list[Cookie]:
    """The cookies Almen sets, read from the settings that name them."""
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _(
                "Holder dig logget ind, mens du bruger Almen. Sættes først, når du logger ind "
                "eller beder om en kode."
            ),
            gettext("Til du lukker browseren, eller højst %(age)s hvis du vælger »Husk mig«")
            % {"age": _lifetime(settings.SESSION_COOKIE_AGE).lower()},
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _(
                "Beskytter formularer mod at blive sendt fra andre hjemmesider "
                "(sikkerhed mod forfalskede forespørgsler)."
            ),
            _lifetime(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Husker, om du har valgt dansk eller engelsk. Sættes kun, hvis du skifter sprog."),
            _lifetime(settings.LANGUAGE_COOKIE_AGE),
        ),
        Cookie(
            "messages",
            _("Viser en besked på næste side, fx »Gemt«. Slettes, når beskeden er vist."),
            gettext("Til du lukker browseren"),
        ),
    ]


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/site/cookies.html", {"cookies": cookies_set(), "date": STATEMENT_DATE}
    )


# --- status -----------------------------------------------------------------------

# A task that has waited longer than this means the worker is behind or not running.
QUEUE_LATE_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise
    ok: bool
    text: str


def _database() -> Check:
    label = _("Databasen")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not available"
        return Check("database", label, False, gettext("Databasen svarer ikke."))
    return Check("database", label, True, gettext("Databasen svarer."))


def _cache() -> Check:
    label = _("Mellemlager (log ind og koder)")
    key = "almen:status:probe"
    try:
        cache.set(key, "ok", 10)
        works = cache.get(key) == "ok"
    except Exception:  # a cache that raises is as good as none
        works = False
    if not works:
        return Check(
            "cache",
            label,
            False,
            gettext("Mellemlageret svarer ikke: det kan være svært at logge ind."),
        )
    return Check("cache", label, True, gettext("Mellemlageret svarer."))


def _queue() -> Check:
    label = _("Baggrundsjob (import, rapporter, e-mails)")
    try:
        waiting = DBTaskResult.objects.ready()
        count = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception:  # the queue's table is the database's
        return Check("queue", label, False, gettext("Køen kan ikke læses."))
    if not count:
        return Check("queue", label, True, gettext("Ingen job venter."))
    minutes = int((timezone.now() - oldest).total_seconds() // 60) if oldest else 0
    late = oldest is not None and timezone.now() - oldest > QUEUE_LATE_AFTER
    text = ngettext(
        "%(count)d job venter; det ældste har ventet %(minutes)d min.",
        "%(count)d job venter; det ældste har ventet %(minutes)d min.",
        count,
    ) % {"count": count, "minutes": minutes}
    if late:
        text += " " + gettext("Det er længere end normalt: baggrundsjob kan være forsinkede.")
    return Check("queue", label, not late, text)


def checks() -> list[Check]:
    return [_database(), _cache(), _queue()]


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """/healthz in plain language (the JSON stays for load balancers)."""
    results = checks()
    healthy = all(check.ok for check in results)
    return render(
        request,
        "web/site/status.html",
        {"checks": results, "healthy": healthy, "checked_at": timezone.now()},
        status=200 if healthy else 503,
    )


# --- contact per organisation -----------------------------------------------------


@require_GET
def organisation_contact(request: HttpRequest, cvr: str) -> HttpResponse:
    organisation = register_access.organisation_for_view(request, cvr)
    return render(
        request,
        "web/site/contact.html",
        {
            "organisation": organisation,
            "can_edit": principal(request).is_staff_of(organisation.pk),
            "can_reach": bool(organisation.contact_email or organisation.contact_phone),
        },
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(register_services.ORGANISATION_CONTACT_FIELDS)
        labels = {
            "address": _("Adresse"),
            "postal_code": _("Postnummer"),
            "city": _("By"),
            "contact_email": _("E-mail"),
            "contact_phone": _("Telefon"),
            "website": _("Hjemmeside"),
            "opening_hours": _("Åbningstider"),
        }
        help_texts = {
            "address": _("Gade og nummer, fx Rådhuspladsen 1."),
            "contact_email": _("Den adresse, beboere skriver til, fx kontakt@boligselskab.dk."),
            "website": _("Med https://, fx https://www.boligselskab.dk."),
            "opening_hours": _("Hvornår man kan ringe eller komme forbi, fx Man–tors 9–15."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-input")
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"

    def _post_clean(self) -> None:
        # The service validates and saves; the form only parses.
        pass


@never_cache
@require_http_methods(["GET", "POST"])
def organisation_contact_edit(request: HttpRequest, cvr: str) -> HttpResponse:
    """The organisation's staff keep its contact details up to date (audited)."""
    organisation = register_access.organisation_for_staff(request, cvr)
    form = ContactForm(request.POST if request.method == "POST" else None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            register_services.organisation_contact_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Kontaktoplysningerne er gemt."))
            return redirect("web:organisation_contact", cvr=organisation.cvr)
    return render(
        request,
        "web/site/contact_form.html",
        {"organisation": organisation, "form": form},
        status=form_status(request, form),
    )
