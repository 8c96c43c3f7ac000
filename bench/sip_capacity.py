"""Benchmark: real SIP calls through the engine, sippy and rtpengine, to SIPp operators' phones.

Run from the repository root (needs the Debian packages sip-tester, rtpengine-daemon, sox):

    python bench/sip_capacity.py               # about 3 minutes, SQLite
    python bench/sip_capacity.py --quick       # under a minute, small steps
    python bench/sip_capacity.py --postgres    # on a scratch PostgreSQL (TEST_DATABASE_URL)
    python bench/sip_capacity.py --profile     # cProfile of the engine's two threads

Everything runs on this machine, on loopback:
- a scratch database (SQLite in a temporary folder, or PostgreSQL made and dropped by
  bench/_scratch.py) with one queue (wrap-up 0, 60 s ring time), N agents with a SIP
  extension each, and a menu on a second number with an option for a queue nobody serves;
- rtpengine in userspace (`--table=-1`), its own port range;
- the engine with `SipTelephony` in a child process (this script with `--engine-child`): the
  same code `switchboard engine` runs, on the in-memory channel layer; all agents go
  available through engine commands, as a desk's would; the phone's answer is the accept;
- ONE SIPp process is every operator's phone: a register scenario with an injection CSV
  registers all N extensions (digest auth) from one port, then a UAS on that same port
  answers every INVITE (180, 200 with PCMA) and echoes the RTP back (`-rtp_echo`);
- SIPp callers, `uac_pcap`-like: INVITE with PCMA, then SIPp's `g711a.pcap` played for the
  whole call (repeated), BYE after `--call-seconds`.

Stepping up: each step holds `C` concurrent callers (`-l C`, rate 1.1 C / call length, so
the steady state is C calls in progress and C / length setups a second) for `--hold`
seconds. Per step: calls failed (SIPp's count of calls that did not run their scenario to
the end, over calls placed), the bridged calls the engine held (state `talking`, sampled
each second, median over the hold window), setups a second, SIPp's mean INVITE -> 200 time,
rtpengine's relayed packet rate per bridged call (both directions: about 2 x 33 packets/s
with SIPp's 30 ms pcap), and CPU from /proc: the engine process (all its threads: sippy,
asyncio, the database writes) and rtpengine, each per call, and the cores both kept busy
while the calls were held (for calls per GHz). Stepping stops at the first step over 0.1%
failed.

Then the IVR step: `--ivr` callers dial the menu's number and type 9 ahead (SIP INFO); they
hear the greeting and the menu, then wait in the queue nobody serves, hearing its music.
Their SDP points at a socket of this script, which counts, over three seconds in the hold
window, the distinct rtpengine ports sending audio to it: callers actually hearing a prompt
or music.

The load average is printed: other work on the machine makes the figures noisy. The last line
printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import run_on_scratch_postgres  # noqa: E402

BRIDGED_NUMBER = "+8809610000001"  # no menu: straight into the agents' queue
IVR_NUMBER = "+8809610000002"  # the menu, then a queue nobody serves
PASSWORD = "bench-secret"
PCAP = "g711a.pcap"
PCAP_MS = 7050  # its length: 236 packets of 30 ms
ASTERISK_CALLS_PER_GHZ = 100  # the anchor: Asterisk relaying G.711


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the database ------------------------------------------------------------------------------


def prepare(env: dict, agents: int) -> list[tuple[str, int]]:
    """Migrate; add the queues, the menu and the agents; return (extension, user id) pairs."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    from switchboard.accounts.models import User
    from switchboard.acd.models import (
        AgentProfile,
        AgentSkill,
        IvrMenu,
        IvrOption,
        Queue,
        QueueSkill,
        Skill,
    )

    phones_skill = Skill.objects.create(code="phones", name_en="Takes calls")
    queue = Queue.objects.create(code="phones", name_en="Phones", ring_seconds=60, wrapup_seconds=0)
    QueueSkill.objects.create(queue=queue, skill=phones_skill)
    nobody = Skill.objects.create(code="nobody", name_en="Nobody has it")
    hold = Queue.objects.create(code="hold", name_en="Hold", ring_seconds=60, wrapup_seconds=0)
    QueueSkill.objects.create(queue=hold, skill=nobody)
    # A number without a menu goes to the first menu's default queue: the agents' queue.
    # The IVR callers press 9 (SIP INFO) for the queue nobody serves.
    menu = IvrMenu.objects.create(
        dialed_number=IVR_NUMBER,
        greeting_en="Welcome",
        menu_en="Press 9",
        ask_language=False,
        default_queue=queue,
        digit_timeout_seconds=2,
        max_attempts=1,
    )
    IvrOption.objects.create(menu=menu, digit="9", queue=hold, reason="hold")
    users = [
        User(username=f"phone{i:04d}", first_name="Phone", last_name=str(i)) for i in range(agents)
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    users = list(User.objects.filter(username__startswith="phone").order_by("username"))
    profiles = AgentProfile.objects.bulk_create(
        [AgentProfile(user=u, extension=str(1000 + i)) for i, u in enumerate(users)]
    )
    AgentSkill.objects.bulk_create(
        [AgentSkill(agent=p, skill=phones_skill, level=5) for p in profiles]
    )
    return [(str(1000 + i), u.pk) for i, u in enumerate(users)]


def make_prompts(folder: Path) -> None:
    """Tones of a prompt's typical length (the menu's logic and media, not its speech)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, seconds, hz in (
        ("greeting", 2.0, 440),
        ("language", 2.5, 523),
        ("menu", 3.0, 587),
        ("invalid", 1.0, 330),
        ("music", 6.0, 392),
    ):
        subprocess.run(
            ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", folder / f"{name}.wav"]
            + ["synth", str(seconds), "sine", str(hz), "vol", "0.3"],
            check=True,
            timeout=30,
        )


# -- the engine, in a child process ------------------------------------------------------------


def engine_child(args: argparse.Namespace) -> None:
    """Run the engine on SIP until SIGTERM; write a status line a second to the file the spec names."""
    import faulthandler

    import django

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1: where is it stuck?
    django.setup()
    from asgiref.sync import sync_to_async
    from channels.layers import InMemoryChannelLayer

    from switchboard.acd.floor import Command, Event
    from switchboard.telephony.bots import LayerDesk
    from switchboard.telephony.engine import Engine
    from switchboard.telephony.setup import load_setup
    from switchboard.telephony.sip import SipTelephony
    from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks

    spec = json.loads(args.engine_child)
    phones = {ext: Phone(ext, PASSWORD, str(user)) for ext, user in spec["phones"]}
    config = SipConfig(
        port=spec["sip_port"],
        trunks=parse_trunks("bench=127.0.0.1"),
        rtpengine=("127.0.0.1", spec["ng_port"]),
        dtmf_listen=("127.0.0.1", spec["dtmf_port"]),
        prompts=Path(spec["prompts"]),
        phones=phones,
        # One carrier address places every call here: the flood limit is not what is measured.
        requests_per_second=1e6,
        request_burst=1_000_000,
    )

    async def main() -> None:
        layer = InMemoryChannelLayer(capacity=10_000)
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        engine = Engine(setup, SipTelephony(config), layer, engine_id="sip-bench")
        await engine.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        try:
            for _ext, user in spec["phones"]:
                desk = await LayerDesk(layer, user).open()
                await desk.send(Command.GO_AVAILABLE)
                await desk.wait_for(Event.AGENT_STATE, timeout=30, state="available")
                await desk.close()  # nobody reads the desk's events during the run
            with open(spec["status"], "a") as status:
                while not stop.is_set():
                    with_state: dict[str, int] = {}
                    for live in engine.calls.values():
                        with_state[live.state] = with_state.get(live.state, 0) + 1
                    cpu = os.times()
                    line = {"t": time.time(), "states": with_state, "cpu": cpu.user + cpu.system}
                    status.write(json.dumps(line) + "\n")
                    status.flush()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 1.0)
        finally:
            await engine.stop()

    if not spec.get("profile"):
        asyncio.run(main())
        return
    # --profile: cProfile in the engine's loop thread and in the sippy thread, one file each,
    # timed by each thread's own CPU time (wall time would show the idle poll and the time
    # the thread waited for a core).
    import cProfile

    from switchboard.telephony.sip import stack

    folder = Path(spec["profile"])
    sippy_main = stack.SippySide._sippy_main

    def profiled_sippy_main(self, ready) -> None:
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        try:
            sippy_main(self, ready)
        finally:
            profile.disable()
            profile.dump_stats(folder / "sippy-thread.prof")

    stack.SippySide._sippy_main = profiled_sippy_main
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        asyncio.run(main())
    finally:
        profile.disable()
        profile.dump_stats(folder / "engine-loop.prof")


# -- SIPp scenarios ------------------------------------------------------------------------


def _scenario(name: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="{name}">\n{body}</scenario>\n'


def register_scenario() -> str:
    """Each 'call' registers one extension of the injection file: 401, then 200."""
    register = """
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@[remote_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field0]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: {cseq} REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      {auth}
      Expires: 3600
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""
    body = register.replace("{cseq}", "1").replace("      {auth}\n", "")
    body += '  <recv response="401" auth="true"/>\n'
    # SIPp does not expand a field inside the keyword: the CSV holds the whole keyword.
    body += register.replace("{cseq}", "2").replace("{auth}", "[field1]")
    body += '  <recv response="200"/>\n'
    return _scenario("phones register", body)


PHONE = """
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:phone@[local_ip]:[local_port]>
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
      Contact: <sip:phone@[local_ip]:[local_port]>
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
  <recv request="ACK"/>
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


INFO_DIGIT = """
  <send retrans="500">
    <![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+8801700000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={digit}
      Duration=160

    ]]>
  </send>
  <recv response="200"/>
