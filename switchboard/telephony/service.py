"""Starting the engine: inside the web process (`make run`) or as `switchboard engine`.

Either way the start is the same: close what a previous run left open (calls
become `interrupted`, agents logged out), read the floor's configuration, start
the virtual carrier and the engine, then the bots.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import uuid
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async

log = logging.getLogger("switchboard.engine")


@dataclass
class Options:
    calls_per_hour: float = 120.0
    bots: bool = True
    speed: float = 1.0
    seed: int | None = None
    tick_seconds: float = 0.25
    call_log: str = ""
    telephony: str = "sim"  # or "sip": trunks and phones from SWITCHBOARD["SIP"]

    @classmethod
    def from_settings(cls) -> Options:
        from django.conf import settings

        engine = settings.SWITCHBOARD["ENGINE"]
        return cls(
            calls_per_hour=engine["VIRTUAL_CALLS_PER_HOUR"],
            bots=engine["BOTS"],
            speed=engine["SIM_SPEED"],
            call_log=engine["SIM_CALL_LOG"],
            telephony=engine.get("TELEPHONY", "sim"),
        )


@dataclass
class RunningFloor:
    engine: object
    carrier: object
    bots: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    interrupted: int = 0

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.engine.stop()


def new_engine_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _prepare(engine_id: str):
    from django.db import connection

    from switchboard.calls.actions import do_close_interrupted_calls, do_reset_agent_statuses
    from switchboard.calls.monitoring import do_close_stale_monitorings

    from .setup import load_setup

    try:
        interrupted = do_close_interrupted_calls(engine_id)
        do_close_stale_monitorings()
        do_reset_agent_statuses()
        return load_setup(), interrupted
    finally:
        connection.close()


async def start_floor(options: Options, layer=None) -> RunningFloor:
    """Start the engine, the virtual carrier and the bots on the running event loop."""
    from channels.layers import get_channel_layer

    from .bots import Bot
    from .engine import Engine
    from .sim import VirtualCarrier

    layer = layer or get_channel_layer()
    engine_id = new_engine_id()
    setup, interrupted = await sync_to_async(_prepare, thread_sensitive=False)(engine_id)
    if interrupted:
        log.warning("engine: %d calls of a previous run closed as interrupted", interrupted)

    def is_human(agent: str) -> bool:
        card = setup.agents.get(int(agent))
        return card is None or not card.is_bot

    if options.telephony == "sip":
        from .sip import SipTelephony
        from .sip.config import SipConfig

        # Trunks, extensions and prompts come from the database.
        config = await sync_to_async(SipConfig.from_settings, thread_sensitive=False)()
        carrier = SipTelephony(config)
    else:
        from django.conf import settings

        from .sim import CallerProfile, outbound_odds

        odds = outbound_odds(settings.SWITCHBOARD["ENGINE"]["SIM_OUTBOUND_ODDS"])
        carrier = VirtualCarrier(
            list(setup.menus),
            profile=CallerProfile(**odds),
            calls_per_hour=options.calls_per_hour,
            seed=options.seed,
            speed=options.speed,
            menus={number: tuple(menu.options) for number, menu in setup.menus.items()},
            callers=setup.known_callers,
            is_human=is_human,
            call_log=options.call_log,
            recording_dir=str(_settings().VAR_DIR / "recordings"),
        )
    engine = Engine(setup, carrier, layer, engine_id=engine_id, tick_seconds=options.tick_seconds)
    await engine.start()
    running = RunningFloor(engine, carrier, interrupted=interrupted)
    if options.telephony == "sip":
        from django.conf import settings

        from .sip.refresh import keep_fresh

        every = settings.SWITCHBOARD["SIP"].get("RELOAD_SECONDS", 30.0)
        running.tasks.append(
            asyncio.create_task(keep_fresh(carrier, SipConfig.from_settings, every))
        )
    if options.bots:
        breaks = tuple(sorted(setup.break_reasons))
        for card in setup.agents.values():
            if card.is_bot:
                seed = None if options.seed is None else options.seed + card.user_id
                bot = Bot(layer, card.user_id, speed=options.speed, seed=seed, breaks=breaks)
                running.bots.append(bot)
                running.tasks.append(asyncio.create_task(bot.run(), name=f"bot-{card.user_id}"))
    gc.freeze()  # what setup made lives forever: keep it out of the collector's way
    if options.telephony == "sip":
        log.info("engine %s: SIP telephony, %d bots", engine_id, len(running.bots))
    else:
        log.info(
            "engine %s: virtual carrier at %g calls/hour, %d bots",
            engine_id,
            options.calls_per_hour,
            len(running.bots),
        )
    return running


def start_in_daphne(options: Options) -> None:
    """Schedule the engine in daphne's event loop once its reactor runs (`serve`), and stop
    it cleanly (open calls closed as interrupted, writes flushed) when the reactor stops."""
    from daphne.server import twisted_loop  # installs Twisted's asyncio reactor first
    from twisted.internet import defer, reactor

    started: list[asyncio.Task] = []

    def go() -> None:
        task = twisted_loop.create_task(start_floor(options))
        task.add_done_callback(_report_failure)
        started.append(task)

    def stop():
        task = started[0] if started else None
        if task is None or not task.done() or task.exception() is not None:
            return None
        return defer.Deferred.fromFuture(twisted_loop.create_task(task.result().stop()))

    reactor.callWhenRunning(go)
    reactor.addSystemEventTrigger("before", "shutdown", stop)


def _report_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("engine: failed to start", exc_info=task.exception())


async def serve_forever(options: Options) -> None:
    """Run the engine until SIGTERM or SIGINT, then stop cleanly (`switchboard engine`)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = await start_floor(options)
    print(f"engine ready: {running.engine.id}", flush=True)
    await stop.wait()
    await running.stop()


def _settings():
    from django.conf import settings

    return settings
