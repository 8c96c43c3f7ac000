"""Run a benchmark again in a child process against a scratch PostgreSQL database.

The child gets `DATABASE_URL` pointing at a database made for it, prints its figures, and
ends with one JSON line, which is returned; the database is dropped afterwards whatever
happens.
"""

import json
import os
import subprocess
import sys


def run_on_scratch_postgres(url: str, script: str, argv: list[str], *, prefix: str) -> dict | None:
    import psycopg

    server = url.rsplit("/", 1)[0]
    scratch = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env = {**os.environ, "DATABASE_URL": f"{server}/{scratch}"}
        proc = subprocess.run(
            [sys.executable, script, "--backend=postgres", *argv],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        lines = proc.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        if proc.returncode != 0 or not lines:
            print(f"[postgresql] failed with exit code {proc.returncode}")
            return None
        return json.loads(lines[-1])
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
