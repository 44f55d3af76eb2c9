"""Read oltflow's settings from ``OLTFLOW_*`` environment variables.

Every reader fails fast with an error that names the variable and the problem, so a typo in a
deployment is reported at start-up instead of as odd behaviour later.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigError(ValueError):
    """An ``OLTFLOW_*`` variable holds a value oltflow cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true or false)")


def home_dir() -> Path:
    """Return ``OLTFLOW_HOME`` (default ``~/.oltflow``), creating it when missing."""
    home = Path(env_str("OLTFLOW_HOME") or Path.home() / ".oltflow").expanduser()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"OLTFLOW_HOME={str(home)!r} cannot be created: {exc.strerror}") from None
    return home


def secret_key(home: Path) -> str:
    """Return ``OLTFLOW_SECRET_KEY``, or a key generated once into the home directory."""
    key = env_str("OLTFLOW_SECRET_KEY")
    if key:
        return key
    path = home / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database(home: Path) -> dict[str, Any]:
    """Return Django's default database from ``OLTFLOW_DATABASE_URL`` or the embedded SQLite.

    PostgreSQL connections come from a pool of at most ``OLTFLOW_DATABASE_POOL_SIZE`` per
    process (default 10): worker threads take one for each step that needs it, so a process
    running hundreds of executions stays within the server's ``max_connections``. 0 turns the
    pool off and keeps one persistent connection per thread instead.
    """
    url = env_str("OLTFLOW_DATABASE_URL")
    if not url:
        return sqlite_database(home / "oltflow.sqlite3")
    pool_size = env_int("OLTFLOW_DATABASE_POOL_SIZE", 10, minimum=0)
    try:
        config = dj_database_url.parse(
            url, conn_max_age=0 if pool_size else 60, conn_health_checks=True
        )
    except ValueError as exc:
        raise ConfigError(f"OLTFLOW_DATABASE_URL is not a usable database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_database(Path(config["NAME"]))
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigError("OLTFLOW_DATABASE_URL must point to PostgreSQL or SQLite")
    if pool_size:
        # Pooled connections live long, so statements run often on one connection are
        # prepared once and not planned again (the start of an execution joins 7 tables;
        # planning took longer than running). One connection is kept open; a thread waits up
        # to 30 s for a free one; the backend makes the first connection without the pool, so
        # that a connection refused names its reason at once.
        config["ENGINE"] = "oltflow.db.postgresql"
        options = config.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)
        options["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            "timeout": 30,
        }
    return config


def sqlite_database(path: Path) -> dict[str, Any]:
    """SQLite set up for several writing threads: WAL, a busy timeout, IMMEDIATE transactions."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": str(path.with_name("test_" + path.name))},
    }
