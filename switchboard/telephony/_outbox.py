"""The engine's ordered outbox: database writes first, then what depends on them.

The engine decides on its event loop and never waits for the database. Each
effect — a write, the messages to pages, the telephony commands that follow —
goes into this queue; one writer task takes everything pending, runs the writes
in one thread inside one transaction (each in its own savepoint, so one bad
write spoils nothing else), and only after the commit sends the messages and
runs the follow-ups, in the order the engine produced them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger("switchboard.engine")

Payload = dict | Callable[[], dict | None]


@dataclass(slots=True)
class Effect:
    db: Callable[[], object] | None = None
    groups: list[tuple[str, Payload]] = field(default_factory=list)
    channels: list[tuple[str, Payload]] = field(default_factory=list)
    after: list[Callable[[], object]] = field(default_factory=list)


class Outbox:
    def __init__(self, layer) -> None:
        self.layer = layer
        self._pending: deque[Effect] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        # One thread: writes happen in the order they were decided.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-db")
        self.batches = 0

    def put(self, effect: Effect) -> None:
        self._pending.append(effect)
        self._idle.clear()
        self._wake.set()

    async def drained(self) -> None:
        """Wait until everything put so far is written and sent."""
        await self._idle.wait()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch = list(self._pending)
                self._pending.clear()
                writes = [effect.db for effect in batch if effect.db is not None]
                started = loop.time()
                if writes:
                    await loop.run_in_executor(self._thread, _write, writes)
                    self.batches += 1
                written = loop.time()
                for effect in batch:
                    await self._deliver(effect)
                if loop.time() - started > 0.2:
                    log.warning(
                        "engine: slow outbox batch: %d effects, writes %.0f ms, sends %.0f ms",
                        len(batch),
                        (written - started) * 1000,
                        (loop.time() - written) * 1000,
                    )
            self._idle.set()

    async def _deliver(self, effect: Effect) -> None:
        for follow_up in effect.after:
            try:
                follow_up()
            except Exception:
                log.exception("engine: a follow-up failed")
        for name, payload in effect.groups:
            message = payload() if callable(payload) else payload
            if message is not None:
                await self.layer.group_send(name, message)
        for name, payload in effect.channels:
            message = payload() if callable(payload) else payload
            if message is not None:
                try:
                    await self.layer.send(name, message)
                except Exception:  # a page that went away (channel full, closed)
                    log.debug("engine: could not reply to %s", name, exc_info=True)

    def close(self) -> None:
        self._thread.submit(_close_connection)
        self._thread.shutdown(wait=True)


def _write(writes: list[Callable[[], object]]) -> None:
    from django.db import close_old_connections, transaction

    close_old_connections()
    try:
        with transaction.atomic():
            for write in writes:
                try:
                    with transaction.atomic():
                        write()
                except Exception:
                    log.exception("engine: a database write failed")
    except Exception:
        log.exception("engine: a batch of database writes failed")


def _close_connection() -> None:
    from django.db import connection

    connection.close()
