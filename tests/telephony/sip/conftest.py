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


def free_media_ports(count: int = 4) -> int:
    """The first of `count` consecutive free UDP ports: SIPp binds its media port and the
    next ones (RTCP, video RTP and RTCP), and fails the call if any of them is taken."""
    while True:
        first = free_port()
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
        return first


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
    recording_dir: Path | None = None  # --recording-dir, when started to record

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
    yield from _rtpengine(tmp_path)


@pytest.fixture
def recording_rtpengine(tmp_path):
    """The same daemon, recording the calls it is asked to into pcaps under `recording_dir`
    (`--recording-method=pcap`; the recording daemon would need the kernel module)."""
    folder = tmp_path / "recordings"
    folder.mkdir()
    yield from _rtpengine(
        tmp_path, "--recording-method=pcap", f"--recording-dir={folder}", recording_dir=folder
    )


def _rtpengine(tmp_path, *extra: str, recording_dir: Path | None = None):
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
                *extra,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 5
        while not _ping(ng_port, 0.1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"rtpengine did not start:\n{log.read_text(errors='replace')[-2000:]}")
        yield Rtpengine(ng_port, dtmf_port, process, log, recording_dir)
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


# -- SIPp, the carrier ---------------------------------------------------------------------

SIPP_INVITE = """
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:{caller}@[local_ip]:[local_port];transport=UDP>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv

    ]]>
  </send>
"""

SIPP_ACK = """
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""

# The ACK of a final non-2xx answer (487 after CANCEL, 403 ...): same transaction, so it
# copies the INVITE's Via, From, To and Call-ID from the answer.
SIPP_NON_2XX_ACK = """
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""

SIPP_BYE = """
  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""

SIPP_AWAIT_BYE = """
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
"""


def carrier_call(
    caller: str,
    digits_pcap: str | list[str] | None = None,
    talk_ms: int = 300,
    *,
    we_hang_up: bool = False,
) -> str:
    """A SIPp scenario: the carrier calls, waits for our 200, presses a key (a DTMF pcap SIPp
    ships) and hangs up, or waits for our BYE (`we_hang_up`)."""
    body = SIPP_INVITE
    body += """
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
"""
    body += SIPP_ACK
    pcaps = [digits_pcap] if isinstance(digits_pcap, str) else digits_pcap or []
    for n, pcap in enumerate(pcaps):
        if n:  # each key press is a pcap of about 0.3 s: the next must not cut it short
            body += '  <pause milliseconds="500"/>\n'
        body += f"""
  <nop><action><exec play_pcap_audio="pcap/{pcap}"/></action></nop>
"""
    if we_hang_up:
        body += SIPP_AWAIT_BYE
    else:
        body += f'  <pause milliseconds="{talk_ms}"/>\n'
        body += SIPP_BYE
    return _scenario("carrier call", body.replace("{caller}", caller))


def cancelled_call(caller: str) -> str:
    """A SIPp scenario: the carrier calls and gives up before we answer (CANCEL). The 200 to
    the CANCEL and the 487 to the INVITE come in either order."""
    body = (
        SIPP_INVITE
        + """
  <recv response="100"/>
  <send>
    <![CDATA[
      CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" optional="true"/>
  <recv response="487"/>
"""
        + SIPP_NON_2XX_ACK
    )
    return _scenario("caller gives up", body.replace("{caller}", caller))


def refused_call(caller: str, code: int = 403) -> str:
    """A SIPp scenario expecting `code` to its INVITE (SIPp ACKs it as the non-2xx ACK)."""
    body = (
        SIPP_INVITE
        + """
  <recv response="100" optional="true"/>
  <recv response="{code}"/>
"""
        + SIPP_NON_2XX_ACK
    )
    return _scenario("refused", body.replace("{caller}", caller).replace("{code}", str(code)))


def phone_register(extension: str, password: str, *, accepted: bool = True) -> str:
    """A SIPp scenario: an operator's phone registers with digest auth (401, then 200, or
    401 again when the password is wrong)."""
    register = """
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{ext}@[remote_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:{ext}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: {cseq} REGISTER
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      {auth}
      Expires: 300
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""
    body = register.replace("{cseq}", "1").replace("{auth}", "")
    body += '  <recv response="401" auth="true"/>\n'
    body += register.replace("{cseq}", "2").replace(
        "{auth}", f"[authentication username={extension} password={password}]"
    )
    body += f'  <recv response="{200 if accepted else 401}"/>\n'
    return _scenario("phone registers", body.replace("{ext}", extension))


def phone_rings_unanswered(extension: str) -> str:
    """A SIPp UAS scenario: the phone rings until we CANCEL, then ends the INVITE with 487."""
    body = """
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="INVITE" optional="true"/>
  <recv request="CANCEL"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <send>
    <![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [cseq] INVITE
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
"""
    return _scenario("phone rings unanswered", body.replace("{ext}", extension))


def phone_answers(extension: str, talk_ms: int = 800, rtp_port: int | None = None) -> str:
    """A SIPp UAS scenario: the registered phone rings, answers with PCMA, talks, hangs up.
    `rtp_port` puts another receiver (a test's socket) in its SDP instead of SIPp's."""
    body = """
  <recv request="INVITE">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="1"/>
      <ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" assign_to="2"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=phone 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=sendrecv

    ]]>
  </send>
  <!-- sippy resends its INVITE when our answers are slow (a loaded machine) -->
  <recv request="INVITE" optional="true"/>
  <recv request="ACK"/>
"""
    body += f'  <pause milliseconds="{talk_ms}"/>\n'
    body += """
  <send retrans="500">
    <![CDATA[
      BYE [$2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{ext}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To:[$1]
      Call-ID: [call_id]
      CSeq: 1 BYE
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
"""
    if rtp_port is not None:
        body = body.replace("m=audio [media_port]", f"m=audio {rtp_port}")
    return _scenario("phone answers", body.replace("{ext}", extension))


def _scenario(name: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="{name}">\n{body}</scenario>\n'


@dataclass
class Sipp:
    """Runs SIPp scenarios against `target` from its own loopback address, in `folder`
    (where `pcap` points at the pcaps SIPp ships)."""

    folder: Path

    async def run(
        self,
        scenario: str,
        target: tuple[str, int] | None,
        *,
        local_ip: str = "127.0.0.1",
        port: int | None = None,
        media_port: int | None = None,
        service: str = "09611000000",
        timeout: float = 8.0,
    ) -> subprocess.CompletedProcess:
        """Run one scenario to its end (a UAS without `target`); never longer than `timeout`."""
        import asyncio

        path = self.folder / f"scenario-{free_port()}.xml"
        path.write_text(scenario)
        args = [
            "sipp",
            *([f"{target[0]}:{target[1]}"] if target else []),
            "-sf", str(path),
            "-m", "1",
            "-i", local_ip,
            "-p", str(port or free_port()),
            "-mi", local_ip,
            "-mp", str(media_port or free_media_ports()),
            "-s", service,
            "-timeout", f"{int(timeout)}s",
            "-timeout_error",
            "-recv_timeout", f"{int(timeout * 1000)}",
            "-nostdin",
            "-trace_err",
        ]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *args,
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(), timeout + 2)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        errors = "\n".join(p.read_text(errors="replace") for p in self.folder.glob("*errors.log"))
        return subprocess.CompletedProcess(
            args, process.returncode, out.decode(errors="replace") + errors
        )


@pytest.fixture
def sipp(tmp_path):
    need("sipp")
    (tmp_path / "pcap").symlink_to("/usr/share/sip-tester")
    return Sipp(tmp_path)
