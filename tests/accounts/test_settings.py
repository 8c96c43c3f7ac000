import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("DEBUG", "maybe", lambda: env.envbool("DEBUG", False)),
        ("PAGE_SIZE", "ten", lambda: env.envint("PAGE_SIZE", 50)),
        ("TIME_ZONE", "Asia/Nowhere", lambda: env.envtimezone("TIME_ZONE", "Asia/Dhaka")),
        ("DEFAULT_REGION", "XX", lambda: env.envregion("DEFAULT_REGION", "BD")),
        ("CURRENCY", "TAKA", lambda: env.envcurrency("CURRENCY", "BDT")),
        ("DATABASE_URL", "mysql://x", lambda: env.envdatabase("DATABASE_URL", "sqlite:///x")),
        ("REDIS_URL", "localhost:6379", lambda: env.envredis("REDIS_URL")),
    ],
)
def test_a_bad_value_names_the_variable(monkeypatch, name, value, reader):
    monkeypatch.setenv(name, value)
    with pytest.raises(env.ConfigError, match=name):
        reader()


def test_start_up_stops_with_a_message_naming_the_bad_variable(tmp_path):
    environ = {**os.environ, "TIME_ZONE": "Asia/Nowhere", "SWITCHBOARD_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Configuration error: TIME_ZONE='Asia/Nowhere'" in result.stderr


def test_the_defaults_are_bangladeshi_but_only_defaults(monkeypatch):
    for name in ("TIME_ZONE", "DEFAULT_REGION", "CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    assert env.envtimezone("TIME_ZONE", "Asia/Dhaka") == "Asia/Dhaka"
    assert env.envregion("DEFAULT_REGION", "BD") == "BD"
    monkeypatch.setenv("DEFAULT_REGION", "in")
    assert env.envregion("DEFAULT_REGION", "BD") == "IN"
