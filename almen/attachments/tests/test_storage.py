"""Storage through Django's storage API: local files by default, S3-compatible object
storage (django-storages) when ATTACHMENTS_S3_BUCKET is set."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from django.core.files.storage import default_storage, storages
from django.test import override_settings

from almen.accounts.tests.test_deploy import ROOT
from almen.attachments import services
from almen.attachments.models import Attachment


def _storages(env: dict[str, str]) -> dict:
    code = "import json, config.settings as s; print(json.dumps(s.STORAGES['default']))"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DEBUG": "true", "PATH": "/usr/bin", **env},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_local_files_by_default() -> None:
    assert _storages({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_compatible_storage_when_configured() -> None:
    config = _storages(
        {
            "ATTACHMENTS_S3_BUCKET": "almen-bilag",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.dk",
            "AWS_S3_REGION_NAME": "eu-north-1",
            "AWS_ACCESS_KEY_ID": "AKIA-TEST",
            "AWS_SECRET_ACCESS_KEY": "hemmelig",
        }
    )
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["bucket_name"] == "almen-bilag"
    assert config["OPTIONS"]["endpoint_url"] == "https://s3.example.dk"
    assert config["OPTIONS"]["default_acl"] == "private"
    assert config["OPTIONS"]["file_overwrite"] is False
    # The configuration builds a real S3Storage (no network call is made to do so).
    with override_settings(STORAGES={"default": config}):
        from storages.backends.s3 import S3Storage

        storage = storages["default"]
        assert isinstance(storage, S3Storage)
        assert storage.bucket_name == "almen-bilag"
        assert storage.endpoint_url == "https://s3.example.dk"


def test_local_storage_round_trip(goal, tmp_path) -> None:
    """Through the service into a FileSystemStorage on disk and back."""
    data = b"Beslutning: ny legeplads.\n"
    with override_settings(
        MEDIA_ROOT=str(tmp_path),
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    ):
        attachment = services.attachment_add(
            actor=None, owner=goal, fileobj=io.BytesIO(data), name="b.txt", size=len(data)
        )
        name = str(attachment.file.name)
        assert Path(tmp_path, name).read_bytes() == data
        assert default_storage.exists(name)
        with Attachment.objects.get(pk=attachment.pk).file.open("rb") as f:
            assert f.read() == data