"""


def caller_scenario(
    talk_ms: int, *, play: bool, media_port: int | None = None, digit: str = ""
) -> str:
    """The carrier's caller: INVITE (PCMA), ACK, the pcap played over and over while the call
    lasts (`play`), BYE. `media_port` puts another receiver (a socket) in the SDP."""
    body = f"""
  <send retrans="500" start_rtd="setup">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+8801700000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:+8801700000000@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio {media_port or "[media_port]"} RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv

    ]]>
  </send>
  <recv response="100" optional="global"/>
  <recv response="180" optional="global"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true" rtd="setup"/>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+8801700000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""
    if digit:  # typed ahead over the greeting: the menu takes it when it listens
        body += INFO_DIGIT.replace("{digit}", digit)
    left = talk_ms
    while left > 0:
        if play:
            body += f'  <nop><action><exec play_pcap_audio="pcap/{PCAP}"/></action></nop>\n'
        step = min(left, PCAP_MS)
        body += f'  <pause milliseconds="{step}"/>\n'
        left -= step
    body += """
  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+8801700000000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""
    return _scenario("caller", body)


def sipp_args(scenario: Path, *, port: int, media_port: int, extra: list[str]) -> list[str]:
    return [
        "sipp", "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(port),
        "-mi", "127.0.0.1", "-mp", str(media_port), "-nostdin", "-trace_err",
        "-max_recv_loops", "5000", "-max_sched_loops", "5000", *extra,
    ]  # fmt: skip


def sipp_ms(value: str) -> float:
    """SIPp's `HH:MM:SS:micro` as milliseconds."""
    hours, minutes, seconds, micro = (int(p) for p in value.split(":"))
    return (hours * 3600 + minutes * 60 + seconds) * 1000 + micro / 1000


