"""The whole product running for real, for end-to-end tests: `manage.py serve` in a
subprocess on its own database, exactly as `make run` starts it (engine in-process,
in-memory channel layer) — or, when the suite runs on PostgreSQL with Redis, a web
process and a separate `switchboard engine` process talking through Redis.

Tests drive it only from outside: a browser, and the REST API with a token.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveFloor:
    url: str
    env: dict
    token: str = ""
    processes: list = field(default_factory=list)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """Call the REST API as the demo supervisor; returns (status, parsed JSON)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our server
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def wait_for(self, predicate, timeout=10.0, every=0.1):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("the condition did not come true in time")
            time.sleep(every)


def _scratch_postgres(url: str) -> tuple[str, callable]:
    import psycopg

    name = f"sb_e2e_{uuid.uuid4().hex[:8]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + "/" + name, drop


def start_live_floor(
    tmp: Path,
    *,
    calls_per_hour: int = 0,
    bots: bool = False,
    language: str = "en",
    extra_env: dict | None = None,
):
    """Start the product; returns (LiveFloor, stop). By default no caller rings and no bot
    works, so a test decides every call itself. `extra_env`: more settings."""
    port = free_port()
    env = {
        **os.environ,
        "SWITCHBOARD_VAR_DIR": str(tmp),
        "SWITCHBOARD_VIRTUAL_CALLS_PER_HOUR": str(calls_per_hour),
        "SWITCHBOARD_BOTS": "true" if bots else "false",
        "LANGUAGE_CODE": language,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **(extra_env or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    cleanups = []
    two_processes = False
    db_url = os.environ.get("DATABASE_URL", "")
    if db_url.startswith("postgres"):
        scratch, drop = _scratch_postgres(db_url)
        env["DATABASE_URL"] = scratch
        cleanups.append(drop)
        two_processes = bool(os.environ.get("REDIS_URL"))
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    floor = LiveFloor(url=f"http://127.0.0.1:{port}", env=env)
    floor.manage("migrate", "--noinput", "-v", "0")
    floor.manage("load_demo")
    floor.token = (
        floor.manage("issue_token", "supervisor", "e2e").strip().splitlines()[-1].split()[-1]
    )
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed in stop()
    if two_processes:
        env["SWITCHBOARD_ENGINE_IN_PROCESS"] = "false"
        engine = subprocess.Popen(
            [sys.executable, "-m", "switchboard", "engine"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        floor.processes.append(engine)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    floor.processes.append(server)

    def up():
        try:
            with urllib.request.urlopen(floor.url + "/accounts/login/", timeout=1) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    floor.wait_for(up, timeout=30)

    def stop():
        for process in floor.processes:
            process.terminate()
        for process in floor.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        for cleanup in cleanups:
            cleanup()

    return floor, stop
