"""Switchboard settings: one file, every environment variable read through config.env.

Embedded defaults (SQLite under var/, in-memory channel layer, in-process
engine) let `make run` work on a fresh machine; DATABASE_URL and REDIS_URL
switch to PostgreSQL and Redis when the floor grows.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import (
    envbool,
    envchoice,
    envcurrency,
    envdatabase,
    envfloat,
    envint,
    envredis,
    envregion,
    envstr,
    envtimezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("SWITCHBOARD_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    # A development key kept under var/ so sessions survive restarts of `make run`.
    _key_file = VAR_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        _key_file.write_text(SECRET_KEY)

ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "import_export",
    "switchboard.accounts",
    "switchboard.contacts",
    "switchboard.acd",
    "switchboard.calls",
    "switchboard.telephony",
    "switchboard.catalog",
    "switchboard.orders",
    "switchboard.tickets",
    "switchboard.kb",
    "switchboard.scripts",
    "switchboard.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "switchboard.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "switchboard" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "switchboard.accounts.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{VAR_DIR / 'switchboard.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while the engine and the import worker write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envredis("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 caps a pool at 100 connections and fails the 101st instead of
            # waiting: a floor of desks reconnecting at once needs more.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": envint("REDIS_MAX_CONNECTIONS", 1000, minimum=10),
                        # redis-py 8 reads with a 5 s timeout by default, exactly the time
                        # channels-redis blocks waiting for a message: the race kills sockets.
                        "socket_timeout": 30,
                    }
                ]
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": envchoice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            {"django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"},
        )
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
# Per user, not per address: a whole floor often sits behind one NAT address, and one
# operator's typos must not lock out the other 200.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = envchoice("LANGUAGE_CODE", "bn", {"bn", "en"})
LANGUAGES = [("bn", _("Bengali")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envtimezone("TIME_ZONE", "Asia/Dhaka")
USE_I18N = True
USE_TZ = True

# Business settings: nothing about Bangladesh is hard-coded beyond these defaults.
SWITCHBOARD = {
    "DEFAULT_REGION": envregion("DEFAULT_REGION", "BD"),
    "CURRENCY": envcurrency("CURRENCY", "BDT"),
    # Rows per import transaction: bigger batches rewrite fewer index pages per row, but on
    # SQLite each holds the write lock longer (about 0.3 s for 5,000 rows).
    "IMPORT_BATCH_SIZE": envint("IMPORT_BATCH_SIZE", 5000, minimum=1),
    # Parse a big import file in a second process while the first writes (needs 2 cores).
    "IMPORT_PARSE_PROCESS": envbool("IMPORT_PARSE_PROCESS", True),
    "PAGE_SIZE": envint("PAGE_SIZE", 50, minimum=1),
    "SERVE_STATIC": envbool("SWITCHBOARD_SERVE_STATIC", True),
    "ENGINE": {
        # `serve` (make run) runs the engine in the web process; switch off when
        # `switchboard engine` runs on its own (several web workers, Redis).
        "IN_PROCESS": envbool("SWITCHBOARD_ENGINE_IN_PROCESS", True),
        # The virtual carrier: simulated inbound calls per hour (0 = none), and bots.
        "VIRTUAL_CALLS_PER_HOUR": envfloat("SWITCHBOARD_VIRTUAL_CALLS_PER_HOUR", 120, minimum=0),
        "BOTS": envbool("SWITCHBOARD_BOTS", True),
        # Simulated callers and bots live this many times faster than real people.
        "SIM_SPEED": envfloat("SWITCHBOARD_SIM_SPEED", 1.0, minimum=0.01),
        # A file the virtual carrier appends each placed call id to (benchmarks), "" = none.
        "SIM_CALL_LOG": envstr("SWITCHBOARD_SIM_CALL_LOG", ""),
        # Where calls come from: the virtual carrier, or SIP trunks and phones (docs/sip.md).
        "TELEPHONY": envchoice("SWITCHBOARD_TELEPHONY", "sim", {"sim", "sip"}),
        # Outbound calls (click-to-call, the API): how long the called party may ring
        # before the engine gives up (no answer), the caller ID to present ("" = the
        # trunk's), and the queue whose wrap-up and dispositions apply ("" = the default).
        "OUTBOUND_RING_SECONDS": envint("SWITCHBOARD_OUTBOUND_RING_SECONDS", 30, minimum=1),
        "OUTBOUND_CALLER_ID": envstr("SWITCHBOARD_OUTBOUND_CALLER_ID", ""),
        "OUTBOUND_QUEUE": envstr("SWITCHBOARD_OUTBOUND_QUEUE", ""),
        # The virtual carrier's called people: "answer,busy,fail" odds (the rest never answer).
        "SIM_OUTBOUND_ODDS": envstr("SWITCHBOARD_SIM_OUTBOUND_ODDS", "0.6,0.15,0.05"),
    },
    # Real telephony (switchboard/telephony/sip.py, docs/sip.md). Trunks are an IP
    # allow-list for now: "carrier=203.0.113.0/24,198.51.100.7;backup=192.0.2.1".
    "SIP": {
        "HOST": envstr("SWITCHBOARD_SIP_HOST", "127.0.0.1"),
        "PORT": envint("SWITCHBOARD_SIP_PORT", 5060, minimum=1),
        # Trunks, extensions and prompts are in the database (admin); this adds an IP
        # allow-list outside it: "carrier=203.0.113.0/24,198.51.100.7;backup=192.0.2.1".
        "TRUNKS": envstr("SWITCHBOARD_SIP_TRUNKS", ""),
        "RTPENGINE": envstr("SWITCHBOARD_RTPENGINE", "127.0.0.1:2223"),
        "DTMF_LISTEN": envstr("SWITCHBOARD_RTPENGINE_DTMF_LISTEN", "127.0.0.1:5999"),
        "PROMPTS": envstr("SWITCHBOARD_PROMPTS_DIR", str(VAR_DIR / "prompts")),
        # INVITE/REGISTER flood limit per source address (token bucket), then 503.
        "REQUESTS_PER_SECOND": envfloat("SWITCHBOARD_SIP_REQUESTS_PER_SECOND", 50, minimum=0.01),
        "REQUEST_BURST": envint("SWITCHBOARD_SIP_REQUEST_BURST", 100, minimum=1),
        # How often a running engine reads trunks, extensions and prompts again (admin changes).
        "RELOAD_SECONDS": envfloat("SWITCHBOARD_SIP_RELOAD_SECONDS", 30, minimum=1),
        # rtpengine's --recording-dir (run it with --recording-method=pcap); empty: no recording.
        "RECORDING_DIR": envstr("SWITCHBOARD_RTPENGINE_RECORDING_DIR", ""),
    },
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "switchboard" / "static"]
# Uploaded files (prompts ...); rtpengine must be able to read the prompts under it.
MEDIA_ROOT = Path(envstr("SWITCHBOARD_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        # Not propagated: daphne's command line adds a root handler, which would print
        # every line twice.
        "switchboard": {
            "handlers": ["console"],
            "level": envchoice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
            "propagate": False,
        },
    },
}