def read_sipp_stats(path: Path) -> list[dict]:
    """SIPp's `-trace_stat` CSV (`;` separated, one row per `-fd` period)."""
    if not path.exists():
        return []
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    if len(lines) < 2:
        return []
    header = lines[0].rstrip(";").split(";")
    return [dict(zip(header, line.rstrip(";").split(";"), strict=False)) for line in lines[1:]]


# -- measuring ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def core_ghz() -> tuple[int, float]:
    mhz = [
        float(line.split(":")[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("cpu MHz")
    ]
    cores = os.cpu_count() or 1
    return cores, (statistics.mean(mhz) / 1000 if mhz else float("nan"))


_COOKIES = itertools.count(1)


def ng(port: int, command: dict, timeout: float = 2.0) -> dict:
    from switchboard.telephony._bencode import decode, encode

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        # rtpengine caches replies by cookie: a new cookie for each request.
        cookie = f"bench{next(_COOKIES)}".encode()
        s.sendto(cookie + b" " + encode(command), ("127.0.0.1", port))
        data, _ = s.recvfrom(65535)
    return decode(data.partition(b" ")[2])


def relayed_packets(port: int) -> int:
    reply = ng(port, {"command": "statistics"})
    if b"statistics" not in reply:
        raise RuntimeError(f"rtpengine statistics: {reply!r:.300}")
    stats = reply[b"statistics"][b"totalstatistics"]
    return int(stats[b"relayedpackets"])


def engine_states(status: Path, since: float, until: float) -> list[dict]:
    rows = []
    for line in status.read_text().splitlines():
        with_time = json.loads(line)
        if since <= with_time["t"] <= until:
            rows.append(with_time)
    return rows


def count_listeners(sock: socket.socket, seconds: float) -> tuple[int, int]:
    """Distinct senders (rtpengine ports, one per caller) and packets, over `seconds`."""
    senders: set[tuple[str, int]] = set()
    packets = 0
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data, addr = sock.recvfrom(2048)
        except TimeoutError:
            break
        if len(data) > 12 and data[0] >> 6 == 2:  # RTP version 2
            senders.add(addr)
            packets += 1
    return len(senders), packets


def drain(sock: socket.socket) -> None:
    sock.setblocking(False)
    try:
        while True:
            sock.recv(2048)
    except BlockingIOError:
        pass
    sock.setblocking(True)


# -- the run -------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, argv: list[str], name: str, **kwargs) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            argv, stdout=kwargs.pop("stdout", log), stderr=log, cwd=self.folder, **kwargs
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)

    def run_callers(
        self, name: str, target: tuple[str, int], scenario: str, *, limit: int, rate: float,
        calls: int, service: str, timeout: float,
    ) -> tuple[subprocess.Popen, Path]:  # fmt: skip
        path = self.folder / f"{name}.xml"
        path.write_text(scenario)
        stats = self.folder / f"{name}.csv"
        argv = sipp_args(path, port=free_port(), media_port=free_port(), extra=[])
        argv[1:1] = [f"{target[0]}:{target[1]}"]
        argv += [
            "-s", service, "-l", str(limit), "-r", f"{rate:.3f}", "-rp", "1000",
            "-m", str(calls), "-trace_stat", "-stf", str(stats), "-fd", "1",
            "-recv_timeout", "20000", "-timeout", f"{int(timeout)}s",
        ]  # fmt: skip
        return self.start(argv, name), stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="100,200,300,400", help="concurrent callers per step")
    parser.add_argument("--call-seconds", type=float, default=10.0, help="each bridged call")
    parser.add_argument("--hold", type=float, default=10.0, help="seconds each step holds")
    parser.add_argument("--ivr", type=int, default=150, help="callers held in the IVR/queue")
    parser.add_argument("--quick", action="store_true", help="steps 50,100; 60 IVR callers")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="the database on a scratch PostgreSQL (TEST_DATABASE_URL), dropped afterwards",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the engine (both threads); slower"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--engine-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_child:
        engine_child(args)
        return
    if args.postgres:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise SystemExit("--postgres needs TEST_DATABASE_URL (postgresql://.../any_db)")
        argv = [a for a in sys.argv[1:] if a != "--postgres"]
        result = run_on_scratch_postgres(url, __file__, argv, prefix="switchboard_sip_bench")
        if result is None:
            raise SystemExit(1)
        print(json.dumps(result))
        return
    if args.quick:
        args.steps, args.ivr, args.hold = "50,100", 60, 6.0
    missing = [b for b in ("sipp", "rtpengine", "sox") if shutil.which(b) is None]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} not installed (Debian: sip-tester, rtpengine-daemon, sox)"
        )
    steps = [int(s) for s in args.steps.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="sip-capacity-"))
    (folder / "pcap").symlink_to("/usr/share/sip-tester")
    bench = Bench(args, folder)
    load_before = os.getloadavg()
    try:
        result = run(bench, steps)
    finally:
        bench.stop_all()
    load_after = os.getloadavg()
    result["database"] = args.backend
    result["load_avg"] = [round(load_before[0], 2), round(load_after[0], 2)]
    print(f"logs in {folder}")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(json.dumps(result))


