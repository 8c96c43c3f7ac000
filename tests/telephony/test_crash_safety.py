"""Kill the engine mid-call (kill -9, in a subprocess) and restart it: the call record is
complete up to the crash, closed as interrupted, and nothing is lost or duplicated."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
COLUMNS = (
    "id, caller_number, dialed_number, queue_id, agent_id, language, ivr_choices, arrived_at, "
    "queued_at, offered_at, answered_at, ended_at, wait_seconds, talk_seconds, offers, "
    "outcome, contact_id, engine"
)


@pytest.fixture
def demo_floor(tmp_path):
    """A migrated SQLite file holding the demo company (queues, menu, bots)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'floor.sqlite3'}",
        "SWITCHBOARD_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for step in (["migrate", "-v", "0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True
        )
    return env, tmp_path / "floor.sqlite3"


def start_engine(env, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "switchboard", "engine", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def rows(path) -> dict[str, tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        return {row[0]: row for row in db.execute(f"SELECT {COLUMNS} FROM calls_call")}  # noqa: S608


def wait_until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_call_cut_off_by_a_crash_is_kept_and_closed_as_interrupted(demo_floor):
    env, path = demo_floor
    engine = start_engine(env, "--calls-per-hour", "7200", "--speed", "10", "--seed", "7")
    try:
        talking = wait_until(
            lambda: [r for r in rows(path).values() if r[10] is not None and r[11] is None]
        )
        engine.send_signal(signal.SIGKILL)
        engine.wait(10)
    finally:
        if engine.poll() is None:
            engine.kill()
    before = rows(path)
    in_talk = before[talking[0][0]]
    assert in_talk[15] == "in_progress"
    # complete up to the crash: who called, where to, which queue and agent, when
    assert all(in_talk[i] is not None for i in (1, 2, 3, 4, 7, 8, 9, 10, 12))
    open_before = {cid for cid, r in before.items() if r[15] == "in_progress"}

    restarted = start_engine(env, "--calls-per-hour", "0", "--no-bots")
    try:
        assert restarted.stdout.readline().startswith("engine ready")
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(20)
    after = rows(path)

    assert set(after) == set(before)  # nothing lost, nothing new, ids unique by key
    for call_id, row in after.items():
        if call_id in open_before:
            assert row[15] == "interrupted" and row[11] is not None
            assert row[:11] == before[call_id][:11]  # every field written before is kept
            assert row[12:15] == before[call_id][12:15]
        else:
            assert row == before[call_id]
    assert not [r for r in after.values() if r[15] == "in_progress"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        states = {state for (state,) in db.execute("SELECT state FROM acd_agentstatus")}
    assert states == {"logged_out"}  # agents must go available again
