"""A person's choice of messages per kind, and the one-click unsubscribe link that every
e-mail carries (no login: the signed link is the proof)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from almen.lib import notifications
from almen.lib.notifications import Preference
from almen.notify import services
from almen.notify.models import NotificationPreference


def _choice_labels() -> list[tuple[str, str]]:
    return [
        (Preference.IMMEDIATE.value, _("Med det samme")),
        (Preference.DAILY.value, _("Samlet én gang om dagen")),
        (Preference.OFF.value, _("Fra")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.pk is not None  # login_required
    kinds = notifications.kinds()
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "preference")
    )
    everything_off = chosen.get(services.ALL_KINDS) == Preference.OFF
    errors: dict[str, str] = {}
    if request.method == "POST":
        choices: dict[str, str] = {}
        valid = {value for value, _label in _choice_labels()}
        for kind in kinds:
            value = request.POST.get(kind.key, "")
            if value not in valid:
                errors[kind.key] = _("Vælg, hvordan du vil have denne besked.")
            choices[kind.key] = value
        if not errors:
            services.preferences_set(actor=user, choices=choices)
            messages.success(request, _("Dine valg er gemt."))
            return redirect("notify:preferences")
        chosen.update(choices)
    rows = [
        {
            "kind": kind,
            "value": chosen.get(kind.key, kind.default.value),
            "error": errors.get(kind.key, ""),
        }
        for kind in kinds
    ]
    response = render(
        request,
        "notify/preferences.html",
        {
            "rows": rows,
            "choices": _choice_labels(),
            "everything_off": everything_off,
            "errors": errors,
        },
    )
    if errors:
        response.status_code = 400
    return response


@csrf_exempt  # the signed link is the proof; mail clients' one-click POST has no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, signed: str) -> HttpResponse:
    """GET asks (link checkers and previews must not unsubscribe anyone); POST, from
    the page's button or a mail client's one-click (RFC 8058), unsubscribes."""
    payload = services.unsubscribe_read(signed)
    if payload is None:
        raise Http404
    kind = payload["k"]
    label = (
        _("alle beskeder fra Almen")
        if kind == services.ALL_KINDS
        else str(notifications.get(kind).label)
    )
    done = False
    if request.method == "POST":
        if services.unsubscribe_apply(token=signed) is None:
            raise Http404
        done = True
    return render(request, "notify/unsubscribe.html", {"label": label, "done": done})