def run(bench: Bench, steps: list[int]) -> dict:
    args, folder = bench.args, bench.folder
    agents = math.ceil(max(steps) * 1.1) + 5
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DATABASE_URL": (
            os.environ["DATABASE_URL"]  # a scratch database made by bench/_scratch.py
            if args.backend == "postgres"
            else f"sqlite:///{folder / 'bench.sqlite3'}"
        ),
        "SWITCHBOARD_VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    started = time.monotonic()
    phones = prepare(env, agents)
    make_prompts(folder / "prompts")

    ng_port, dtmf_port, sip_port = free_port(), free_port(), free_port()
    rtpengine = bench.start(
        [
            "rtpengine", "--config-file=none", "--interface=127.0.0.1",
            f"--listen-ng=127.0.0.1:{ng_port}", "--table=-1", "--foreground", "-E",
            f"--dtmf-log-dest=127.0.0.1:{dtmf_port}", "--port-min=42000", "--port-max=49999",
            "--log-level=4", "--timeout=120",
        ],
        "rtpengine",
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            if ng(ng_port, {"command": "ping"}, 0.2).get(b"result") == b"pong":
                break
        except OSError:
            pass
        if time.monotonic() > deadline or rtpengine.poll() is not None:
            raise SystemExit("rtpengine did not start; see rtpengine.log in " + str(folder))

    status = folder / "engine-status.jsonl"
    spec = {
        "phones": phones,
        "sip_port": sip_port,
        "ng_port": ng_port,
        "dtmf_port": dtmf_port,
        "prompts": str(folder / "prompts"),
        "status": str(status),
        "profile": str(folder) if args.profile else "",
    }
    # Its output goes to a file: sippy prints warnings to stdout, and a pipe nobody reads
    # would fill up and stop the sippy thread.
    engine = bench.start(
        [sys.executable, __file__, "--engine-child", json.dumps(spec)], "engine", env=env
    )
    deadline = time.monotonic() + 120
    while not (status.exists() and status.read_text()):  # a status line: agents available
        if engine.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the engine did not start; see engine.log in {folder}")
        time.sleep(0.2)
    target = ("127.0.0.1", sip_port)

    # Every operator's phone: one SIPp, first registering all extensions, then answering.
    phone_port, phone_media = free_port(), free_port()
    csv = folder / "phones.csv"
    csv.write_text(
        "SEQUENTIAL\n"
        + "".join(
            f"{ext};[authentication username={ext} password={PASSWORD}]\n" for ext, _ in phones
        )
    )
    (folder / "register.xml").write_text(register_scenario())
    register = subprocess.run(
        [
            *sipp_args(folder / "register.xml", port=phone_port, media_port=phone_media, extra=[]),
            f"{target[0]}:{target[1]}", "-inf", str(csv), "-m", str(len(phones)), "-r", "200",
            "-timeout", "60s", "-timeout_error",
        ],
        cwd=folder, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if register.returncode != 0:
        raise SystemExit(f"phones did not register:\n{register.stdout[-2000:]}")
    (folder / "phone.xml").write_text(_scenario("phone", PHONE))
    phone_stats = folder / "phones.csv.stat"
    bench.start(
        sipp_args(folder / "phone.xml", port=phone_port, media_port=phone_media, extra=[])
        + ["-rtp_echo", "-trace_stat", "-stf", str(phone_stats), "-fd", "1"],
        "phones",
    )
    print(
        f"{len(phones)} phones registered from one SIPp, agents available; "
        f"setup took {time.monotonic() - started:.0f} s"
    )
    print(
        "step: callers placed, failed, bridged (median/max), setups/s (INVITE -> 200), "
        "relayed pkt/s per bridged call, CPU ms/call engine + rtpengine"
    )

    results = []
    for limit in steps:
        result = bridged_step(bench, target, limit, engine.pid, rtpengine.pid, ng_port, status)
        results.append(result)
        print(
            f"{limit:5d}: {result['placed']:5d} placed, {result['failed']:3d} failed "
            f"({result['failed_pct']:.2f}%), bridged {result['bridged_median']}/"
            f"{result['bridged_max']}, {result['setups_per_s']:.1f} setups/s "
            f"(INVITE to 200: {result['setup_ms']:.0f} ms on average), "
            f"{result['pps_per_call']:.0f} pkt/s per call, "
            f"CPU {result['engine_ms_per_call']:.1f} + {result['rtpengine_ms_per_call']:.1f} ms/call"
        )
        if result["failed_pct"] > 0.1:
            break
    ivr = ivr_step(bench, target, args.ivr, status)
    print(
        f"IVR/queue: {ivr['held']} callers held ({ivr['failed']} failed), "
        f"{ivr['hearing']} hearing prompts or music ({ivr['packets_per_s']:.0f} pkt/s to them), "
        f"engine states {ivr['states']}"
    )

    engine.send_signal(signal.SIGTERM)
    engine.wait(60)
    from django.db.models import Count

    from switchboard.calls.models import Call

    if args.profile:
        import pstats

        for name in ("engine-loop", "sippy-thread"):
            path = folder / f"{name}.prof"
            if path.exists():
                print(f"-- profile of the {name} (CPU time: own, then cumulative, top 20):")
                stats = pstats.Stats(str(path))
                stats.sort_stats("tottime").print_stats(20)
                stats.sort_stats("cumulative").print_stats(30)
    outcomes = dict(Call.objects.values_list("outcome").annotate(n=Count("id")))
    open_rows = Call.objects.filter(ended_at__isnull=True).count()
    print(f"Call records: {outcomes}, still open {open_rows}")

    held = [r for r in results if r["failed_pct"] <= 0.1]
    best = max(held, key=lambda r: r["bridged_median"]) if held else results[0]
    cores, ghz = core_ghz()
    per_ghz = best["bridged_median"] / (cores * ghz)
    per_used_ghz = best["bridged_median"] / max(1e-9, best["cores_busy"] * ghz)
    print(
        f"held {best['bridged_median']} bridged calls on {cores} cores at {ghz:.2f} GHz: "
        f"{per_ghz:.0f} calls per GHz of the machine (SIPp's callers and phones included); "
        f"the engine and rtpengine kept {best['cores_busy']:.2f} cores busy holding them: "
        f"{per_used_ghz:.0f} calls per GHz they used (Asterisk anchor: about "
        f"{ASTERISK_CALLS_PER_GHZ})"
    )
    return {
        "max_concurrent": best["bridged_median"],
        "setups_per_s": round(best["setups_per_s"], 1),
        "failed_pct": round(best["failed_pct"], 3),
        "cpu_ms_per_call": round(best["engine_ms_per_call"], 2),
        "rtpengine_cpu_ms_per_call": round(best["rtpengine_ms_per_call"], 2),
        "ivr_concurrent": ivr["hearing"],
        "ivr_failed": ivr["failed"],
        "calls_per_ghz": round(per_ghz, 1),
        "calls_per_used_ghz": round(per_used_ghz, 1),
        "asterisk_calls_per_ghz": ASTERISK_CALLS_PER_GHZ,
        "steps": [
            {
                k: round(r[k], 1)
                for k in ("limit", "placed", "failed", "bridged_median", "setups_per_s", "setup_ms")
            }
            for r in results
        ],
        "call_records": outcomes,
        "open_records": open_rows,
    }


def bridged_step(
    bench: Bench, target, limit: int, engine_pid: int, rtpengine_pid: int, ng_port: int,
    status: Path,
) -> dict:  # fmt: skip
    args = bench.args
    talk_ms = int(args.call_seconds * 1000)
    rate = limit / args.call_seconds * 1.1  # a little over: -l caps the calls in progress
    calls = int(limit * (1 + args.hold / args.call_seconds))
    cpu0 = (cpu_seconds(engine_pid), cpu_seconds(rtpengine_pid))
    process, stats = bench.run_callers(
        f"callers-{limit}", target, caller_scenario(talk_ms, play=True),
        limit=limit, rate=rate, calls=calls, service=BRIDGED_NUMBER,
        timeout=args.call_seconds * 3 + args.hold + 60,
    )  # fmt: skip
    # The hold window: from when the calls in progress reach the limit until the last
    # call is placed.
    ramp = args.call_seconds / 1.1 + 1.5
    time.sleep(ramp)
    packets0, w0 = relayed_packets(ng_port), time.time()
    held0 = cpu_seconds(engine_pid) + cpu_seconds(rtpengine_pid)
    time.sleep(max(1.0, args.hold - 1.5))
    packets1, w1 = relayed_packets(ng_port), time.time()
    held1 = cpu_seconds(engine_pid) + cpu_seconds(rtpengine_pid)
    process.wait()
    cpu1 = (cpu_seconds(engine_pid), cpu_seconds(rtpengine_pid))
    # Let the engine write the last records before the next step.
    time.sleep(1.0)
    rows = read_sipp_stats(stats)
    last = rows[-1] if rows else {}
    placed = int(last.get("TotalCallCreated", 0))
    succeeded = int(last.get("SuccessfulCall(C)", 0))
    failed = placed - succeeded if process.returncode in (0, 1) else max(1, placed - succeeded)
    window = engine_states(status, w0, w1)
    bridged = [row["states"].get("talking", 0) for row in window] or [0]
    setups = placed / _creation_seconds(rows) if rows else 0.0
    bridged_median = int(statistics.median(bridged))
    return {
        "limit": limit,
        "placed": placed,
        "failed": failed,
        "failed_pct": 100 * failed / max(1, placed),
        "bridged_median": bridged_median,
        "bridged_max": max(bridged),
        "setups_per_s": setups,
        "setup_ms": sipp_ms(last.get("ResponseTimesetup(C)", "0:0:0:0")),
        "pps_per_call": (packets1 - packets0) / (w1 - w0) / max(1, bridged_median),
        # Cores the engine and rtpengine kept busy while the calls were held.
        "cores_busy": (held1 - held0) / (w1 - w0),
        "engine_ms_per_call": 1000 * (cpu1[0] - cpu0[0]) / max(1, succeeded),
        "rtpengine_ms_per_call": 1000 * (cpu1[1] - cpu0[1]) / max(1, succeeded),
        "sipp_exit": process.returncode,
    }


def _creation_seconds(rows: list[dict]) -> float:
    """Seconds from the first call placed to the last, from SIPp's per-second stats."""
    placed = [int(r["TotalCallCreated"]) for r in rows]
    total = placed[-1]
    first = next((i for i, n in enumerate(placed) if n > 0), 0)
    last = next((i for i, n in enumerate(placed) if n >= total), len(placed) - 1)
    return max(1, last - first + 1)


def ivr_step(bench: Bench, target, callers: int, status: Path) -> dict:
    """`callers` stay in the menu and the queue nobody serves; count those hearing audio."""
    args = bench.args
    listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listen.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    listen.bind(("127.0.0.1", 0))
    media_port = listen.getsockname()[1]
    rate = 25.0
    stay_s = callers / rate + args.hold + 4
    try:
        process, stats = bench.run_callers(
            "ivr-callers", target,
            caller_scenario(int(stay_s * 1000), play=False, media_port=media_port, digit="9"),
            limit=callers, rate=rate, calls=callers, service=IVR_NUMBER, timeout=stay_s + 60,
        )  # fmt: skip
        time.sleep(callers / rate + args.hold / 2)
        drain(listen)
        w0 = time.time()
        hearing, packets = count_listeners(listen, 3.0)
        w1 = time.time()
        process.wait()
    finally:
        listen.close()
    time.sleep(1.0)
    rows = read_sipp_stats(stats)
    last = rows[-1] if rows else {}
    placed = int(last.get("TotalCallCreated", 0))
    failed = placed - int(last.get("SuccessfulCall(C)", 0))
    window = engine_states(status, w0 - 1, w1 + 1)
    states = window[-1]["states"] if window else {}
    return {
        "held": sum(states.get(s, 0) for s in ("ivr", "waiting")),
        "placed": placed,
        "failed": failed,
        "hearing": hearing,
        "packets_per_s": packets / max(1e-9, w1 - w0),
        "states": states,
    }


if __name__ == "__main__":
    main()
