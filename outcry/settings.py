"""Outcry settings: one module, read from the environment.

The defaults are the embedded `make run` setup: SQLite, a filesystem Celery broker, letters written
as .eml files under var/mail. Every production service (PostgreSQL, Redis, SMTP or an anymail
provider) is switched on by an environment variable named in docs/operators/configuration.md. With
DEBUG off the module refuses weak settings at start-up, so a forgotten variable fails loudly.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from outcry.beat import BEAT_QUEUE, BEAT_ROUTES
from outcry.envtools import read, require_strong_secret, strict_bool
from outcry.logformat import log_format

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.FileAwareEnv()  # every NAME may also come from the file named by NAME_FILE
env_bool = strict_bool(env)

DEBUG = read(env_bool, "DEBUG", True)
VAR_DIR = Path(read(env.str, "OUTCRY_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-only-insecure-key-for-the-embedded-setup-never-use-in-production"  # noqa: S105 - refused with DEBUG off
SECRET_KEY = read(env.str, "SECRET_KEY", DEV_SECRET_KEY)
# Signer IPs are stored only as an HMAC under this key; rotating it breaks nothing but per-IP history.
IP_HASH_KEY = read(env.str, "IP_HASH_KEY", "") or SECRET_KEY
# Emails are matched (duplicates, erasure requests) through an HMAC under this key.
EMAIL_HASH_KEY = read(env.str, "EMAIL_HASH_KEY", "") or SECRET_KEY
# Keys (32 random bytes, url-safe base64) that encrypt signer data at rest, comma-separated: the
# first encrypts, all decrypt
# (petitions/core/encryption.py). The embedded setup derives one from SECRET_KEY; production must set it.
# A lost key is lost data, so production never derives one: the system check outcry.E002 stops
# migrate and `check --deploy` until it is set.
SIGNER_DATA_KEYS = read(env.list, "SIGNER_DATA_KEYS", [])
if not SIGNER_DATA_KEYS and DEBUG:
    _derived = hashlib.sha256(f"signer data:{SECRET_KEY}".encode()).digest()
    SIGNER_DATA_KEYS = [base64.urlsafe_b64encode(_derived).decode()]

ALLOWED_HOSTS = read(env.list, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = read(env.list, "CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = read(env.str, "SITE_NAME", "Outcry")
SITE_URL = read(env.str, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "outcry.adminapp.OutcryAdminConfig",  # django.contrib.admin, with the two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "anymail",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time recovery codes
    "ninja",  # the public API's own Swagger UI files, served from here, never a CDN (petitions/api/)
    "campaigns",
    "petitions",
]

MIDDLEWARE = [
    # Names the request's URL pattern for the request metrics (outcry/webmetrics.py).
    "outcry.webmetrics.RouteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "outcry.security.PageSecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "outcry.languages.LocaleMiddleware",
    # Before anything can read a body; after the locale, so its refusals speak the visitor's language.
    "outcry.bodylimit.BodyLimitMiddleware",
    "outcry.languages.LanguageParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A database that does not answer gives a 503 with Retry-After, not the 500 page (outcry/outages.py).
    "outcry.outages.DatabaseOutageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Admin-only layers skip the public pages (outcry/adminonly.py).
    "outcry.adminonly.OTPMiddleware",
    "outcry.adminonly.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer. Not wrapped
    # for the admin only: on other requests it reads one attribute (about 1.5 us), and its system
    # check then sees it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outcry.urls"
# A form sent without its token gets the branded page in the visitor's language, saying what to do.
CSRF_FAILURE_VIEW = "outcry.errors.csrf_failure"
WSGI_APPLICATION = "outcry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "outcry.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": read(env.db_url, "DATABASE_URL", f"sqlite:///{VAR_DIR / 'outcry.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded setup shares one file between web, worker and beat: WAL lets readers run beside
    # the writer, IMMEDIATE transactions queue writers instead of failing with "database is locked".
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = read(env.int, "CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Hot public reads (campaign, counters) are cached per process for a few seconds: no network hop
# and no shared cache that could take the signing page down with it.
CACHES = {"default": read(env.cache_url, "CACHE_URL", "locmemcache://outcry")}

REDIS_URL = read(env.str, "REDIS_URL", "")
CELERY_BROKER_URL = read(env.str, "CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "processed", "control"):  # kombu expects them to exist
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message not acknowledged within this time is redelivered; sending has its own lease, so
        # this only has to outlast the longest task.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_TASK_IGNORE_RESULT = True
# Letters wait on the default queue; the periodic housekeeping (sweeper, dispatcher, reconciler, ...)
# has a queue of its own, so a backlog of thousands of letters never delays the tasks that heal and
# pace it. A worker consumes every queue declared here unless started with -Q.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue(BEAT_QUEUE))
CELERY_TASK_ROUTES = BEAT_ROUTES  # periodic tasks on the "beat" queue, from beat's own table
# Celery's Django fixup closes the database connection around every task unless told to reuse it:
# that was a new PostgreSQL connection per letter, half a worker's cost (bench/README.md, Drain).
# Connections are still retired by CONN_MAX_AGE and health checks (outcry/celery.py).
CELERY_DB_REUSE_MAX = read(env.int, "CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = read(env.int, "CELERY_WORKER_PREFETCH_MULTIPLIER", 4)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's own publishing (beat's periodic tasks): one quick retry. Letters and signer mail go
# through petitions/core/doorbell.py instead, which never retries: the sweeper takes over.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# A hung broker must not hold a signer's request: publishing waits this long for Redis, once.
BROKER_PUBLISH_TIMEOUT_SECONDS = read(env.float, "BROKER_PUBLISH_TIMEOUT_SECONDS", 0.25)
# After a Redis call on the signing path fails (broker or abuse store), a process skips that Redis
# for this long, so that during an outage requests do not each pay the timeout.
REDIS_RETRY_AFTER_SECONDS = read(env.float, "REDIS_RETRY_AFTER_SECONDS", 5.0)
CELERY_BEAT_SCHEDULE_FILENAME = read(env.str, "CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule"))

# Sending: how long a claimed delivery belongs to one worker, how often the sweeper looks for lost
# work, and how long a queued row may wait for its message before the sweeper enqueues it again.
DELIVERY_LEASE_SECONDS = read(env.int, "DELIVERY_LEASE_SECONDS", 300)  # >= 15 x EMAIL_TIMEOUT (petitions/checks.py)
DELIVERY_MAX_ATTEMPTS = read(env.int, "DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_RETRY_BASE_SECONDS = read(env.int, "DELIVERY_RETRY_BASE_SECONDS", 30)
SWEEP_INTERVAL_SECONDS = read(env.float, "SWEEP_INTERVAL_SECONDS", 30.0)
SWEEP_GRACE_SECONDS = read(env.float, "SWEEP_GRACE_SECONDS", 120.0)
# When no message waits on the broker, a queued letter's message is gone (Redis came back empty, a
# worker died holding it): the sweeper enqueues it once it is this old (petitions/delivery/sweep.py).
SWEEP_IDLE_GRACE_SECONDS = read(env.float, "SWEEP_IDLE_GRACE_SECONDS", 10.0)
RECONCILE_INTERVAL_SECONDS = read(env.float, "RECONCILE_INTERVAL_SECONDS", 600.0)
# Organisers' webhooks (petitions/webhooks/): how often events are collected and lost work swept,
# how far back a collection reads again (longer than a letter's lease: a letter is stamped sent
# when its send starts), the request's timeout and lease, and the retries: WEBHOOK_MAX_ATTEMPTS
# with backoff from WEBHOOK_RETRY_BASE_SECONDS, at most WEBHOOK_RETRY_MAX_SECONDS apart (about
# 16 hours in all), after which a delivery is dead until an organiser sends it again.
WEBHOOK_INTERVAL_SECONDS = read(env.float, "WEBHOOK_INTERVAL_SECONDS", 10.0)
WEBHOOK_SETTLE_SECONDS = read(env.float, "WEBHOOK_SETTLE_SECONDS", 600.0)
# At most this many new events of one kind per endpoint in one run; a backlog takes several.
WEBHOOK_COLLECT_BATCH = read(env.int, "WEBHOOK_COLLECT_BATCH", 2000)
WEBHOOK_TIMEOUT_SECONDS = read(env.float, "WEBHOOK_TIMEOUT_SECONDS", 10.0)
WEBHOOK_LEASE_SECONDS = read(env.int, "WEBHOOK_LEASE_SECONDS", 60)
WEBHOOK_MAX_ATTEMPTS = read(env.int, "WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_RETRY_BASE_SECONDS = read(env.float, "WEBHOOK_RETRY_BASE_SECONDS", 60.0)
WEBHOOK_RETRY_MAX_SECONDS = read(env.float, "WEBHOOK_RETRY_MAX_SECONDS", 14400.0)
# Plain http and private or loopback addresses (a receiver on the organiser's own machine): only
# where the platform's own network holds nothing to protect.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = read(env_bool, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
# How often paced targets' sending slots are handed out (and how far ahead).
PACING_INTERVAL_SECONDS = read(env.float, "PACING_INTERVAL_SECONDS", 5.0)
# Digest mode: how often ended periods are looked for, and the most signers one digest names
# (more make several parts; a mail of ~1,000 names and messages stays well under providers' limits).
DIGEST_COMPOSE_INTERVAL_SECONDS = read(env.float, "DIGEST_COMPOSE_INTERVAL_SECONDS", 60.0)
DIGEST_MAX_SIGNERS = read(env.int, "DIGEST_MAX_SIGNERS", 1000)
# Emails to one address per day on a signer's behalf (receipts, confirmations): anyone can type
# someone else's address into the form, so this keeps it from being used to mail-bomb them.
SIGNER_MAIL_DAILY_CAP = read(env.int, "SIGNER_MAIL_DAILY_CAP", 3)
RECEIPT_LINK_MAX_AGE_DAYS = read(env.int, "RECEIPT_LINK_MAX_AGE_DAYS", 365)
# Double opt-in: how long a confirmation link works; unconfirmed signatures are deleted after it.
CONFIRMATION_EXPIRY_DAYS = read(env.int, "CONFIRMATION_EXPIRY_DAYS", 7)
# How long the emailed link to see, download or erase one's signatures works.
DATA_LINK_MAX_AGE_HOURS = read(env.int, "DATA_LINK_MAX_AGE_HOURS", 24)
# Signer data (names, emails, city, organisation, message, IP hash, and their traces in stored
# letters) is anonymised this many days after a campaign closes; beat looks every interval.
SIGNER_DATA_RETENTION_DAYS = read(env.int, "SIGNER_DATA_RETENTION_DAYS", 180)
RETENTION_INTERVAL_SECONDS = read(env.float, "RETENTION_INTERVAL_SECONDS", 3600.0)
COUNTER_SHARDS = read(env.int, "COUNTER_SHARDS", 16)
COUNTER_CACHE_SECONDS = read(env.int, "COUNTER_CACHE_SECONDS", 2)
# The hour (UTC) the organisers' opt-in daily summaries go out.
DAILY_SUMMARY_HOUR = read(env.int, "DAILY_SUMMARY_HOUR", 7)
if not 0 <= DAILY_SUMMARY_HOUR <= 23:
    raise ImproperlyConfigured(f"DAILY_SUMMARY_HOUR must be an hour from 0 to 23, not {DAILY_SUMMARY_HOUR}.")

# Email: EMAIL_URL (smtp://user:pass@host:587, smtp+tls://...) or EMAIL_BACKEND plus ANYMAIL_*.
DEFAULT_FROM_EMAIL = read(env.str, "DEFAULT_FROM_EMAIL", "letters@outcry.example.org")
SERVER_EMAIL = read(env.str, "SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = read(env.int, "EMAIL_TIMEOUT", 20)
MAIL_DIR = VAR_DIR / "mail"
EMAIL_FILE_PATH = str(MAIL_DIR)
EMAIL_BACKEND = "outcry.mail.EmlFileBackend"
if env.str("EMAIL_URL", default=""):
    # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_USE_TLS, ... in one variable.
    globals().update(read(env.email_url, "EMAIL_URL", None))
    EMAIL_FILE_PATH = str(MAIL_DIR)
EMAIL_BACKEND = read(env.str, "EMAIL_BACKEND", EMAIL_BACKEND)
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_BACKEND = "outcry.mail.SMTPBackend"  # the same, cheaper per letter (outcry/mail.py)
# Every ANYMAIL_<NAME> variable (or ANYMAIL_<NAME>_FILE) becomes ANYMAIL["<NAME>"], e.g.
# ANYMAIL_MAILGUN_API_KEY, ANYMAIL_WEBHOOK_SECRET: whatever the chosen provider documents.
ANYMAIL = {
    name.removeprefix("ANYMAIL_").removesuffix("_FILE"): env.str(name.removesuffix("_FILE"))
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value  # an empty line in .env means unset, as everywhere else
}
ANYMAIL.setdefault("REQUESTS_TIMEOUT", EMAIL_TIMEOUT)
# Bounces and replies come back to addresses of each letter's own on this domain
# (petitions/mail/addresses.py); its MX must reach `manage.py receive_mail` (docs/operators/email.md).
INBOUND_MAIL_DOMAIN = read(env.str, "INBOUND_MAIL_DOMAIN", "")
# Where `manage.py receive_mail` listens, and the largest message it takes (a reply with a photo).
INBOUND_MAIL_HOST = read(env.str, "INBOUND_MAIL_HOST", "127.0.0.1")
INBOUND_MAIL_PORT = read(env.int, "INBOUND_MAIL_PORT", 2525)
INBOUND_MAIL_MAX_BYTES = read(env.int, "INBOUND_MAIL_MAX_BYTES", 10 * 1024 * 1024)
# A letter's Return-Path names it (VERP), so a bounce in any format finds its letter. Providers
# report bounces by webhook and most insist on their own Return-Path: off for anymail backends.
# The DKIM selectors the relay or provider signs with (<selector>._domainkey.<domain>), comma
# separated; `manage.py check_sending_domain` looks their keys up.
DKIM_SELECTORS = read(env.list, "DKIM_SELECTORS", [])
# The DNS server the sending domain is checked with (host[:port]); empty: the system's.
DNS_NAMESERVER = read(env.str, "DNS_NAMESERVER", "")
LETTER_BOUNCE_ADDRESSES = read(env.bool, "LETTER_BOUNCE_ADDRESSES", not EMAIL_BACKEND.startswith("anymail."))

# Abuse defences (petitions/abuse/): shared counters and spent captcha challenges live in Redis.
ABUSE_REDIS_URL = read(env.str, "ABUSE_REDIS_URL", REDIS_URL)
# How long signing waits for the abuse store; without an answer the Redis limits are not enforced
# for that signature (fail open, docs/operators/security.md).
ABUSE_REDIS_TIMEOUT_SECONDS = read(env.float, "ABUSE_REDIS_TIMEOUT_SECONDS", 0.25)
# The self-hosted proof-of-work captcha: each try costs the browser ALTCHA_COST PBKDF2 rounds and it
# needs on average ALTCHA_MAX_COUNTER * 3/4 tries.
ALTCHA_HMAC_KEY = read(env.str, "ALTCHA_HMAC_KEY", "") or SECRET_KEY
ALTCHA_COST = read(env.int, "ALTCHA_COST", 1000)
ALTCHA_MAX_COUNTER = read(env.int, "ALTCHA_MAX_COUNTER", 1000)
ALTCHA_EXPIRES_SECONDS = read(env.int, "ALTCHA_EXPIRES_SECONDS", 2 * 3600)

# A signing form is a few kilobytes: anything far larger is refused with a 400 (outcry/errors.py)
# before a view sees it. Uploaded files (campaign images) are not counted here.
DATA_UPLOAD_MAX_MEMORY_SIZE = read(env.int, "DATA_UPLOAD_MAX_MEMORY_SIZE", 512 * 1024)
# Outside the admin, a body declared larger than this is refused (413) before anything reads it, and
# no file upload is taken at all (outcry/bodylimit.py). A signing form with a 2,000-character
# message of emoji is about 35 kB; provider webhooks get DATA_UPLOAD_MAX_MEMORY_SIZE.
PUBLIC_MAX_BODY_BYTES = read(env.int, "PUBLIC_MAX_BODY_BYTES", 64 * 1024)

# How long a shared cache (a CDN, a proxy) may keep a campaign page, its sharing page and embed, and
# how long after that it may still serve its copy while fetching a new one (outcry/sharedcache.py).
# Browsers always ask again. An organiser's edit reaches visitors behind such a cache within the sum.
PUBLIC_PAGE_CACHE_SECONDS = read(env.int, "PUBLIC_PAGE_CACHE_SECONDS", 5)
PUBLIC_PAGE_STALE_SECONDS = read(env.int, "PUBLIC_PAGE_STALE_SECONDS", 30)

# The public read API (/api/v1/, petitions/api/): how long its answers are kept and may be kept by
# any cache, and how many requests a network address may make a minute before a 429.
API_CACHE_SECONDS = read(env.int, "API_CACHE_SECONDS", 30)
API_REQUESTS_PER_MINUTE = read(env.int, "API_REQUESTS_PER_MINUTE", 120)

# The bearer token a Prometheus scraper sends for /metrics; empty: there is no /metrics (404).
METRICS_TOKEN = read(env.str, "METRICS_TOKEN", "")

# Client IPs: REMOTE_ADDR unless the request came through one of these proxies (addresses or
# networks, e.g. 172.16.0.0/12 for a proxy on a Docker bridge).
TRUSTED_PROXIES = read(env.list, "TRUSTED_PROXIES", [])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("az", _("Azerbaijani")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
# The interface's catalogues first (`make messages` writes there), then country names for the
# languages django-countries does not translate (generated from CLDR, locale_countries/build.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_countries"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = read(env.str, "MEDIA_ROOT", str(VAR_DIR / "media"))
# Uploads that may show signers' names (scans of paper signature sheets): kept outside MEDIA_ROOT so
# that neither /media/ nor a proxy serving it can reach them; the admin serves them to the
# campaign's organisers only (petitions/core/private_files.py).
PRIVATE_MEDIA_ROOT = read(env.str, "PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if read(env_bool, "STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# Only organisers have sessions (signers never log in): a working day, not Django's two weeks.
SESSION_COOKIE_AGE = read(env.int, "SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; the forms carry the token
# Cookies end with the visit (Django's CSRF cookie would live a year): none may tell whoever later
# holds a signer's phone that it came here.
CSRF_COOKIE_AGE = None
LANGUAGE_COOKIE_AGE = None
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links from a campaign page to other sites never tell them which campaign (or page) sent the visitor.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ADMIN_URL_PREFIX = "/admin/"
API_URL_PREFIX = "/api/"  # the public API (petitions/api/): its errors are JSON, never a page

# Content-Security-Policy (django-csp): scripts, styles, workers only from our own origin, no inline
# script anywhere (templates pass data in data- attributes or JSON script elements). Style
# attributes are allowed (a progress bar's width), <style> elements are not. Nothing may frame a
# page except the embed views (outcry/framing.py), which get EMBED_FRAME_ANCESTORS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
EMBED_FRAME_ANCESTORS = read(env.list, "EMBED_FRAME_ANCESTORS", ["*"])

# Admin logins (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked for AXES_COOLOFF_MINUTES. Locking the pair, not the username, means nobody can
# lock an organiser out from elsewhere; the answer is the same whether the username exists or not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = read(env.int, "AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=read(env.float, "AXES_COOLOFF_MINUTES", 15.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "petitions.core.hashing.client_ip"  # trusted proxies only, as everywhere
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# What axes writes down (address, user agent, username typed) is deleted after this many days
# (petitions/privacy/sign_in_records.py); a lockout in progress is never that old.
AXES_RETENTION_DAYS = read(env.int, "AXES_RETENTION_DAYS", 30)
if AXES_RETENTION_DAYS < 1 or timedelta(days=AXES_RETENTION_DAYS) < AXES_COOLOFF_TIME:
    raise ImproperlyConfigured("AXES_RETENTION_DAYS must be at least 1 and cover AXES_COOLOFF_MINUTES.")

# Two-factor sign-in for the admin (django-otp: TOTP apps, recovery codes; outcry/twofactor.py).
# "signer-data" (the default): required for everyone who can see or export signer data (superusers,
# organisers, staff with a permission on signatures or letters) and for anyone with a device;
# "required": for every staff user. Users without a device set one up at their next sign-in.
ADMIN_TWO_FACTOR = read(env.str, "ADMIN_TWO_FACTOR", "signer-data")
if ADMIN_TWO_FACTOR == "optional":
    raise ImproperlyConfigured(
        "ADMIN_TWO_FACTOR=optional is no longer offered: everyone who can see signer data signs in with "
        "a one-time code. Remove the variable (the default is 'signer-data') or set it to 'required'."
    )
if ADMIN_TWO_FACTOR not in ("signer-data", "required"):
    raise ImproperlyConfigured("ADMIN_TWO_FACTOR must be 'signer-data' or 'required'.")
OTP_TOTP_ISSUER = SITE_NAME
if not DEBUG:
    SESSION_COOKIE_SECURE = read(env_bool, "SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = read(env.int, "SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = read(env_bool, "SECURE_HSTS_PRELOAD", False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
    SECURE_SSL_REDIRECT = read(env_bool, "SECURE_SSL_REDIRECT", True)
    if read(env_bool, "SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = read(env.str, "LOG_LEVEL", "INFO")
# "plain" lines, or "json": one object a line, in web, worker, beat and gunicorn (outcry/logformat.py).
LOG_FORMAT = log_format()
# One handler, scrubbed (outcry/logscrub.py; every record is scrubbed as it is made anyway, and
# Celery's and gunicorn's handlers get the filter too). Django's own default handlers on "django"
# are dropped: with DEBUG on they printed every django.* record a second time, and mail_admins
# would email error reports that carry the client's address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_personal_data": {"()": "outcry.logscrub.ScrubPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "outcry.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["scrub_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint (the delivery dossier's PDF) logs each step of every document at INFO.
    "loggers": {
        "django": {"handlers": []},
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reports to Sentry or GlitchTip, off unless a DSN is given; nothing personal is sent
# (outcry/errortracking.py).
SENTRY_DSN = read(env.str, "SENTRY_DSN", "")
if SENTRY_DSN:
    from outcry import errortracking

    errortracking.configure(
        dsn=SENTRY_DSN,
        environment=read(env.str, "SENTRY_ENVIRONMENT", ""),
        release=read(env.str, "SENTRY_RELEASE", ""),
        traces_sample_rate=read(env.float, "SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

if not DEBUG:
    require_strong_secret("SECRET_KEY", SECRET_KEY, weak=DEV_SECRET_KEY)
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS='*' is refused with DEBUG off: name your hosts.")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "DATABASE_URL is not set: with DEBUG off Outcry needs PostgreSQL "
            "(DATABASE_URL=postgres://user:password@host:5432/outcry)."
        )
    if CELERY_BROKER_URL.startswith("filesystem://"):
        raise ImproperlyConfigured(
            "REDIS_URL (or CELERY_BROKER_URL) is not set: with DEBUG off Outcry needs Redis "
            "(REDIS_URL=redis://host:6379/0)."
        )
