"""Real SIP peers and media on loopback: rtpengine, SIPp, prompts made with espeak-ng.

Every fixture picks free ports, waits for its daemon by asking it (never a fixed sleep),
and kills what it started in a `finally`. When a Debian binary is missing the tests
skip and say which package `make test` would install.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from switchboard.telephony._bencode import decode, encode

BINARIES = {
    "rtpengine": "rtpengine-daemon",
    "sipp": "sip-tester",
    "espeak-ng": "espeak-ng",
    "sox": "sox",
}


def need(*binaries: str) -> None:
    missing = [b for b in binaries if shutil.which(b) is None]
    if missing:
        packages = " ".join(BINARIES.get(b, b) for b in missing)
        pytest.skip(
            f"{', '.join(missing)} not installed (Debian: {packages}; make test installs it)"
        )


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=3)


@dataclass
class Rtpengine:
    ng_port: int
    dtmf_port: int  # where rtpengine sends DTMF events as JSON (nobody listens until a test does)
    process: subprocess.Popen
    log: Path

    @property
    def ng_address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.ng_port)


def _ping(port: int, timeout: float) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(b"ready " + encode({"command": "ping"}), ("127.0.0.1", port))
        try:
            data, _ = s.recvfrom(4096)
        except OSError:  # timeout, or port unreachable before the daemon binds
            return False
    return decode(data.partition(b" ")[2]).get(b"result") == b"pong"


@pytest.fixture
def rtpengine(tmp_path):
    """The real daemon in userspace on loopback, ready (it answered a ping)."""
    need("rtpengine")
    ng_port, dtmf_port = free_port(), free_port()
    # A port range of our own so parallel runs and other tests do not collide.
    low = 20000 + (ng_port % 400) * 100
    log = tmp_path / "rtpengine.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                "rtpengine",
                "--config-file=none",
                "--interface=127.0.0.1",
                f"--listen-ng=127.0.0.1:{ng_port}",
                "--table=-1",
                "--foreground",
                "-E",
                f"--dtmf-log-dest=127.0.0.1:{dtmf_port}",
                f"--port-min={low}",
                f"--port-max={low + 99}",
                "--log-level=6",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 5
        while not _ping(ng_port, 0.1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"rtpengine did not start:\n{log.read_text(errors='replace')[-2000:]}")
        yield Rtpengine(ng_port, dtmf_port, process, log)
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def prompt_wav(tmp_path_factory):
    """A short Bengali-then-English prompt, 8 kHz mono 16-bit: what G.711 carries."""
    need("espeak-ng", "sox")
    folder = tmp_path_factory.mktemp("prompts")
    bn, en, out = folder / "bn.wav", folder / "en.wav", folder / "welcome.wav"
    subprocess.run(["espeak-ng", "-v", "bn", "-w", bn, "স্বাগতম।"], check=True, timeout=20)
    subprocess.run(["espeak-ng", "-v", "en", "-w", en, "Welcome."], check=True, timeout=20)
    subprocess.run(
        ["sox", bn, en, "-r", "8000", "-c", "1", "-b", "16", out], check=True, timeout=20
    )
    return out


def sdp(port: int, session: int = 1, codecs: str = "8 0 101") -> str:
    """An audio offer from 127.0.0.1:`port` (PCMA, PCMU, RFC 2833 events)."""
    return (
        "v=0\r\n"
        f"o=- {session} 1 IN IP4 127.0.0.1\r\n"
        "s=-\r\n"
        "c=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP {codecs}\r\n"
        "a=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\n"
        "a=fmtp:101 0-15\r\n"
        "a=sendrecv\r\n"
    )
