"""An asyncio client of rtpengine's "ng" control protocol.

Each request is a cookie, a space and a bencoded dictionary, sent in one UDP
datagram; the reply carries the same cookie. rtpengine remembers the replies
it sent by cookie, so a retry reuses the cookie and a lost reply costs no
double work (a second `offer`, say). Replies are decoded as text: rtpengine
only speaks ASCII and SDP.

Only the commands Switchboard uses have methods; `command()` sends any other.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from ._bencode import BencodeError, decode, encode

log = logging.getLogger("switchboard.telephony.media")


class MediaError(Exception):
    """rtpengine could not do what was asked."""


class MediaTimeout(MediaError):
    """rtpengine did not answer, even after the retries."""


class MediaRefused(MediaError):
    """rtpengine answered `result: error` (an unknown call, a bad SDP ...)."""

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(f"rtpengine refused {command!r}: {reason}")
        self.command = command
        self.reason = reason


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, client: MediaClient) -> None:
        self.client = client

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.client._reply(data)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable while rtpengine is down: the retries and timeout handle it.
        log.debug("rtpengine socket error: %s", exc)


class MediaClient:
    """Talk to one rtpengine at `host:port`. Open with `await connect()` (or `async with`)."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 2223, *, timeout: float = 1.0, retries: int = 2
    ) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self.retries = retries
        self._prefix = secrets.token_hex(4)
        self._counter = itertools.count(1)
        self._pending: dict[bytes, asyncio.Future] = {}
        self._transport: asyncio.DatagramTransport | None = None

    async def connect(self) -> MediaClient:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), remote_addr=self.address
        )
        return self

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        for future in self._pending.values():
            if not future.done():
                future.set_exception(MediaError("client closed"))
        self._pending.clear()

    async def __aenter__(self) -> MediaClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    # -- the wire ---------------------------------------------------------------------------

    def _reply(self, data: bytes) -> None:
        cookie, _, body = data.partition(b" ")
        future = self._pending.get(cookie)
        if future is None or future.done():
            return  # a late duplicate, or not ours
        try:
            future.set_result(decode(body, text=True))
        except BencodeError as exc:
            future.set_exception(MediaError(f"malformed reply from rtpengine: {exc}"))

    async def command(self, name: str, **params: Any) -> dict[str, Any]:
        """Send `name` with `params` (underscores become dashes, None is left out) and return
        the reply. MediaRefused on `result: error`, MediaTimeout when nothing comes back."""
        if self._transport is None:
            raise MediaError("not connected: await connect() first")
        message = {"command": name}
        for key, value in params.items():
            if value is not None:
                message[key.replace("_", "-")] = value
        cookie = f"{self._prefix}_{next(self._counter)}".encode()
        packet = cookie + b" " + encode(message)
        future = asyncio.get_running_loop().create_future()
        self._pending[cookie] = future
        try:
            for _attempt in range(self.retries + 1):
                self._transport.sendto(packet)
                try:
                    reply = await asyncio.wait_for(asyncio.shield(future), self.timeout)
                    break
                except TimeoutError:
                    continue
            else:
                raise MediaTimeout(
                    f"no reply from rtpengine at {self.address[0]}:{self.address[1]} to "
                    f"{name!r} after {self.retries + 1} tries"
                )
        finally:
            self._pending.pop(cookie, None)
            if not future.done():
                future.cancel()
        if not isinstance(reply, dict):
            raise MediaError(f"rtpengine replied with a {type(reply).__name__}, not a dictionary")
        if reply.get("result") == "error":
            raise MediaRefused(name, reply.get("error-reason", "no reason given"))
        if reply.get("result") == "warning":
            log.warning("rtpengine %s: %s", name, reply.get("warning"))
        return reply

    # -- commands ---------------------------------------------------------------------------

    async def ping(self) -> bool:
        return (await self.command("ping")).get("result") == "pong"

    async def offer(
        self, call_id: str, from_tag: str, sdp: str, *, flags: Iterable[str] = (), **extra: Any
    ) -> dict[str, Any]:
        """The caller's SDP in; the reply's `sdp` points the callee at rtpengine."""
        return await self.command(
            "offer", call_id=call_id, from_tag=from_tag, sdp=sdp, flags=list(flags) or None, **extra
        )

    async def answer(
        self,
        call_id: str,
        from_tag: str,
        to_tag: str,
        sdp: str,
        *,
        flags: Iterable[str] = (),
        **extra: Any,
    ) -> dict[str, Any]:
        """The callee's SDP in; the reply's `sdp` points the caller at rtpengine."""
        return await self.command(
            "answer",
            call_id=call_id,
            from_tag=from_tag,
            to_tag=to_tag,
            sdp=sdp,
            flags=list(flags) or None,
            **extra,
        )

    async def delete(
        self, call_id: str, from_tag: str | None = None, *, delay: int = 0
    ) -> dict[str, Any]:
        """Release the call's ports after `delay` seconds (rtpengine's own default is 30).
        Deleting an unknown call is not an error: rtpengine answers ok with a warning, so a
        hang-up racing a failure does not need care."""
        return await self.command("delete", call_id=call_id, from_tag=from_tag, delete_delay=delay)

    async def query(self, call_id: str) -> dict[str, Any]:
        return await self.command("query", call_id=call_id)

    async def play_media(
        self, call_id: str, from_tag: str, file: str, *, repeat_times: int | None = None
    ) -> dict[str, Any]:
        """Play a WAV (a path the daemon can read) to the participant `from_tag` (rtpengine
        selects the listener by tag). The reply carries `duration` in milliseconds."""
        return await self.command(
            "play media", call_id=call_id, from_tag=from_tag, file=file, repeat_times=repeat_times
        )

    async def stop_media(self, call_id: str, from_tag: str) -> dict[str, Any]:
        return await self.command("stop media", call_id=call_id, from_tag=from_tag)

    async def play_dtmf(
        self, call_id: str, from_tag: str, code: str, *, duration_ms: int = 100
    ) -> dict[str, Any]:
        return await self.command(
            "play DTMF", call_id=call_id, from_tag=from_tag, code=code, duration=duration_ms
        )

    async def block_media(self, call_id: str, from_tag: str | None = None) -> dict[str, Any]:
        return await self.command("block media", call_id=call_id, from_tag=from_tag)

    async def unblock_media(self, call_id: str, from_tag: str | None = None) -> dict[str, Any]:
        return await self.command("unblock media", call_id=call_id, from_tag=from_tag)

    async def subscribe_request(
        self, call_id: str, *, from_tags: Iterable[str] = (), flags: Iterable[str] = ("all",)
    ) -> dict[str, Any]:
        """Fork media of the call to a new listener (listen-in): returns the `sdp` to offer
        the listener and the `to-tag` that names the subscription."""
        tags = list(from_tags)
        return await self.command(
            "subscribe request",
            call_id=call_id,
            from_tags=tags or None,
            flags=None if tags else list(flags),
        )

    async def subscribe_answer(self, call_id: str, to_tag: str, sdp: str) -> dict[str, Any]:
        """The listener's answer SDP for a subscription made by `subscribe_request`."""
        return await self.command("subscribe answer", call_id=call_id, to_tag=to_tag, sdp=sdp)

    async def start_recording(self, call_id: str) -> dict[str, Any]:
        """Record the call's RTP (the daemon runs with `--recording-method=pcap`): rtpengine
        writes `<recording-dir>/pcaps/<call-id>-<random>.pcap`, the packets it receives from
        every participant. Without a recording dir it answers ok and records nothing."""
        return await self.command("start recording", call_id=call_id)

    async def stop_recording(self, call_id: str) -> dict[str, Any]:
        """Close the call's pcap. `delete` closes it too; either way the metadata file
        `<recording-dir>/metadata/rtpengine-meta-<call-id>-<random>.txt` appears then (its
        first line names the pcap): the sign the pcap is complete."""
        return await self.command("stop recording", call_id=call_id)


def local_port(query: dict[str, Any], tag: str) -> int | None:
    """rtpengine's RTP port facing participant `tag`, from a `query` reply: where that
    participant's packets arrive (and so their destination port in a recording's pcap)."""
    try:
        for media in query["tags"][tag]["medias"]:
            for stream in media.get("streams", ()):
                if "RTCP" not in stream.get("flags", ()):
                    return int(stream["local port"])
    except (KeyError, TypeError, ValueError):
        return None
    return None
