"""Simulated agents (bots) and the channel-layer desk they sit at.

A bot does exactly what a person at the desk does, through the same channel
layer and the same commands: it goes available, hears offers on its agent
group, accepts after a ring delay, talks, records a disposition with the same
action the desk uses, ends its wrap-up, and now and then takes a break. Tests
drive their agents with `LayerDesk` too.
"""

from __future__ import annotations

import asyncio
import logging
import random

from asgiref.sync import sync_to_async

from switchboard.acd import floor
from switchboard.acd.floor import Command, Event

log = logging.getLogger("switchboard.bots")


class LayerDesk:
    """An agent's desk on the channel layer: send commands, receive the agent's events."""

    def __init__(self, layer, user_id: int) -> None:
        self.layer = layer
        self.user_id = user_id
        self.channel = ""
        self.seen: list[dict] = []
        self.unread: list[dict] = []

    async def open(self) -> LayerDesk:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(floor.agent_group(self.user_id), self.channel)
        return self

    async def close(self) -> None:
        await self.layer.group_discard(floor.agent_group(self.user_id), self.channel)

    async def send(self, command: Command, **fields) -> None:
        message = floor.command(command, user_id=self.user_id, reply_to=self.channel, **fields)
        await self.layer.send(floor.ENGINE_CHANNEL, message)

    async def receive(self) -> dict:
        message = await self.layer.receive(self.channel)
        self.seen.append(message)
        return message

    async def wait_for(self, event: Event, timeout: float = 10.0, **match) -> dict:
        """The oldest event of this kind (whose fields equal `match`) not yet waited for.

        Events that do not match stay unread for a later wait_for, so the order in which
        a test waits need not be the order in which the engine sent them.
        """

        def matches(message: dict) -> bool:
            return message.get("event") == event and all(
                message.get(k) == v for k, v in match.items()
            )

        for message in self.unread:
            if matches(message):
                self.unread.remove(message)
                return message

        async def look() -> dict:
            while True:
                message = await self.receive()
                if matches(message):
                    return message
                self.unread.append(message)

        return await asyncio.wait_for(look(), timeout)


class Bot(LayerDesk):
    """A simulated agent. `speed` divides its delays, as the carrier's `speed` does."""

    def __init__(
        self,
        layer,
        user_id: int,
        *,
        speed: float = 1.0,
        seed: int | None = None,
        breaks: tuple[str, ...] = (),
        miss: float = 0.02,
        break_chance: float = 0.03,
    ) -> None:
        super().__init__(layer, user_id)
        self.speed = speed
        self.random = random.Random(seed)
        self.breaks = breaks
        self.miss = miss
        self.break_chance = break_chance
        self._pending: set[asyncio.Task] = set()

    def later(self, seconds: float, command: Command, **fields) -> None:
        async def act() -> None:
            await asyncio.sleep(seconds / self.speed)
            await self.send(command, **fields)

        task = asyncio.create_task(act())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def run(self) -> None:
        await self.open()
        await self.send(Command.GO_AVAILABLE)
        try:
            while True:
                message = await self.receive()
                self.seen.clear()  # a bot keeps no history
                try:
                    await self.react(message)
                except Exception:
                    log.exception("bot %s: reacting to %r failed", self.user_id, message)
        finally:
            for task in list(self._pending):
                task.cancel()

    async def react(self, message: dict) -> None:
        kind = message.get("event")
        if kind == Event.OFFER:
            if self.random.random() >= self.miss:  # else let it ring out
                self.later(self.random.uniform(1, 4), Command.ACCEPT, call=message["call"]["id"])
        elif kind == Event.CONNECTED:
            if self.random.random() < 0.3:  # the bot ends the call itself, else the caller does
                talk = 30 + self.random.expovariate(1 / 90)
                self.later(talk, Command.HANG_UP, call=message["call"]["id"])
        elif kind == Event.CALL_ENDED:
            self.wrap_up(message)
        elif kind == Event.AGENT_STATE and self._needs_ready(message):
            self.later(self.random.uniform(1, 3), Command.GO_AVAILABLE)

    @staticmethod
    def _needs_ready(message: dict) -> bool:
        """Not-ready states that do not end by themselves (care breaks do)."""
        return (
            message.get("state") == "break"
            and message.get("until") is None
            and message.get("reason") in ("logged_in", "ring_no_answer", "missed_offers")
        )

    def wrap_up(self, message: dict) -> None:
        codes = [d["code"] for d in message.get("dispositions") or [] if not d.get("difficult")]

        async def work() -> None:
            await asyncio.sleep(self.random.uniform(3, 12) / self.speed)
            if codes:
                await sync_to_async(_dispose, thread_sensitive=False)(
                    message["call"], self.user_id, self.random.choice(codes)
                )
            await self.send(Command.FINISH_WRAP_UP, call=message["call"])
            if self.breaks and self.random.random() < self.break_chance:
                await self.send(Command.GO_ON_BREAK, reason=self.random.choice(self.breaks))
                await asyncio.sleep(self.random.uniform(60, 300) / self.speed)
                await self.send(Command.GO_AVAILABLE)

        task = asyncio.create_task(work())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)


def _dispose(call_id: str, user_id: int, code: str) -> None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from switchboard.calls.actions import check_set_disposition

    try:
        check_set_disposition(call_id, get_user_model().objects.get(pk=user_id), code, "")
    except ValidationError as exc:
        log.info("bot %s: disposition refused: %s", user_id, exc)
