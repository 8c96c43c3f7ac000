"""Hold and queue music on a SIP call (engine loop side; no sippy here).

Hold on a bridged call is done in rtpengine alone, so neither phone sees a re-INVITE:
`block media` on the caller's tag (the operator stops hearing the caller), `block media`
on our tag towards the operator's phone (the caller stops hearing the operator), then
`play media` of the music into the caller's leg. Taking the caller back undoes exactly
that: `stop media`, then `unblock media` on both tags. (Measured on rtpengine 10.5:
`block media` with a from-tag drops what that party *sends*; the player still reaches the
caller while the other side is blocked.)

Queue music uses the same player; music for a call that was on hold (a transfer from hold)
first takes the hold off, so the next operator's bridge is not born muted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ..media import MediaError
from .calls import SipCall

log = logging.getLogger("switchboard.telephony.sip")


class HoldSide:
    """Mixed into SipTelephony: hold, and the music a caller hears while nobody talks."""

    def hold(self, call: str, on: bool) -> None:
        c = self._live(call)
        if c is None or c.held == on:
            return
        c.held = on
        self._in_turn(c, self._hold(c) if on else self._unhold(c))

    def play_music(self, call: str) -> None:
        c = self._live(call)
        if c is not None:
            c.cancel_timers()
            self._in_turn(c, self._music(c))

    def _in_turn(self, c: SipCall, work) -> None:
        """Run `work` after the call's previous hold/unhold/music work: a quick hold and
        unhold must reach rtpengine in that order."""
        c.media_task = self._spawn(self._after(c.media_task, work))

    @staticmethod
    async def _after(previous: asyncio.Task | None, work) -> None:
        if previous is not None and not previous.done():
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await previous
        await work

    async def settled(self, call: str) -> None:
        """Until the last hold, unhold or music command for `call` is carried out (tests)."""
        c = self._calls.get(call)
        task = getattr(c, "media_task", None)
        if task is not None:
            await asyncio.shield(task)

    async def _hold(self, c: SipCall) -> None:
        try:
            await self._media.block_media(c.id, c.from_tag)
            await self._media.block_media(c.id, c.to_tag)
        except MediaError as exc:
            log.error("call %s: hold could not block the media: %s", c.id, exc)
        await self._play(c, "music", "", 1000)

    async def _unhold(self, c: SipCall) -> None:
        with contextlib.suppress(MediaError):  # the music may have ended already
            await self._media.stop_media(c.id, c.from_tag)
        try:
            await self._media.unblock_media(c.id, c.from_tag)
            await self._media.unblock_media(c.id, c.to_tag)
        except MediaError as exc:
            log.error("call %s: taking the caller off hold failed: %s", c.id, exc)

    async def _music(self, c: SipCall) -> None:
        if c.held:
            c.held = False
            await self._unhold(c)
        await self._play(c, "music", "", 1000)
