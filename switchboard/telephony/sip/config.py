"""What the SIP side needs to know, read from settings/env; no sippy here.

Trunks are an IP allow-list for now (a Trunk model in admin comes next):
`SWITCHBOARD_SIP_TRUNKS="carrier=203.0.113.0/24,backup=198.51.100.7"`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SipConfigError(ValueError):
    """A SIP setting does not parse."""


@dataclass(frozen=True)
class Trunk:
    name: str
    networks: tuple[Network, ...]

    def allows(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def parse_trunks(text: str) -> tuple[Trunk, ...]:
    """`name=net[,net...];name=...` or, shorter, `name=net,name2=net`: each `net` an address or
    CIDR block. Entries without `=` belong to the trunk named before them."""
    trunks: dict[str, list[Network]] = {}
    current = None
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        if "=" in part:
            current, _, part = part.partition("=")
            current = current.strip()
        if not current:
            raise SipConfigError(f"trunk entry {part!r} has no name (write name=address)")
        try:
            trunks.setdefault(current, []).append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError as exc:
            raise SipConfigError(f"trunk {current!r}: {exc}") from exc
    return tuple(Trunk(name, tuple(nets)) for name, nets in trunks.items())


@dataclass(frozen=True)
class Phone:
    """An operator's SIP extension: what the phone registers as, and whose it is."""

    extension: str
    password: str
    agent: str


def parse_phones(text: str) -> dict[str, Phone]:
    """`extension:password:agent,...` (an Extension model in admin replaces this)."""
    phones = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        extension, _, rest = part.partition(":")
        password, _, agent = rest.rpartition(":")
        if not (extension and password and agent):
            raise SipConfigError(f"phone {part.split(':')[0]!r}: write extension:password:agent")
        phones[extension] = Phone(extension, password, agent)
    return phones


def parse_address(text: str) -> tuple[str, int]:
    """`host:port` (IPv6 as `[::1]:port`)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SipConfigError(f"{text!r} is not host:port")
    return host.strip("[]"), int(port)


@dataclass(frozen=True)
class SipConfig:
    host: str = "127.0.0.1"
    port: int = 5060
    trunks: tuple[Trunk, ...] = ()
    rtpengine: tuple[str, int] = ("127.0.0.1", 2223)
    # rtpengine's --dtmf-log-dest: we listen here for RFC 2833 digits as JSON.
    dtmf_listen: tuple[str, int] = ("127.0.0.1", 5999)
    prompts: Path = Path("prompts")
    prompt_files: dict[tuple[str, str], Path] = field(default_factory=dict)
    phones: dict[str, Phone] = field(default_factory=dict)  # by extension
    # INVITEs and REGISTERs per source address: a token bucket (then 503).
    requests_per_second: float = 50.0
    request_burst: int = 100
    # Seconds to wait for the caller's ACK of our 200 before hanging up (RFC 3261: 64*T1).
    ack_timeout: float = 32.0

    @classmethod
    def from_settings(cls) -> SipConfig:
        from django.conf import settings

        sip = settings.SWITCHBOARD["SIP"]
        return cls(
            host=sip["HOST"],
            port=sip["PORT"],
            trunks=parse_trunks(sip["TRUNKS"]),
            rtpengine=parse_address(sip["RTPENGINE"]),
            dtmf_listen=parse_address(sip["DTMF_LISTEN"]),
            prompts=Path(sip["PROMPTS"]),
            phones=parse_phones(sip.get("PHONES", "")),
            requests_per_second=sip.get("REQUESTS_PER_SECOND", 50.0),
            request_burst=sip.get("REQUEST_BURST", 100),
        )

    def phone_of(self, agent: str) -> Phone | None:
        return next((p for p in self.phones.values() if p.agent == agent), None)

    def trunk_for(self, host: str) -> Trunk | None:
        return next((t for t in self.trunks if t.allows(host)), None)

    def prompt_path(self, prompt: str, language: str) -> Path | None:
        """`prompt_files[(prompt, language)]`, else `prompts/<language>/<prompt>.wav`, else
        `prompts/<prompt>.wav`."""
        if (prompt, language) in self.prompt_files:
            return self.prompt_files[(prompt, language)]
        for candidate in (
            self.prompts / language / f"{prompt}.wav",
            self.prompts / f"{prompt}.wav",
        ):
            if candidate.is_file():
                return candidate
        return None
