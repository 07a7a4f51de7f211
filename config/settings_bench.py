"""Settings for the benchmarks in bench/ (never for production): the real settings with
DEBUG off, a fixed key, plain HTTP on 127.0.0.1 and two ceiling views (config.urls_bench).

The database is whatever DATABASE_URL says; bench/run.py points it at a dedicated
benchmark database (var/bench.sqlite3 or PostgreSQL ``almen_bench``).
"""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "false"
# The bench measures the app, not login protection: a per-process cache is allowed here.
os.environ.setdefault("ALMEN_SINGLE_PROCESS", "true")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.urls_bench"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The bench sends session cookies over plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# A diagnostic knob: BENCH_CONN_MAX_AGE overrides the database's persistent-connection
# setting (0 on SQLite by default: a new connection per request).
if os.environ.get("BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])  # noqa: F405
