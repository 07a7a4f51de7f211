"""Adding and removing attachments. Every file is checked (size, type from its bytes,
a name that agrees) and scanned before anything is stored; a refused file leaves
nothing behind but, when a scanner found something, an audit entry."""

from __future__ import annotations

import logging
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from almen.attachments import scan, validation
from almen.attachments.models import Attachment, AttachmentKind, ScanStatus
from almen.attachments.owners import OwnerKind, kind_of
from almen.audit.services import audit_record, snapshot

log = logging.getLogger(__name__)

AUDITED = ("owner_type_id", "owner_id", "original_name", "mime_type", "size", "sha256", "kind")


def _kind(owner: Any) -> OwnerKind:
    kind = kind_of(owner)
    if kind is None:
        raise ValueError(f"{type(owner).__name__} takes no attachments (no OwnerKind)")
    return kind


def attachment_add(
    *,
    actor: Any,
    owner: Any,
    fileobj: IO[bytes],
    name: str,
    size: int,
    kind: str = AttachmentKind.OTHER,
) -> Attachment:
    """Check, scan and store one file on ``owner``. Raises ValidationError (with a
    message for the person) for a file that is refused; then nothing is stored."""
    owner_kind = _kind(owner)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Vælg hvad slags bilag det er.")})
    if size <= settings.ATTACHMENTS_MAX_BYTES:  # too big: check() says so first
        validation.check_owner_types(name, owner_kind.types)
    checked = validation.check(fileobj, name=name, size=size)
    validation.check_owner_types(checked, owner_kind.types)
    organisation_id = owner_kind.organisation_id(owner)
    try:
        verdicts = scan.scan(fileobj)
    except scan.ScannerUnavailable as exc:
        log.warning("attachment scanner unavailable: %s", exc)
        raise ValidationError(
            _("Filen kunne ikke virusscannes lige nu, så den er ikke gemt. Prøv igen om lidt."),
            code="scan_unavailable",
        ) from exc
    found = next((v for v in verdicts if not v.clean), None)
    if found is not None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="refuse",
                obj=owner,
                organisation_id=organisation_id,
                after={
                    "attachment": checked.name,
                    "size": checked.size,
                    "sha256": checked.sha256,
                    "scanner": found.scanner,
                    "finding": found.finding,
                },
            )
        raise ValidationError(
            _(
                "Virusscanningen fandt noget i filen (%(finding)s), så den er afvist. "
                "Filen er ikke gemt."
            )
            % {"finding": found.finding or _("ukendt")},
            code="infected",
        )
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(type(owner)),
        owner_id=owner.pk,
        organisation_id=organisation_id,
        original_name=checked.name,
        mime_type=checked.type.mime,
        size=checked.size,
        sha256=checked.sha256,
        kind=kind,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        scan_status=ScanStatus.CLEAN if verdicts else ScanStatus.NOT_SCANNED,
        scanned_by=",".join(v.scanner for v in verdicts)[:100],
    )
    stored = ""
    try:
        with transaction.atomic():
            ext = checked.type.extensions[0]
            fileobj.seek(0)
            attachment.file.save(f"bilag.{ext}", File(fileobj), save=False)
            stored = attachment.file.name or ""
            attachment.save()
            audit_record(
                actor=actor,
                action="create",
                obj=attachment,
                organisation_id=organisation_id,
                after=snapshot(attachment, AUDITED),
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)  # nothing half-saved
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove the row (audited) and, once that is committed, the bytes."""
    before = snapshot(attachment, AUDITED)
    name = attachment.file.name or ""
    audit_record(
        actor=actor,
        action="delete",
        obj=attachment,
        organisation_id=attachment.organisation_id,
        before=before,
    )
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
