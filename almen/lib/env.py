"""Strict readers for settings that come from the environment.

They fail closed: a value that cannot be parsed stops start-up with a message
naming the variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Query options that are Almen's own, not the database driver's.
_OWN_OPTIONS = ("conn_max_age", "test_name", "server_side_binding")


def _conn_max_age(options: dict[str, str]) -> int:
    raw = options.get("conn_max_age", "60")
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL option conn_max_age must be a whole number, not {raw!r}"
        ) from exc
    if value < 0:
        raise ImproperlyConfigured(f"DATABASE_URL option conn_max_age must be >= 0, not {value}")
    return value


def database_from_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user@host:port/name?opts`` into a DATABASES
    entry.

    ``conn_max_age`` (seconds, default 60) and ``test_name`` are Almen's own options.
    For PostgreSQL every other query option goes to the driver (``OPTIONS``), parsed by
    dj-database-url: ``?sslmode=require&sslrootcert=/etc/ssl/ca.pem&connect_timeout=5``.
    SQLite has its own, fixed options; anything else there stops start-up.
    """
    parsed = urlparse(url)
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    test_name = options.get("test_name") or None
    conn_max_age = _conn_max_age(options)
    if parsed.scheme == "sqlite":
        unknown = sorted(set(options) - set(_OWN_OPTIONS))
        if unknown:
            raise ImproperlyConfigured(
                f"DATABASE_URL options {', '.join(unknown)} are not supported for SQLite"
            )
        path = unquote(parsed.path)
        # sqlite:///db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        name_path = Path(path[1:])
        if not name_path.is_absolute():
            name_path = base_dir / name_path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name_path),
            "OPTIONS": {
                # WAL + NORMAL + IMMEDIATE: concurrent readers, no "database is locked"
                # surprises from lock upgrades, and ~2.5x the insert rate of WAL alone.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": test_name},
            # Reusing the connection skips re-opening the file and re-running the
            # PRAGMAs on every request: the one-query view went from ~690 to ~2,700
            # req/s with it (docs/performance.md).
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        try:
            config = dj_database_url.parse(url)
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
        driver_options = dict(config.get("OPTIONS") or {})
        for key in _OWN_OPTIONS:
            driver_options.pop(key, None)
        binding = options.get("server_side_binding", "true").lower()
        if binding not in {"true", "false"}:
            raise ImproperlyConfigured(
                f"DATABASE_URL option server_side_binding must be true or false, not {binding!r}"
            )
        # Server-side binding lets psycopg prepare a statement the fifth time a
        # connection runs it: PostgreSQL then stops re-planning the goal page's joins
        # on every request (docs/performance.md). ``?server_side_binding=false`` turns
        # it off (e.g. behind PgBouncer in transaction mode, which cannot keep them).
        if binding == "true":
            driver_options["server_side_binding"] = True
            # Django turns psycopg's prepared statements off unless asked (for poolers).
            driver_options.setdefault("prepare_threshold", 5)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": config.get("NAME") or "postgres",
            "USER": config.get("USER", ""),
            "PASSWORD": config.get("PASSWORD", ""),
            "HOST": config.get("HOST", ""),
            "PORT": str(config.get("PORT") or ""),
            # Persistent connections: without them a one-query view fell from
            # ~1,200 to ~110 req/s on these machines.
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": driver_options,
            "TEST": {"NAME": test_name},
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")
