"""Attachment pages: an owner's files (list and upload), the download and the
removal. Every URL asks the owner's module (``access.py``) first."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from almen.attachments import access, services, uploads, validation
from almen.attachments.access import Owned
from almen.attachments.forms import AttachmentForm
from almen.attachments.models import AttachmentKind
from almen.attachments.selectors import attachments_for_page
from almen.lib.forms import add_service_errors


def owner_url(owned: Owned) -> str:
    return reverse("attachments:owner", args=[owned.kind.key, owned.kind.url_key(owned.owner)])


def _owner_page(
    request: HttpRequest, owned: Owned, form: AttachmentForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "attachments/owner.html",
        {
            "owned": owned,
            "title": owned.kind.title(owned.owner),
            "back": owned.kind.page_url(owned.owner),
            "section": section_context(owned, form, on_owner_page=True),
        },
        status=status,
    )


def back_url(request: HttpRequest, owned: Owned) -> str:
    """Where to go after an upload or removal: the attachments page when it was sent
    from there, else the owner's own page, at its attachments."""
    if request.POST.get("back") == "bilag":
        return owner_url(owned)
    url = owned.kind.page_url(owned.owner)
    return url if "#" in url else f"{url}#bilag"


def section_context(
    owned: Owned, form: AttachmentForm | None = None, *, on_owner_page: bool = False
) -> dict[str, object]:
    return {
        "on_owner_page": on_owner_page,
        "rows": attachments_for_page(owned.kind, owned.owner),
        "can_manage": owned.can_manage,
        "form": form or (AttachmentForm() if owned.can_manage else None),
        "upload_url": owner_url(owned),
        "max_mb": validation.max_mb(),
        "allowed": validation.allowed_text_for(owned.kind.types),
        "accept": validation.accept_for(owned.kind.types),
    }


def _refuse_too_big(request: HttpRequest, owned: Owned) -> HttpResponse:
    # The upload was not read: the form shows nothing but this error.
    form = AttachmentForm(data={"kind": AttachmentKind.OTHER})
    form.errors.clear()
    form.errors["file"] = form.error_class([validation.too_big_message()])
    return _owner_page(request, owned, form, status=413)


# The CSRF check reads the request body; an upload must first be authorised and its
# size looked at, so the check runs inside, after that (Django's documented pattern
# for changing upload handlers).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def owner_attachments(request: HttpRequest, kind: str, owner: str) -> HttpResponse:
    if request.method != "POST":
        return _owner_page(request, access.owner_for_view(request, kind, owner))
    owned = access.owner_for_manage(request, kind, owner)
    if uploads.declared_too_big(request):
        return _refuse_too_big(request, owned)
    handler = uploads.LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _upload(request, owned, handler)


@csrf_protect
def _upload(
    request: HttpRequest, owned: Owned, handler: uploads.LimitedUploadHandler
) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    if handler.too_big:
        return _refuse_too_big(request, owned)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attachment = services.attachment_add(
                actor=request.user,
                owner=owned.owner,
                fileobj=upload,
                name=upload.name or "",
                size=upload.size or 0,
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) is not None or not hasattr(exc, "error_dict"):
                form.add_error("file", exc)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s er lagt op.") % {"name": attachment.original_name}
            )
            return redirect(back_url(request, owned))
    status = 413 if any(e.code == "too_big" for e in form.errors.as_data().get("file", [])) else 400
    return _owner_page(request, owned, form, status=status)


@require_GET
def download(request: HttpRequest, attachment_id: UUID) -> HttpResponseBase:
    attachment, _owned = access.attachment_for_view(request, attachment_id)
    try:
        stream = attachment.file.open("rb")
    except OSError:
        raise Http404(_("Filen findes ikke længere.")) from None
    response = FileResponse(
        stream,
        as_attachment=True,  # never shown inline: no HTML, no script, from our origin
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, attachment_id: UUID) -> HttpResponse:
    attachment, owned = access.attachment_for_manage(request, attachment_id)
    if request.method == "POST":
        services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("%(name)s er slettet.") % {"name": attachment.original_name})
        return redirect(back_url(request, owned))
    return render(
        request,
        "attachments/delete.html",
        {
            "attachment": attachment,
            "owned": owned,
            "back": owned.kind.page_url(owned.owner),
            "back_to_list": request.GET.get("back") == "bilag",
        },
    )
