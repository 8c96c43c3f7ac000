"""Digits from the caller: rtpengine's DTMF log (RFC 2833), SIP INFO bodies, and the
collector that turns key presses into one `DigitsReceived`. No sippy here."""

from __future__ import annotations

import json
import re

# RFC 4733 event codes 0-15.
EVENT_DIGITS = "0123456789*#ABCD"


def digit_from_rtpengine(packet: bytes) -> tuple[str, str] | None:
    """(rtpengine call-id, digit) from one `--dtmf-log-dest` datagram, None if it is not a
    well-formed DTMF event."""
    try:
        event = json.loads(packet)
        code = int(event["event"])
        call_id = str(event["callid"])
    except (ValueError, KeyError, TypeError):
        return None
    if event.get("type", "DTMF") != "DTMF" or not 0 <= code < len(EVENT_DIGITS):
        return None
    return call_id, EVENT_DIGITS[code]


_SIGNAL = re.compile(r"^\s*Signal\s*=\s*([0-9*#A-Da-d])\s*$", re.M)


def digit_from_info(content_type: str, body: str) -> str | None:
    """The digit of a SIP INFO: `application/dtmf-relay` (Signal=5) or `application/dtmf` (5)."""
    content_type = content_type.split(";")[0].strip().lower()
    if content_type == "application/dtmf-relay":
        match = _SIGNAL.search(body)
        return match.group(1).upper() if match else None
    if content_type == "application/dtmf":
        body = body.strip()
        if len(body) == 1 and body.upper() in EVENT_DIGITS:
            return body.upper()
        if body.isdigit() and int(body) < len(EVENT_DIGITS):
            return EVENT_DIGITS[int(body)]
    return None


class DigitCollector:
    """Key presses of one call. Digits pressed while nobody collects are kept (callers type
    ahead over a prompt) up to `buffer` digits; `start` and `press` return the digits once
    `max_digits` are in."""

    def __init__(self, buffer: int = 16) -> None:
        self.pending = ""
        self.max_digits = 0  # 0: not collecting
        self.buffer = buffer

    @property
    def collecting(self) -> bool:
        return self.max_digits > 0

    def start(self, max_digits: int) -> str | None:
        self.max_digits = max(1, max_digits)
        return self._complete()

    def press(self, digit: str) -> str | None:
        self.pending = (self.pending + digit)[-self.buffer :]
        return self._complete() if self.collecting else None

    def time_out(self) -> str:
        """Collection ends with what came: the digits so far, or ""."""
        digits, self.pending, self.max_digits = self.pending, "", 0
        return digits

    def _complete(self) -> str | None:
        if len(self.pending) < self.max_digits:
            return None
        digits = self.pending[: self.max_digits]
        self.pending, self.max_digits = self.pending[self.max_digits :], 0
        return digits
