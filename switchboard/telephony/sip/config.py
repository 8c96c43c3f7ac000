"""What the SIP side needs to know; no sippy here.

`SipConfig.from_settings()` reads the settings (host, ports, rtpengine) and the database:
trunks, operators' extensions and prompt files (switchboard/telephony/models.py). An extra
IP allow-list may come from `SWITCHBOARD_SIP_TRUNKS="carrier=203.0.113.0/24,backup=198.51.100.7"`
(a test rig, or a carrier set up before the database is).
A trunk given by env that also carries our outbound calls says where to send them and
with which caller ID: `carrier=203.0.113.0/24,@203.0.113.5:5060,#+8809612345678`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from .auth import REALM, ha1_of

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SipConfigError(ValueError):
    """A SIP setting does not parse."""


@dataclass(frozen=True)
class Trunk:
    name: str
    networks: tuple[Network, ...]
    outbound: tuple[str, int] | None = None  # where our outbound INVITEs go
    caller_id: str = ""  # presented on outbound calls unless the engine gives one
    # Registration mode: the carrier's device REGISTERs as `username` (digest, like a phone);
    # INVITEs from the address it registered from are then accepted as this trunk's.
    username: str = ""
    ha1: str = ""

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
    outbound: dict[str, tuple[str, int]] = {}
    caller_ids: dict[str, str] = {}
    current = None
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        if "=" in part:
            current, _, part = part.partition("=")
            current = current.strip()
        if not current:
            raise SipConfigError(f"trunk entry {part!r} has no name (write name=address)")
        part = part.strip()
        if part.startswith("@"):  # where outbound calls go
            outbound[current] = parse_address(part[1:])
            trunks.setdefault(current, [])
            continue
        if part.startswith("#"):  # the caller ID of outbound calls
            caller_ids[current] = part[1:].strip()
            trunks.setdefault(current, [])
            continue
        try:
            trunks.setdefault(current, []).append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise SipConfigError(f"trunk {current!r}: {exc}") from exc
    return tuple(
        Trunk(name, tuple(nets), outbound.get(name), caller_ids.get(name, ""))
        for name, nets in trunks.items()
    )


@dataclass(frozen=True)
class Phone:
    """An operator's SIP extension: what the phone registers as, and whose it is.

    From the database only `ha1` is known; tests may give a `password` instead."""

    extension: str
    password: str = field(default="", repr=False)
    agent: str = ""
    ha1: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.ha1 and self.password:
            object.__setattr__(self, "ha1", ha1_of(self.extension, REALM, self.password))


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
    prompt_files: dict[tuple[str, str], Path] = field(default_factory=dict)  # (prompt, language)
    # A menu's own prompts: (dialed number, prompt, language); language "" = any.
    menu_prompt_files: dict[tuple[str, str, str], Path] = field(default_factory=dict)
    phones: dict[str, Phone] = field(default_factory=dict)  # by extension
    # INVITEs and REGISTERs per source address: a token bucket (then 503).
    requests_per_second: float = 50.0
    request_burst: int = 100
    # rtpengine's --recording-dir (with --recording-method=pcap); None: calls are not recorded.
    recording_dir: Path | None = None
    # Seconds to wait for the caller's ACK of our 200 before hanging up (RFC 3261: 64*T1).
    ack_timeout: float = 32.0

    @classmethod
    def from_settings(cls) -> SipConfig:
        from django.conf import settings

        from .from_db import phones_from_db, prompts_from_db, trunks_from_db

        sip = settings.SWITCHBOARD["SIP"]
        prompt_files, menu_prompt_files = prompts_from_db()
        return cls(
            host=sip["HOST"],
            port=sip["PORT"],
            trunks=trunks_from_db() + parse_trunks(sip.get("TRUNKS", "")),
            rtpengine=parse_address(sip["RTPENGINE"]),
            dtmf_listen=parse_address(sip["DTMF_LISTEN"]),
            prompts=Path(sip["PROMPTS"]),
            prompt_files=prompt_files,
            menu_prompt_files=menu_prompt_files,
            phones=phones_from_db(),
            requests_per_second=sip.get("REQUESTS_PER_SECOND", 50.0),
            request_burst=sip.get("REQUEST_BURST", 100),
            recording_dir=Path(sip["RECORDING_DIR"]) if sip.get("RECORDING_DIR") else None,
        )

    def phone_of(self, agent: str) -> Phone | None:
        return next((p for p in self.phones.values() if p.agent == agent), None)

    def outbound_trunk(self) -> Trunk | None:
        """The trunk our outbound calls and transfers go through: the first with a target."""
        return next((t for t in self.trunks if t.outbound is not None), None)

    def trunk_for(self, host: str) -> Trunk | None:
        """The IP-mode trunk whose allow-list holds `host` (registration trunks: stack.py)."""
        return next((t for t in self.trunks if t.allows(host)), None)

    def registering_trunk(self, username: str) -> Trunk | None:
        return next((t for t in self.trunks if t.username and t.username == username), None)

    def ha1_for(self, username: str) -> str | None:
        """The digest HA1 of an extension or of a registration trunk, None if unknown."""
        phone = self.phones.get(username)
        if phone is not None:
            return phone.ha1 or None
        trunk = self.registering_trunk(username)
        return (trunk.ha1 or None) if trunk is not None else None

    def prompt_path(self, prompt: str, language: str, dialed: str = "") -> Path | None:
        """The call's own menu's prompt (by the number it dialed) in `language`, then in any
        language; then `prompt_files[(prompt, language)]` (every menu), then any language;
        then `prompts/<language>/<prompt>.wav`, then `prompts/<prompt>.wav`."""
        for key in ((dialed, prompt, language), (dialed, prompt, "")):
            if dialed and key in self.menu_prompt_files:
                return self.menu_prompt_files[key]
        for key in ((prompt, language), (prompt, "")):
            if key in self.prompt_files:
                return self.prompt_files[key]
        for candidate in (
            self.prompts / language / f"{prompt}.wav",
            self.prompts / f"{prompt}.wav",
        ):
            if candidate.is_file():
                return candidate
        return None
