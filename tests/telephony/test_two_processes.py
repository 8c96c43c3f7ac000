"""PostgreSQL and Redis: the web (daphne serving config.asgi) and `switchboard engine` as two
processes. A desk's command crosses Redis to the engine and its answer comes back."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import run_async

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env() -> dict:
    db = settings.DATABASES["default"]
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,  # pytest's test database, where this test's rows are committed
        "SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_a_desk_command_reaches_the_engine_through_redis_and_its_event_comes_back(rahim):
    from websockets.asyncio.client import connect

    client = Client()
    client.force_login(rahim)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = process_env()
    port = free_port()
    engine = subprocess.Popen(
        [sys.executable, "-m", "switchboard", "engine", "--calls-per-hour", "0", "--no-bots"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert engine.stdout.readline().startswith("engine ready")
        wait_for_port(port)

        async def desk():
            headers = {
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
                "Origin": f"http://127.0.0.1:{port}",
            }
            async with connect(f"ws://127.0.0.1:{port}/ws/desk/", additional_headers=headers) as ws:
                synced = json.loads(
                    await asyncio.wait_for(ws.recv(), 10)
                )  # the desk syncs on connect
                await ws.send(json.dumps({"command": "go_available"}))
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if event.get("state") == "available":
                        return synced, event

        synced, available = run_async(desk())
    finally:
        for process in (web, engine):
            process.send_signal(signal.SIGINT)
        for process in (web, engine):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
    assert (synced["event"], synced["state"]) == ("agent_state", "logged_out")
    assert (available["event"], available["agent"]) == ("agent_state", rahim.pk)
