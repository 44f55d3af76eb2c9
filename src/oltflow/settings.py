"""Django settings for oltflow, read from ``OLTFLOW_*`` environment variables (see config.py)."""

from __future__ import annotations

from pathlib import Path

from oltflow import config

BASE_DIR = Path(__file__).resolve().parent
HOME = config.home_dir()

SECRET_KEY = config.secret_key(HOME)
DEBUG = config.env_bool("OLTFLOW_DEBUG", False)
ALLOWED_HOSTS = [h for h in config.env_str("OLTFLOW_ALLOWED_HOSTS", "*").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "oltflow.catalog",
    "oltflow.inventory",
    "oltflow.workflows",
    "oltflow.jobs",
    "oltflow.coordinator",
    "oltflow.polling",
    "oltflow.web",
    "oltflow.api",
    "oltflow.metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "oltflow.urls"
WSGI_APPLICATION = "oltflow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": config.database(HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = config.env_str("OLTFLOW_LANGUAGE", "en")
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = config.env_str("OLTFLOW_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env_str("OLTFLOW_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Scheduling and execution. Every value can be changed through its environment variable.
OLTFLOW = {
    "BROKER_URL": config.env_str("OLTFLOW_BROKER_URL"),
    "TICK_SECONDS": config.env_float("OLTFLOW_TICK_SECONDS", 1.0, minimum=0.05),
    "BEAT_SECONDS": config.env_float("OLTFLOW_BEAT_SECONDS", 5.0, minimum=0.5),
    "MIN_GAP_SECONDS": config.env_float("OLTFLOW_MIN_GAP_SECONDS", 3.0, minimum=0),
    "OFFSETS": {
        "discovery": config.env_int("OLTFLOW_OFFSET_DISCOVERY", 0, minimum=0),
        "get": config.env_int("OLTFLOW_OFFSET_GET", 10, minimum=0),
        "walk": config.env_int("OLTFLOW_OFFSET_WALK", 20, minimum=0),
    },
    "CAPACITY": {
        "discovery": config.env_int("OLTFLOW_CAPACITY_DISCOVERY", 25, minimum=1),
        "get": config.env_int("OLTFLOW_CAPACITY_GET", 25, minimum=1),
        "walk": config.env_int("OLTFLOW_CAPACITY_WALK", 25, minimum=1),
    },
    "CONCURRENCY": {
        "discovery_main": config.env_int("OLTFLOW_CONCURRENCY_DISCOVERY_MAIN", 4, minimum=1),
        "discovery_retry": config.env_int("OLTFLOW_CONCURRENCY_DISCOVERY_RETRY", 2, minimum=1),
        "get_main": config.env_int("OLTFLOW_CONCURRENCY_GET_MAIN", 4, minimum=1),
        "get_retry": config.env_int("OLTFLOW_CONCURRENCY_GET_RETRY", 2, minimum=1),
    },
    "ABSENT_AFTER_MISSES": config.env_int("OLTFLOW_ABSENT_AFTER_MISSES", 3, minimum=1),
    # Workers beat every HEARTBEAT_SECONDS; the reaper ends a RUNNING execution whose beat is
    # older than HEARTBEAT_TIMEOUT_SECONDS or that outlived its time limit plus the grace, and
    # sends a PENDING one again when no worker took it within DISPATCH_TIMEOUT_SECONDS (at most
    # REDISPATCHES times, then it ends it). Celery kills a task at its limit plus the grace.
    "HEARTBEAT_SECONDS": config.env_float("OLTFLOW_HEARTBEAT_SECONDS", 5.0, minimum=0.05),
    "HEARTBEAT_TIMEOUT_SECONDS": config.env_float(
        "OLTFLOW_HEARTBEAT_TIMEOUT_SECONDS", 30.0, minimum=0.1
    ),
    "DISPATCH_TIMEOUT_SECONDS": config.env_float(
        "OLTFLOW_DISPATCH_TIMEOUT_SECONDS", 60.0, minimum=0.1
    ),
    "REDISPATCHES": config.env_int("OLTFLOW_REDISPATCHES", 1, minimum=0),
    "TIME_LIMIT_GRACE_SECONDS": config.env_float(
        "OLTFLOW_TIME_LIMIT_GRACE_SECONDS", 15.0, minimum=0
    ),
    # How long `oltflow run` (and `up`) waits for running executions when asked to stop.
    "STOP_TIMEOUT_SECONDS": config.env_float("OLTFLOW_STOP_TIMEOUT_SECONDS", 30.0, minimum=0),
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "oltflow API",
    "DESCRIPTION": "Coordinated SNMP workflows for GPON OLTs",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
