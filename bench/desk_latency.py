"""Benchmark: how fast an offer reaches an agent's desk, with 200 agents on WebSockets.

Run from the repository root:

    python bench/desk_latency.py                 # about 90 seconds
    python bench/desk_latency.py --seconds 20    # a quick look

A scratch SQLite database gets the demo company and 200 agents (every skill at
level 5, sessions made for them). `manage.py serve` runs daphne with the engine
in-process and the virtual carrier at 10,000 calls an hour; with TEST_REDIS_URL
set, the engine runs as its own process (`switchboard engine`) and the two talk
through Redis. 200 simulated agents connect to `ws/desk/` over real WebSockets,
go available, accept offers, talk, hang up and wrap up.

Measured: the time from the engine's offer decision (`offered_at`, wall clock, in
the offer payload) to the offer's arrival at the agent's socket. At the end the
server stops cleanly and the call ids the carrier wrote to its log as it placed
them are compared with the Call rows: none may be missing or extra.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict, agents: int) -> list[str]:
    """Migrate, load the demo, add the agents; return their session keys."""
    for step in (["migrate", "-v", "0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True
        )
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from switchboard.accounts.models import User
    from switchboard.acd.models import AgentProfile, AgentSkill, Skill

    users = []
    for i in range(agents):
        user = User(username=f"desk{i:03d}", first_name="Desk", last_name=str(i))
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    users = list(User.objects.filter(username__startswith="desk").order_by("username"))
    Group.objects.get(name="agent").user_set.add(*users)
    profiles = AgentProfile.objects.bulk_create([AgentProfile(user=u) for u in users])
    skills = list(Skill.objects.all())
    AgentSkill.objects.bulk_create(
        [AgentSkill(agent=p, skill=s, level=5) for p in profiles for s in skills]
    )
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


class Tally:
    def __init__(self, agents: int) -> None:
        self.agents = agents
        self.latencies: list[float] = []
        self.offers = 0
        self.accepted = 0
        self.errors: dict[str, int] = {}
        self.connected = 0


async def desk(
    port: int, key: str, tally: Tally, until: float, rng: random.Random, delay: float
) -> None:
    from websockets.asyncio.client import connect

    # A floor logs in over a few seconds; 200 handshakes in one instant overflow the
    # server's listen backlog, which is not what this benchmark measures.
    await asyncio.sleep(delay)
    headers = {"Cookie": f"sessionid={key}", "Origin": f"http://127.0.0.1:{port}"}
    url = f"ws://127.0.0.1:{port}/ws/desk/"
    async with connect(url, additional_headers=headers, max_queue=None, open_timeout=60) as ws:
        tally.connected += 1
        lock = asyncio.Lock()
        pending: set[asyncio.Task] = set()

        async def send(delay: float, **command) -> None:
            await asyncio.sleep(delay)
            async with lock:
                await ws.send(json.dumps(command))

        def later(delay: float, **command) -> None:
            task = asyncio.create_task(send(delay, **command))
            pending.add(task)
            task.add_done_callback(pending.discard)

        later(rng.uniform(0, 2), command="go_available")
        while (remaining := until - time.monotonic()) > 0:
            try:
                raw = await asyncio.wait_for(ws.recv(), remaining)
            except TimeoutError:
                break
            arrived = time.time()
            event = json.loads(raw)
            kind = event.get("event")
            if kind == "offer" and "offered_at" in event:
                tally.offers += 1
                if tally.connected == tally.agents:  # measure once the whole floor is in
                    tally.latencies.append(arrived - event["offered_at"])
                later(rng.uniform(0.3, 1.5), command="accept", call=event["call"]["id"])
            elif kind == "connected":
                tally.accepted += 1
                later(rng.uniform(15, 60), command="hang_up", call=event["call"]["id"])
            elif kind == "call_ended":
                later(rng.uniform(0.5, 3), command="finish_wrap_up", call=event["call"])
            elif (
                kind == "agent_state"
                and event.get("state") == "break"
                and event.get("until") is None
            ):
                later(1.0, command="go_available")
            elif kind == "error":
                code = event.get("code", "?")
                tally.errors[code] = tally.errors.get(code, 0) + 1
        for task in pending:
            task.cancel()


async def run_desks(port: int, keys: list[str], seconds: float, tally: Tally) -> None:
    until = time.monotonic() + seconds + len(keys) * 0.05
    rng = random.Random(5)
    await asyncio.gather(
        *(
            desk(port, key, tally, until, random.Random(rng.random()), i * 0.05)
            for i, key in enumerate(keys)
        )
    )


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the server did not listen on {port}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--calls-per-hour", type=float, default=10_000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--speed", type=float, default=10, help="simulated callers' speed-up")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="desk-latency-"))
    call_log = scratch / "placed.txt"
    redis = os.environ.get("TEST_REDIS_URL")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "SWITCHBOARD_VAR_DIR": str(scratch),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "SWITCHBOARD_BOTS": "false",
        "SWITCHBOARD_VIRTUAL_CALLS_PER_HOUR": str(args.calls_per_hour),
        "SWITCHBOARD_SIM_SPEED": str(args.speed),
        "SWITCHBOARD_SIM_CALL_LOG": str(call_log),
        "SWITCHBOARD_ENGINE_IN_PROCESS": "false" if redis else "true",
        "LOG_LEVEL": "WARNING",
    }
    if redis:
        env["REDIS_URL"] = redis
    keys = prepare(env, args.agents)
    port = free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-worker", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(scratch / "web.log").open("w"),
        )
    ]
    if redis:
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "switchboard", "engine"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(scratch / "engine.log").open("w"),
            )
        )
    tally = Tally(len(keys))
    try:
        wait_for_port(port)
        asyncio.run(run_desks(port, keys, args.seconds, tally))
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    from switchboard.calls.models import Call

    placed = call_log.read_text().split() if call_log.exists() else []
    rows = [str(pk) for pk in Call.objects.values_list("id", flat=True)]
    lost = len(set(placed) - set(rows))
    duplicated = (
        (len(rows) - len(set(rows)))
        + len(set(rows) - set(placed))
        + (len(placed) - len(set(placed)))
    )
    still_open = Call.objects.filter(ended_at__isnull=True).count()
    ms = [x * 1000 for x in tally.latencies] or [float("nan")]
    layer = "Redis, engine in its own process" if redis else "in-memory, engine in the web process"
    print(f"logs in {scratch}")
    print(f"{args.agents} agents connected: {tally.connected}; channel layer: {layer}")
    print(f"calls placed {len(placed)}, Call rows {len(rows)}, still open {still_open}")
    print(f"offers {tally.offers}, connected {tally.accepted}, refusals {tally.errors}")
    print(
        f"offer -> socket: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms"
    )
    print(
        json.dumps(
            {
                "agents": args.agents,
                "p50_ms": round(statistics.median(ms), 2),
                "p95_ms": round(percentile(ms, 95), 2),
                "p99_ms": round(percentile(ms, 99), 2),
                "lost": lost,
                "duplicated": duplicated,
                "offers": tally.offers,
                "calls": len(placed),
                "layer": "redis" if redis else "memory",
            }
        )
    )


if __name__ == "__main__":
    main()
