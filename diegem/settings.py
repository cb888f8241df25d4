"""Settings for the DieGem practice bank: one file, driven by the environment.

Every value that differs between a laptop, CI and production comes from an
environment variable, read through the small typed helpers below. They refuse
values they cannot read instead of guessing. With nothing set, a fresh checkout
runs on the embedded PostgreSQL in .postgres/ with DEBUG off; `make run` sets
DEBUG=true for the local server.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from diegem.lib import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable as a string, or the default when it is not set."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; anything but a clear yes or no is refused."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Return the variable as an integer of at least `minimum`."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Return a comma-separated list of IP addresses or CIDR networks, each checked."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DEBUG=true to use a development key on your own machine."
        )
    SECRET_KEY = "django-insecure-development-key-for-local-use-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty: list the host names the site answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form: the site's page, with what was typed given back (diegem.views).
CSRF_FAILURE_VIEW = "diegem.views.csrf_failure"

# The public address of the site, used in e-mails, feeds and the annotation API
# (absolute IRIs). Requests build their own absolute URLs; this is for
# management commands and mails sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "diegem.lib.admin.AdminConfig",  # django.contrib.admin with a site that guards every list
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "cases.taggit_app.KeywordsConfig",  # django-taggit, named "Trefwoorden" in the admin
    "axes",
    "reversion",
    "diegem.lib",  # the site's mechanisms (label "sitelib"): imports no app
    "frameworks",
    "cases",
    "annotations",
    "diegem",
]

MIDDLEWARE = [
    # First: a load balancer asks for /gezond/ by address, over HTTP (diegem.lib.health).
    "diegem.lib.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache's answer: what says nothing of caching says no-cache.
    "diegem.lib.middleware.RevalidatePublicMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "diegem.lib.middleware.DropNulCookiesMiddleware",  # before the session reads its cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The address says the language: /fr/…, /en/…, else Dutch (diegem.lib.languages).
    "diegem.lib.languages.LanguageFromAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the page cache's answer, which gets the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page the page cache holds is answered here, for an anonymous reader: nothing below
    # (the reader, their messages, the view) is needed for it (diegem.lib.caching).
    "diegem.lib.caching.PageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Above what answers early below it (a refused NUL): it reads cookies only.
    "diegem.lib.middleware.PrivateForUsersMiddleware",
    # After the user and messages are known (the error page shows the header), before any view.
    "diegem.lib.middleware.RejectNulBytesMiddleware",
    # A page for a 405, which Django sends empty (it shows the header: below the reader).
    "diegem.lib.middleware.MethodNotAllowedPageMiddleware",
    # Facts about the reader read once per GET (diegem.lib.request_memo).
    "diegem.lib.request_memo.RequestMemoMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# `make bench`: server timing headers, a hello-world yardstick, cold requests.
BENCHMARK = env_bool("BENCHMARK", False)
if BENCHMARK:
    MIDDLEWARE.insert(0, "diegem.benchmark.ServerTimingMiddleware")

ROOT_URLCONF = "diegem.urls"
WSGI_APPLICATION = "diegem.wsgi.application"
ASGI_APPLICATION = "diegem.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            "string_if_invalid": "",
        },
    },
]

# Databases: DATABASE_URL (e.g. postgres://user:pass@host:5432/diegem), or else the
# embedded PostgreSQL of `make run`, whose data and socket live in EMBEDDED_DATABASE_DIR
# (None when DATABASE_URL is set). manage.py starts that server for as long as a
# command runs, and the last command to end stops it (diegem.lib.embedded_db).
_database_url = env_str("DATABASE_URL")  # not a setting: the debug page would show its password
EMBEDDED_DATABASE_DIR = (
    None
    if _database_url
    else Path(env_str("EMBEDDED_DATABASE_DIR") or BASE_DIR / ".postgres").resolve()
)
DATABASES = {
    "default": dj_database_url.parse(
        _database_url or embedded_db.url(EMBEDDED_DATABASE_DIR, "diegem"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# A database that does not answer a connection within this many seconds is down: pages and
# `/gezond/` say so instead of waiting out the network's retries.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first, translatable always: message ids are written in Dutch.
LANGUAGE_CODE = "nl"
# Each named in its own language (the switcher's links); French and English pages live under
# /fr/ and /en/, Dutch without a prefix (diegem.lib.languages).
LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]
# The French and English catalogues of every interface string, and Dutch for what Django
# ships untranslated (e.g. "- Select an option -"); inside the diegem package, where the
# layout puts site-wide code. It outranks every other catalogue.
LOCALE_PATHS = [BASE_DIR / "diegem" / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (run collectstatic first);
        # plain files while developing and testing.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Content Security Policy (Django's own middleware): no inline script or style
# anywhere; the few scripts we have are files loaded with the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's database sessions, read with a prepared query (diegem.lib.sessions).
SESSION_ENGINE = "diegem.lib.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# Both promise browsers HTTPS for longer than a deployment lasts: every subdomain,
# and (preload) a place in the browsers' built-in list. Set them knowingly.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    # Only when a proxy in front of gunicorn sets this header and strips it
    # from client requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies whose X-Forwarded-For is believed, as addresses or networks:
# the client address for login lockouts and limits (diegem.lib.client_address).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Caches: per process by default. Cached pages are keyed by the content version
# (diegem.lib.caching), so a per-process cache is always correct; a shared cache
# (CACHE_URL=redis://host:6379/0, Django's own Redis backend) saves the work across
# processes and app servers. Limits on requests are counted in the database either way
# (diegem.lib.throttle), exact under concurrency.
_cache_url = env_str("CACHE_URL", "")  # not a setting: the debug page would show its password
if _cache_url:
    _cache_parts = urlsplit(_cache_url)
    if _cache_parts.scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"CACHE_URL (scheme {_cache_parts.scheme!r}) is not a Redis address: use "
            "redis://host:6379/0, rediss://… (TLS) or unix:///path/to/redis.sock, or leave it "
            "unset for a cache per process."
        )
    _cache_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    if _cache_parts.password:  # in OPTIONS, whose "password" the debug page hides
        _cache_options["password"] = unquote(_cache_parts.password)
        _cache_parts = _cache_parts._replace(netloc=_cache_parts.netloc.rsplit("@", 1)[1])
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_parts.geturl(),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "diegem"),
            # A cache that does not answer within two seconds is down: pages are made without
            # it (diegem.lib.caching) and `/gezond/` says so.
            "OPTIONS": _cache_options,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 3000, minimum=10)},
        }
    }
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# Large downloads built once per content version (the REFI-QDA project): `diegem.lib.built_files`.
BUILT_FILES_DIR = Path(env_str("BUILT_FILES_DIR", str(BASE_DIR / "var" / "built-files")))
BUILT_FILES_SECONDS = env_int("BUILT_FILES_SECONDS", 3600)

# Imports carry a spreadsheet of up to 5 MB from the dry run to the real run, in base64.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins that are locked out.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading less: the signed-in user with their permissions in one query.
    "diegem.lib.permissions.SiteBackend",
    # For sessions signed in before SiteBackend was listed (they name their backend).
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins for one user name from one address are locked out for a while.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The real client behind our proxies, not the proxy: otherwise anyone locks anyone out.
AXES_CLIENT_IP_CALLABLE = "diegem.lib.client_address.client_network"
# A user name cut to the 255 characters django-axes stores (longer ones are no account's).
AXES_USERNAME_CALLABLE = "diegem.accounts.axes_username"
AXES_VERBOSE = False
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7  # invitation and reset links last a week
# Requests for a reset link: per client address and per typed e-mail address, per hour.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 5, minimum=1)
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env_int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3, minimum=1)

# Annotations: limits that keep the margin readable and the moderators' queue sane.
ANNOTATION_BODY_MAX_LENGTH = env_int("ANNOTATION_BODY_MAX_LENGTH", 5000, minimum=100)
ANNOTATION_SUBMISSIONS_PER_HOUR = env_int("ANNOTATION_SUBMISSIONS_PER_HOUR", 10, minimum=1)
FLAGS_PER_HOUR = env_int("FLAGS_PER_HOUR", 20, minimum=1)
# Workshop codes nobody has, typed or followed from one address in an hour; then no code is
# looked up for it until the hour has passed, but for participants already in a session
# (a room behind one address makes a few typos).
WORKSHOP_WRONG_CODES_PER_HOUR = env_int("WORKSHOP_WRONG_CODES_PER_HOUR", 60, minimum=1)
FLAGS_TO_HIDE = env_int("FLAGS_TO_HIDE", 3, minimum=1)
# Workshops ("Waar staat uw praktijk?" together): answers per session, how long a session stays
# open, and how many days a closed session's aggregate is kept.
WORKSHOP_MAX_PARTICIPANTS = env_int("WORKSHOP_MAX_PARTICIPANTS", 200, minimum=1)
WORKSHOP_OPEN_HOURS = env_int("WORKSHOP_OPEN_HOURS", 12, minimum=1)
WORKSHOP_RETENTION_DAYS = env_int("WORKSHOP_RETENTION_DAYS", 30, minimum=1)

# Notifications (annotations.notification_services): `manage.py send_digests` sends daily
# digests from this hour (local time) on, weekly ones from this hour on Mondays.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
if DIGEST_HOUR > 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR={DIGEST_HOUR} is not an hour of the day (0-23).")

# E-mail (Django's MAILERS): SMTP when a host is configured, else console output,
# which `check --deploy` rightly refuses (mail.E001): production needs EMAIL_HOST.
# EMAIL_BACKEND names another backend (a dotted path) where neither fits.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "praktijkenbank@solidariteitdiversiteit.be")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp = "django.core.mail.backends.smtp.EmailBackend"
_mail_backend = env_str("EMAIL_BACKEND") or (
    _smtp if env_str("EMAIL_HOST") else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {"default": {"BACKEND": _mail_backend}}
if _mail_backend == _smtp:
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 10,
    }

# Seed data: `manage.py seed` reads these (framework.yaml is a Django fixture; see diegem.seeding).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
