"""Admin changes reach a running SIP side: trunks, extensions and prompts are read again
every `RELOAD_SECONDS` (`SWITCHBOARD_SIP_RELOAD_SECONDS`, 30) and swapped in when they differ.

Addresses and ports (SIP, rtpengine, the DTMF listener) and the flood limits stay as they
were at start: those need a restart. The swap is one attribute assignment, so the sippy
thread sees either the old configuration or the new one, never half of each.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from .config import SipConfig

log = logging.getLogger("switchboard.telephony.sip")

FIXED_AT_START = (
    "host",
    "port",
    "rtpengine",
    "dtmf_listen",
    "requests_per_second",
    "request_burst",
)


def merged(current: SipConfig, fresh: SipConfig) -> SipConfig:
    """`fresh`'s trunks, phones and prompts with `current`'s addresses and limits."""
    return dataclasses.replace(fresh, **{name: getattr(current, name) for name in FIXED_AT_START})


async def refresh_once(telephony, load: Callable[[], SipConfig]) -> bool:
    """Read the configuration again (in a worker thread: it queries the database) and swap
    it in if it changed. True if it did."""
    from asgiref.sync import sync_to_async

    fresh = merged(telephony.config, await sync_to_async(load, thread_sensitive=False)())
    if fresh == telephony.config:
        return False
    telephony.config = fresh
    log.info(
        "SIP configuration reloaded: %d trunks, %d phones", len(fresh.trunks), len(fresh.phones)
    )
    return True


async def keep_fresh(telephony, load: Callable[[], SipConfig], every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await refresh_once(telephony, load)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bad row or a lost database: keep the last good configuration
            log.exception("SIP configuration could not be reloaded; keeping the previous one")
