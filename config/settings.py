"""Settings for Almen, read from the environment (see .env.example).

Fails closed: production (DEBUG off) refuses to start without SECRET_KEY,
ALLOWED_HOSTS and a shared cache (REDIS_URL, or ALMEN_SINGLE_PROCESS=true), and
malformed values stop start-up with the variable's name.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from almen.lib.env import database_from_url, env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who answers for the site (the accessibility statement's feedback contact): the
# operator's e-mail and phone. Empty: the statement points to the organisations' own
# contact pages.
SITE_CONTACT_EMAIL = env("SITE_CONTACT_EMAIL")
SITE_CONTACT_PHONE = env("SITE_CONTACT_PHONE")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks_db",
    # Ours, ground floor first: an app may import only apps above it in this list.
    "almen.audit",
    "almen.accounts",
    "almen.notify",
    "almen.access",
    "almen.register",
    "almen.attachments",
    "almen.imports",
    "almen.goals",
    "almen.dialogue",
    "almen.reports",
    "almen.people",
    "almen.democracy",
    "almen.green",
    "almen.api",
    "almen.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Danish unless the person chose English (not the browser's Accept-Language):
    # decision 0026.
    "almen.accounts.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "almen.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "almen.access.middleware.RequireStaffMfaMiddleware",
    "almen.access.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Widgets render through the project's templates, so every checkbox and radio uses Det
# Fælles Designsystem's markup (almen/templates/django/forms/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "almen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"almen_ui": "almen.lib.ui"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "almen.web.context_processors.context",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env("DATABASE_URL", "sqlite:///var/almen.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
# Login rate limits, TOTP replay protection and login codes live in the cache. A
# per-process cache lets every gunicorn worker count (and accept a TOTP code) on its
# own, so production needs a shared one (Redis) unless it really runs as one process.
ALMEN_SINGLE_PROCESS = env_bool("ALMEN_SINGLE_PROCESS", False)
if not DEBUG and not REDIS_URL and not ALMEN_SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off: login rate limits and TOTP replay "
        "protection need a cache shared by all processes. Only if Almen runs as a single "
        "process (one worker), set ALMEN_SINGLE_PROCESS=true instead."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_PREFIX", "almen"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# --- django-allauth --------------------------------------------------------------
ACCOUNT_ADAPTER = "almen.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "almen.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# Residents log in with a one-time code sent by e-mail: no password to remember.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "request_login_code": "5/m/ip,3/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    # The activation letter's code (almen/people): guessing codes is refused early.
    "activate_code": "10/m/ip,60/h/ip",
}
# The client IP for allauth's per-IP rate limits. Behind a load balancer every request
# comes from the balancer's address; name how many proxies you run (their
# X-Forwarded-For entries are trusted, counted from the right) or the header your proxy
# sets to the client's address (e.g. X-Real-IP). Neither: REMOTE_ADDR, X-Forwarded-For
# ignored (it can be forged).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Almen] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Almen"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# An organisation's MitID broker (or any OpenID Connect provider), from the environment.
OIDC_PROVIDER_ID = env("OIDC_PROVIDER_ID", "mitid")
OIDC_SERVER_URL = env("OIDC_SERVER_URL")
SOCIALACCOUNT_PROVIDERS: dict[str, object] = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": env("OIDC_NAME", "MitID"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "scope": env_list("OIDC_SCOPES", "openid,email,profile"),
                },
            }
        ],
    }

# --- e-mail ---------------------------------------------------------------------
_EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    # Development: each e-mail printed as it reads (the login code on its own line).
    "almen.lib.devmail.ReadableConsoleBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Almen <noreply@almen.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- i18n -------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "almen" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Copenhagen"

# --- static -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Uploaded files (attachments, import files) go through Django's storage API: local
# files under MEDIA_ROOT by default, S3-compatible object storage (django-storages)
# when ATTACHMENTS_S3_BUCKET is set. Files are never served from a public media URL:
# every download goes through the access policy (almen/attachments/views.py).
ATTACHMENTS_S3_BUCKET = env("ATTACHMENTS_S3_BUCKET")
_DEFAULT_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if ATTACHMENTS_S3_BUCKET:
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "location": env("ATTACHMENTS_S3_PREFIX", ""),
            # Private objects, no public URLs: Almen streams every download itself.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Register files up to 200 MB are accepted (they stream to disk, not memory).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# Attachments (almen/attachments): the largest file accepted (a bigger upload is
# refused before its body is read), and the virus scanners every file passes through
# (dotted paths of callables; CLAMD_SOCKET adds the ClamAV scanner). None configured:
# files are stored as "not scanned".
ATTACHMENTS_MAX_BYTES = env_int("ATTACHMENTS_MAX_BYTES", 25 * 1024 * 1024)
CLAMD_SOCKET = env("CLAMD_SOCKET")
ATTACHMENTS_SCANNERS = env_list("ATTACHMENTS_SCANNERS") + (
    ["almen.attachments.scan.ClamdScanner"] if CLAMD_SOCKET else []
)
# Files above this many rows are processed by the worker, with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000)
# A readings file at least this big that is checked and written in one pass (the
# command, the worker) is copied into the readings while it is checked, on PostgreSQL
# (decision 0038); smaller ones are checked first, then written.
GREEN_STREAM_MIN_BYTES = env_int("GREEN_STREAM_MIN_BYTES", 16 * 1024 * 1024)
# Privacy (docs/privacy.md): uploaded import files are deleted this many days after
# their run finished; moved-out households' personal data is anonymised after the
# minutes deadline of the next ordinary meeting, or after this many days if set.
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)
PRIVACY_MOVED_OUT_RETENTION_DAYS: int | None = (
    env_int("PRIVACY_MOVED_OUT_RETENTION_DAYS", 0)
    if env("PRIVACY_MOVED_OUT_RETENTION_DAYS").strip()
    else None
)
# A commit that ends more than this share of an estate's households, or empties one,
# needs a confirmation that names the numbers (see
# docs/decisions/0014-import-scope-and-confirmation.md).
IMPORT_MOVE_OUT_CONFIRM_SHARE = env_int("IMPORT_MOVE_OUT_CONFIRM_PERCENT", 10) / 100
# XLSX archives are checked before they are opened (lib/tabular.check_xlsx): entries,
# unpacked size (per entry, shared strings, all together) and compression ratio.
TABULAR_XLSX_MAX_ENTRIES = env_int("TABULAR_XLSX_MAX_ENTRIES", 1000)
TABULAR_XLSX_MAX_ENTRY_BYTES = env_int("TABULAR_XLSX_MAX_ENTRY_BYTES", 500 * 1024 * 1024)
TABULAR_XLSX_MAX_SHARED_STRINGS_BYTES = env_int(
    "TABULAR_XLSX_MAX_SHARED_STRINGS_BYTES", 200 * 1024 * 1024
)
TABULAR_XLSX_MAX_TOTAL_BYTES = env_int("TABULAR_XLSX_MAX_TOTAL_BYTES", 1000 * 1024 * 1024)
TABULAR_XLSX_MAX_RATIO = env_int("TABULAR_XLSX_MAX_RATIO", 100)
# A web request parses no XLSX bigger than this unpacked; bigger ones go to the worker.
TABULAR_XLSX_INLINE_BYTES = env_int("TABULAR_XLSX_INLINE_BYTES", 20 * 1024 * 1024)
# Board and municipality packs with more goals than this are rendered by the worker.
REPORT_BACKGROUND_GOALS = env_int("REPORT_BACKGROUND_GOALS", 30)

# --- security -----------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "almen.accounts.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *env_list("CSP_FORM_ACTION")],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMINS = env_list("ADMINS")

# REST API rate limits (almen.api.throttling): per client address for calls without a
# token, per token for calls with one. "N/s", "N/min", "N/hour" or "N/day"; empty: no
# limit. Answers beyond the limit are 429 with Retry-After.
API_THROTTLE_RATES = {
    "anonymous": env("API_THROTTLE_ANONYMOUS", "600/min") or None,
    "token": env("API_THROTTLE_TOKEN", "3000/min") or None,
}
# How many reverse proxies of ours add to X-Forwarded-For in front of the app (0: use
# the connection's address). Behind one proxy, set 1, or all clients share one count.
API_NUM_PROXIES = env_int("API_NUM_PROXIES", 0)
