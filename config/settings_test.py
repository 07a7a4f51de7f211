"""Test settings: the real settings with the fast, deterministic parts swapped in.

The database stays whatever DATABASE_URL says (SQLite by default, PostgreSQL in CI):
tests run against the real engine, never a mock.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from config import settings as _base
from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Uploaded files on disk, in a directory of this run's own (each test worker gets
# one): the real local storage, which keeps its files when a test overrides STORAGES.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="almen-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:  # noqa: F405
    # Parallel test workers share one Redis server: give each its own database (and key
    # prefix), so that one worker's cache.clear() (FLUSHDB) between tests, cache
    # invalidation or rate-limit counter never touches another's. gw0 → /1, gw1 → /2 …;
    # a run without xdist uses /15.
    from urllib.parse import urlsplit, urlunsplit

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    _index = int(_worker[2:]) + 1 if _worker[2:].isdigit() else 15
    _url = urlsplit(REDIS_URL)  # noqa: F405
    CACHES = {
        "default": {
            **_base.CACHES["default"],
            "LOCATION": urlunsplit(_url._replace(path=f"/{_index % 16}")),
            "KEY_PREFIX": f"{_base.CACHES['default']['KEY_PREFIX']}-{_worker}",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits are tested on purpose in their own test; elsewhere they only add noise.
ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,  # noqa: F405
    "login_failed": "50/m/ip",
    "activate_code": "500/m/ip",
}
API_THROTTLE_RATES = {"anonymous": None, "token": None}
IMPORT_BACKGROUND_ROWS = 50

# A real OpenID Connect provider (django-oauth-toolkit) for the OIDC login test; its
# URLs are mounted only by almen/accounts/tests/oidc_urls.py. The signing key is made
# fresh for each run.
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]  # noqa: F405
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "OIDC_RSA_PRIVATE_KEY": rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode(),
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profil"},
    "OAUTH2_VALIDATOR_CLASS": "almen.accounts.tests.oidc_provider.BrokerValidator",
}
