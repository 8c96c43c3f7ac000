"""Tiny typed readers of the environment that fail loudly on a bad value.

Every setting Switchboard reads from the environment goes through one of
these, so a typo stops start-up with a message naming the variable instead of
surfacing later as a strange behaviour.
"""

import os
import zoneinfo


class ConfigError(Exception):
    """An environment variable holds a value Switchboard cannot use."""


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use true or false.")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}.")
    return value


def envfloat(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number.") from None
    if value != value or (minimum is not None and value < minimum):
        raise ConfigError(f"{name}={raw!r} must be a number of at least {minimum}.")
    return value


def envchoice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(sorted(choices))}.")
    return value


def envtimezone(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}={value!r} is not a known time zone (e.g. Asia/Dhaka).") from None
    return value


def envregion(name: str, default: str) -> str:
    import phonenumbers

    value = (os.environ.get(name) or default).upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"{name}={value!r} is not a phone region code (e.g. BD, IN, GB).")
    return value


def envcurrency(name: str, default: str) -> str:
    value = (os.environ.get(name) or default).upper()
    if len(value) != 3 or not value.isalpha():
        raise ConfigError(f"{name}={value!r} is not an ISO 4217 currency code (e.g. BDT).")
    return value


def envdatabase(name: str, default: str) -> dict:
    import dj_database_url

    value = os.environ.get(name) or default
    if not value.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ConfigError(
            f"{name}={value!r}: only sqlite:///path and postgresql://user@host:port/db are supported."
        )
    try:
        return dj_database_url.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} cannot be parsed: {exc}") from None


def envredis(name: str) -> str | None:
    value = os.environ.get(name) or None
    if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"{name}={value!r} is not a redis:// URL.")
    return value
