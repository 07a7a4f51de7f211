"""Production refuses to run its login protections on a per-process cache, and reads
the trusted-proxy settings from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.urls import reverse

from almen.accounts.checks import check_shared_cache

ROOT = Path(__file__).resolve().parents[3]
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
}
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-enough-secret-key-for-the-start-up-test-0123456789",
    "ALLOWED_HOSTS": "almen.example",
}


def _load_settings(extra: dict[str, str], expression: str = "'ok'") -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with exactly this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALMEN_", "REDIS_URL"))}
    env.pop("DEBUG", None)
    env.update(PRODUCTION_ENV)
    env.update(extra)
    code = f"import config.settings as s; print({expression})"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


# --- the deploy check ---------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_deploy_check_refuses_a_per_process_cache(backend: str) -> None:
    caches = {"default": {"BACKEND": backend, "LOCATION": "/tmp/almen-test-cache"}}  # noqa: S108
    with override_settings(DEBUG=False, ALMEN_SINGLE_PROCESS=False, CACHES=caches):
        errors = check_shared_cache()
    assert [e.id for e in errors] == ["almen.E001"]
    assert "TOTP" in errors[0].msg
    assert "REDIS_URL" in (errors[0].hint or "")


def test_deploy_check_is_registered_for_check_deploy() -> None:
    with override_settings(DEBUG=False, ALMEN_SINGLE_PROCESS=False, CACHES=LOCMEM):
        ids = [m.id for m in run_checks(include_deployment_checks=True)]
        assert "almen.E001" in ids
        # Not part of the ordinary checks (development runs on the memory cache).
        assert "almen.E001" not in [m.id for m in run_checks()]


@pytest.mark.parametrize(
    ("debug", "single_process", "caches"),
    [(False, False, REDIS), (False, True, LOCMEM), (True, False, LOCMEM)],
)
def test_deploy_check_passes_a_shared_cache_or_the_opt_out(
    debug: bool, single_process: bool, caches: dict
) -> None:
    with override_settings(DEBUG=debug, ALMEN_SINGLE_PROCESS=single_process, CACHES=caches):
        assert check_shared_cache() == []


# --- start-up -----------------------------------------------------------------------


def test_production_refuses_to_start_without_a_shared_cache() -> None:
    result = _load_settings({})
    assert result.returncode != 0
    assert "REDIS_URL must be set when DEBUG is off" in result.stderr
    assert "ALMEN_SINGLE_PROCESS=true" in result.stderr


@pytest.mark.parametrize(
    "extra",
    [{"REDIS_URL": "redis://127.0.0.1:6379/1"}, {"ALMEN_SINGLE_PROCESS": "true"}],
)
def test_production_starts_with_redis_or_the_single_process_opt_out(
    extra: dict[str, str],
) -> None:
    result = _load_settings(extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_single_process_opt_out_must_be_a_clear_boolean() -> None:
    result = _load_settings({"ALMEN_SINGLE_PROCESS": "maybe"})
    assert result.returncode != 0
    assert "ALMEN_SINGLE_PROCESS must be true or false" in result.stderr


# --- trusted proxy --------------------------------------------------------------------


def test_trusted_proxy_settings_come_from_the_environment() -> None:
    expression = "(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    result = _load_settings(
        {"ALMEN_SINGLE_PROCESS": "true", "TRUSTED_PROXY_COUNT": "2"}, expression
    )
    assert result.stdout.strip() == "(2, None)", result.stderr
    result = _load_settings(
        {"ALMEN_SINGLE_PROCESS": "true", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, expression
    )
    assert result.stdout.strip() == "(0, 'X-Real-IP')", result.stderr
    result = _load_settings({"ALMEN_SINGLE_PROCESS": "true"}, expression)
    assert result.stdout.strip() == "(0, None)", result.stderr


def _attempts_until_429(client: Client, client_ip: str) -> int:
    for attempt in range(1, 6):
        response = client.post(
            reverse("account_login"),
            {"login": "nobody@almen.test", "password": "forkert-adgangskode"},
            REMOTE_ADDR="10.0.0.1",  # the load balancer
            # The client forges an entry of its own; the balancer appends the real one.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {client_ip}",
        )
        if response.status_code == 429:
            return attempt
    return 0


@pytest.mark.django_db
@pytest.mark.parametrize(("proxies", "second_client_limited_at"), [(0, 1), (1, 3)])
def test_ip_rate_limits_count_the_client_behind_a_trusted_proxy(
    proxies: int, second_client_limited_at: int
) -> None:
    cache.clear()
    limits = {"login": "2/m/ip", "login_failed": "50/m/ip"}
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=proxies, ACCOUNT_RATE_LIMITS=limits):
        assert _attempts_until_429(Client(), "203.0.113.7") == 3
        # Another resident behind the same balancer: with the proxy trusted they have
        # their own budget; without, the balancer's address has used it up.
        assert _attempts_until_429(Client(), "198.51.100.9") == second_client_limited_at


# --- the locks ----------------------------------------------------------------------

_PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", re.M
)


def _pins(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a pip-compile lock."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return {
        m.group(1).lower().replace("_", "-"): (m.group(2), m.group(3).count("--hash="))
        for m in _PIN.finditer(text)
    }


def test_production_lock_has_no_dev_tools_and_the_dev_locks_pins() -> None:
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert "django" in production
    for tool in ("pytest", "mypy", "playwright", "hypothesis", "ruff", "schemathesis"):
        assert tool not in production, tool
        assert tool in development, tool
    # One set of versions: production is the dev lock minus the tools.
    assert {k: development[k][0] for k in production} == {k: v[0] for k, v in production.items()}
    # Every pin carries its hashes (pip's hash-checking mode refuses anything else).
    assert all(hashes for _, hashes in [*production.values(), *development.values()])
