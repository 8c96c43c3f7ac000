"""The little SDP we write ourselves; rtpengine rewrites the rest. No sippy here."""

from __future__ import annotations

import re

_AUDIO = re.compile(r"^m=audio \d+ [A-Z/]+ ([\d ]+)\s*$", re.M)
_STATIC = {"0": "PCMU/8000", "8": "PCMA/8000", "9": "G722/8000", "18": "G729/8000"}


def audio_payloads(sdp: str) -> list[str]:
    match = _AUDIO.search(sdp)
    return match.group(1).split() if match else []


def placeholder_answer(offer: str, session: int) -> str:
    """Our side of a call nobody is bridged to yet: the offer's first static codec (what the
    caller prefers and can take), telephone-events if offered, aimed at the discard port.
    rtpengine answers the caller from its own ports and plays prompts into that leg."""
    payloads = audio_payloads(offer)
    codec = next((p for p in payloads if p in _STATIC), "8")
    events = re.search(r"^a=rtpmap:(\d+) telephone-event/8000", offer, re.M | re.I)
    formats = [codec] + ([events.group(1)] if events else [])
    lines = [
        "v=0",
        f"o=switchboard {session} 1 IN IP4 127.0.0.1",
        "s=switchboard",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        f"m=audio 9 RTP/AVP {' '.join(formats)}",
        f"a=rtpmap:{codec} {_STATIC[codec]}",
    ]
    if events:
        lines += [
            f"a=rtpmap:{events.group(1)} telephone-event/8000",
            f"a=fmtp:{events.group(1)} 0-15",
        ]
    lines.append("a=sendrecv")
    return "\r\n".join(lines) + "\r\n"


def normalise_number(user: str | None) -> str:
    """A SIP user part as a phone number: separators dropped, 00 → +."""
    if not user:
        return ""
    number = re.sub(r"[\s().-]", "", user)
    if number.startswith("00"):
        number = "+" + number[2:]
    return number
