"""A supervisor listens to a live call from their own registered phone (silent listen).

Real peers: a SIPp carrier talking (g711a.pcap), the operator's phone registered (SIPp,
its media on a socket of the test that talks back with a steady tone), the supervisor's
phone registered (SIPp, its media on another socket of the test; it talks too, to show
nobody hears it), and the real rtpengine in between.
"""

import asyncio
import math
import re
import socket
import statistics
import struct
import subprocess

import pytest

from switchboard.telephony.interface import (
    AgentAnswered,
    Answered,
    CallArrived,
    MonitorEnded,
    MonitorStarted,
)
from switchboard.telephony.media import MediaClient
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from switchboard.telephony.sip.mixer import PCMA, decode, encode

from .conftest import (
    carrier_call,
    free_port,
    need,
    phone_answers,
    phone_register,
    phone_rings_unanswered,
)
from .test_inbound import CALLER, next_event

pytestmark = pytest.mark.sip

OPERATOR, SUPERVISOR = "agent-7", "sup-1"
TONE = 4000  # the operator "says" a steady level: easy to find in the mix


@pytest.fixture
async def switchboard(rtpengine):
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        host="127.0.0.1",
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        phones={
            "101": Phone("101", "s3cret", OPERATOR),
            "201": Phone("201", "b0ss", SUPERVISOR),
        },
    )
    telephony = SipTelephony(config)
    events: asyncio.Queue = asyncio.Queue()
    await telephony.start(events.put_nowait)
    try:
        yield telephony, events
    finally:
        await telephony.stop()


def answers_until_our_bye(extension: str, rtp_port: int, talks: bool = False) -> str:
    """A SIPp UAS scenario: a registered phone answers (its media at `rtp_port`, a socket of
    the test), plays g711a.pcap at what our SDP named if `talks`, and waits for our BYE."""
    scenario = phone_answers(extension, rtp_port=rtp_port)
    head = scenario[: scenario.index('  <pause milliseconds="')]
    # It never sends a BYE itself: SIPp refuses a scenario with variables it never uses.
    head = re.sub(
        r'<recv request="INVITE">.*?</recv>', '<recv request="INVITE"/>', head, flags=re.S
    )
    if talks:
        head += '  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>\n'
    head += """
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
</scenario>
"""
    return head


def ear() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    return s


async def register(sipp, telephony, extension: str, password: str) -> int:
    port = free_port()
    target = (telephony.config.host, telephony.config.port)
    result = await sipp.run(phone_register(extension, password), target, port=port)
    assert result.returncode == 0, result.stdout
    await telephony.wait_registered(extension)
    return port


async def talk(
    sock: socket.socket, to: tuple[str, int], level: int = TONE, sine: bool = False
) -> None:
    """A voice of the test: PCMA frames of a steady level (the operator, the supervisor),
    or of a 400 Hz sine (the caller: RMS about 7000), every 20 ms, until cancelled."""
    if sine:
        payload = encode(PCMA, [int(10000 * math.sin(i * math.pi / 10)) for i in range(160)])
    else:
        payload = encode(PCMA, [level] * 160)
    seq = 0
    loop = asyncio.get_running_loop()
    while True:
        header = struct.pack("!BBHII", 0x80, PCMA, seq, seq * 160, 0x0FE2A70 + level)
        await loop.sock_sendto(sock, header + payload, to)
        seq += 1
        await asyncio.sleep(0.02)


@pytest.fixture
def caller_tone(sipp):
    """One second of a 300 Hz tone as raw A-law, in SIPp's folder: the caller's voice,
    looped (`rtp_stream`) for as long as the call lasts."""
    need("sox")
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-e", "a-law", "-t", "al", sipp.folder / "tone.al"]
        + ["synth", "1", "sine", "300", "vol", "0.3"],
        check=True,
        timeout=20,
    )
    return "tone.al"


def talking_carrier(tone: str | None, ear_port: int | None = None) -> str:
    """The carrier's call, its caller talking: the looped tone, else g711a.pcap (a few
    seconds of speech, silent at first). With `ear_port` the caller's media is a socket of
    the test instead (SIPp only signals)."""
    if ear_port is not None:
        scenario = carrier_call(CALLER, we_hang_up=True)
        return scenario.replace("m=audio [media_port]", f"m=audio {ear_port}")
    if tone is None:
        scenario = carrier_call(CALLER, "g711a.pcap", we_hang_up=True)
    else:
        scenario = carrier_call(CALLER, "X.pcap", we_hang_up=True).replace(
            'play_pcap_audio="pcap/X.pcap"', f'rtp_stream="{tone},-1,8"'
        )
    return scenario


async def bridged_call(telephony, events, sipp, operator_ear, tone=None, caller_ear=None):
    """A carrier call answered on the operator's registered phone and bridged. Returns the
    call id, the SIPp tasks (carrier, operator's phone) and the first RTP packet the
    operator got (with rtpengine's address)."""
    target = (telephony.config.host, telephony.config.port)
    phone_port = await register(sipp, telephony, "101", "s3cret")
    phone = asyncio.create_task(
        sipp.run(answers_until_our_bye("101", operator_ear.getsockname()[1]), None, port=phone_port)
    )
    ear_port = caller_ear.getsockname()[1] if caller_ear is not None else None
    carrier = asyncio.create_task(sipp.run(talking_carrier(tone, ear_port), target))
    arrived = await next_event(events, CallArrived)
    telephony.answer(arrived.call)
    await next_event(events, Answered)
    telephony.ring_agent(arrived.call, OPERATOR)
    # (A generous limit: the phone is a SIPp process starting on a busy machine.)
    answered = await next_event(events, AgentAnswered, timeout=10)
    assert answered == AgentAnswered(arrived.call, OPERATOR)
    telephony.bridge(arrived.call, OPERATOR)
    if caller_ear is not None:
        return arrived.call, carrier, phone, None  # the test's caller has not talked yet
    # Bridged once the caller's audio reaches the operator's phone.
    (heard,) = await packets(operator_ear, 1)
    return arrived.call, carrier, phone, heard


async def relay_ports(rtpengine, call: str, *ears: socket.socket) -> list[tuple[str, int]]:
    """Where rtpengine takes each ear's audio: the local port of the stream it sends to
    that ear (once the bridge has told it the operator's)."""
    wanted = [e.getsockname()[1] for e in ears]
    async with MediaClient(*rtpengine.ng_address) as media:
        for _ in range(100):
            streams = [
                stream
                for tag in (await media.query(call))["tags"].values()
                for m in tag["medias"]
                for stream in m["streams"]
            ]
            local = {s["endpoint"]["port"]: s["local port"] for s in streams}
            if all(port in local for port in wanted):
                return [("127.0.0.1", local[port]) for port in wanted]
            await asyncio.sleep(0.02)
    raise AssertionError("rtpengine never sent to the test's ears")


async def packets(sock: socket.socket, count: int) -> list[tuple[bytes, tuple]]:
    loop = asyncio.get_running_loop()
    got = []
    for _ in range(count):
        got.append(await asyncio.wait_for(loop.sock_recvfrom(sock, 2048), 3))
    return got


async def test_the_supervisor_hears_caller_and_operator_mixed_and_nobody_hears_the_supervisor(
    switchboard, sipp, caller_tone
):
    telephony, events = switchboard
    operator_ear, supervisor_ear = ear(), ear()
    tasks = []
    try:
        supervisor_port = await register(sipp, telephony, "201", "b0ss")
        call, carrier, phone, (first, relay) = await bridged_call(
            telephony, events, sipp, operator_ear, caller_tone
        )
        tasks += [carrier, phone]
        # The caller's tone reaches the operator; the operator talks back to rtpengine.
        caller_ssrc = first[8:12]
        tasks.append(asyncio.create_task(talk(operator_ear, relay)))

        assert telephony.monitor(call, SUPERVISOR, "listen") is None
        supervisor = asyncio.create_task(
            sipp.run(
                answers_until_our_bye("201", supervisor_ear.getsockname()[1], talks=True),
                None,
                port=supervisor_port,
            )
        )
        tasks.append(supervisor)
        assert await next_event(events, MonitorStarted) == MonitorStarted(
            call, SUPERVISOR, "listen"
        )

        heard = await packets(supervisor_ear, 40)  # 0.8 s of the mix
        assert all(data[0] >> 6 == 2 and data[1] & 0x7F == PCMA for data, _ in heard)
        assert len({data[8:12] for data, _ in heard}) == 1  # one stream, not two
        # The last half second, when both legs flow: the caller's tone (a sine around 0,
        # RMS about 7000) rides on the operator's steady level (4000). Either alone would
        # miss one of the two.
        frames = [decode(PCMA, data[12:]) for data, _ in heard[-25:]]
        assert TONE * 0.7 < statistics.mean(statistics.mean(f) for f in frames) < TONE * 1.3
        assert 5000 < statistics.median(statistics.pstdev(f) for f in frames) < 9000

        # Silent: the supervisor's phone talked (SIPp plays g711a.pcap at us), and its RTP
        # went nowhere; the operator still hears only the caller's stream.
        monitoring = telephony._monitors.active[(call, SUPERVISOR)]
        assert monitoring.voice[0].packets > 0  # its audio arrived here, and went nowhere
        assert {data[8:12] for data, _ in await packets(operator_ear, 25)} == {caller_ssrc}

        # The call ends: the supervisor's phone is hung up too.
        telephony.hang_up(call)
        assert await next_event(events, MonitorEnded) == MonitorEnded(
            call, SUPERVISOR, "call_ended"
        )
        for task in (supervisor, carrier, phone):
            result = await task
            assert result.returncode == 0, result.stdout
        assert not telephony._monitors.active
    finally:
        for task in tasks:
            task.cancel()
        operator_ear.close()
        supervisor_ear.close()


async def test_the_supervisor_hanging_up_ends_the_listening_only(switchboard, sipp, rtpengine):
    telephony, events = switchboard
    operator_ear, supervisor_ear = ear(), ear()
    tasks = []
    try:
        call, carrier, phone, _ = await bridged_call(telephony, events, sipp, operator_ear)
        tasks += [carrier, phone]
        supervisor_port = await register(sipp, telephony, "201", "b0ss")
        assert telephony.monitor(call, SUPERVISOR, "listen") is None
        # The supervisor's phone answers, listens a moment and hangs up (its BYE).
        supervisor = asyncio.create_task(
            sipp.run(
                phone_answers("201", talk_ms=400, rtp_port=supervisor_ear.getsockname()[1]),
                None,
                port=supervisor_port,
            )
        )
        tasks.append(supervisor)
        await next_event(events, MonitorStarted)
        assert await next_event(events, MonitorEnded) == MonitorEnded(call, SUPERVISOR, "hung_up")
        assert (await supervisor).returncode == 0
        # rtpengine forks nothing any more: the listener's tag subscribes to no leg.
        async with MediaClient(*rtpengine.ng_address) as media:
            for _ in range(50):
                tags = (await media.query(call))["tags"]
                if all(not t["subscriptions"] for t in tags.values() if len(t["tag"]) == 64):
                    break
                await asyncio.sleep(0.02)
        forks = [t["subscriptions"] for t in tags.values() if len(t["tag"]) == 64]
        assert forks == [[]], tags  # 64 hex digits: the tag rtpengine gave the listener

        # The call goes on: the operator still hears the caller, and nobody hung up.
        await packets(operator_ear, 10)
        assert events.empty()
        assert not carrier.done() and not phone.done()
        # The supervisor may listen again.
        assert telephony.monitor(call, SUPERVISOR, "listen") is None
        telephony.stop_monitor(call, SUPERVISOR)
        assert await next_event(events, MonitorEnded) == MonitorEnded(call, SUPERVISOR, "stopped")

        telephony.hang_up(call)
        assert (await carrier).returncode == 0
        assert (await phone).returncode == 0
    finally:
        for task in tasks:
            task.cancel()
        operator_ear.close()
        supervisor_ear.close()


async def test_listening_is_refused_with_the_reason_before_anything_rings(switchboard, sipp):
    telephony, events = switchboard
    target = (telephony.config.host, telephony.config.port)
    assert telephony.monitor("no-such-call", SUPERVISOR, "listen") == "not_connected"
    carrier = asyncio.create_task(sipp.run(carrier_call(CALLER, we_hang_up=True), target))
    try:
        arrived = await next_event(events, CallArrived)
        telephony.answer(arrived.call)
        await next_event(events, Answered)
        # Answered, in the menu or the queue, but no operator on it yet.
        assert telephony.monitor(arrived.call, SUPERVISOR, "listen") == "not_connected"
        assert telephony.monitor(arrived.call, SUPERVISOR, "shout") == "mode"
        telephony.hang_up(arrived.call)
        assert (await carrier).returncode == 0
    finally:
        carrier.cancel()
    assert events.empty()


async def test_a_supervisor_without_a_registered_phone_cannot_listen(switchboard, sipp):
    telephony, events = switchboard
    operator_ear = ear()
    tasks = []
    try:
        call, carrier, phone, _ = await bridged_call(telephony, events, sipp, operator_ear)
        tasks += [carrier, phone]
        assert telephony.monitor(call, SUPERVISOR, "listen") == "no_phone"  # 201 not registered
        assert telephony.monitor(call, "nobody", "listen") == "no_phone"  # no extension at all
        telephony.hang_up(call)
        assert (await carrier).returncode == 0
        assert (await phone).returncode == 0
        assert events.empty()
    finally:
        for task in tasks:
            task.cancel()
        operator_ear.close()


def test_the_virtual_carrier_says_it_cannot_listen():
    from switchboard.telephony.sim import VirtualCarrier

    assert VirtualCarrier(["09611000000"]).monitor("any", "1", "listen") == "unsupported"


def levels(heard: list[tuple[bytes, tuple]]) -> tuple[float, float]:
    """(mean level, median spread) of the frames heard: a steady voice moves the mean, the
    caller's tone (a sine, RMS about 7000) makes the spread."""
    frames = [decode(data[1] & 0x7F, data[12:]) for data, _ in heard]
    return (
        statistics.mean(statistics.mean(f) for f in frames),
        statistics.median(statistics.pstdev(f) for f in frames),
    )


async def settle(
    sock: socket.socket, wanted, most: int = 100, source: tuple | None = None
) -> list[tuple[bytes, tuple]]:
    """Packets from `sock` until ten in a row each have `wanted(mean, spread)` (and come
    from `source`, if given): a stream changes hands (rtpengine <-> mixer) a few packets
    after the command, and for those few both may arrive."""
    heard: list = []
    while True:
        heard += await packets(sock, 1)
        if len(heard) >= 10 and all(
            wanted(*levels([p])) and source in (None, p[1]) for p in heard[-10:]
        ):
            return heard[-10:]
        assert len(heard) < most, f"never settled: last levels {levels(heard[-10:])}"


SUPERVISOR_VOICE = -6000
CALLER_SPREAD = (5000, 9000)


def near(value: float, target: float) -> bool:
    return abs(value - target) < 1200


@pytest.mark.parametrize("mode", ["whisper", "barge"])
async def test_whisper_reaches_the_operator_only_and_barge_reaches_the_caller_too(
    switchboard, sipp, rtpengine, mode
):
    telephony, events = switchboard
    operator_ear, supervisor_ear, caller_ear = ear(), ear(), ear()
    tasks = []
    try:
        supervisor_port = await register(sipp, telephony, "201", "b0ss")
        call, carrier, phone, _ = await bridged_call(
            telephony, events, sipp, operator_ear, caller_ear=caller_ear
        )
        tasks += [carrier, phone]
        # The test talks for both: the caller a tone, the operator a steady 4000.
        to_caller, relay = await relay_ports(rtpengine, call, caller_ear, operator_ear)
        tasks.append(asyncio.create_task(talk(caller_ear, to_caller, sine=True)))
        tasks.append(asyncio.create_task(talk(operator_ear, relay)))

        assert telephony.monitor(call, SUPERVISOR, mode) is None
        supervisor = asyncio.create_task(
            sipp.run(
                answers_until_our_bye("201", supervisor_ear.getsockname()[1]),
                None,
                port=supervisor_port,
            )
        )
        tasks.append(supervisor)
        assert await next_event(events, MonitorStarted) == MonitorStarted(call, SUPERVISOR, mode)
        # The supervisor talks back to where the mix comes from (their phone would).
        (_mix, mixer) = (await packets(supervisor_ear, 1))[0]
        tasks.append(asyncio.create_task(talk(supervisor_ear, mixer, SUPERVISOR_VOICE)))

        # The operator hears the caller's tone and the supervisor.
        await settle(
            operator_ear,
            lambda mean, spread: near(mean, SUPERVISOR_VOICE) and 5000 < spread < 9000,
        )
        # The supervisor hears caller and operator, never themselves.
        await settle(supervisor_ear, lambda mean, spread: near(mean, TONE) and spread > 5000)
        # The caller hears the operator, and the supervisor only when barging in.
        caller_hears = TONE + (SUPERVISOR_VOICE if mode == "barge" else 0)
        heard = await settle(caller_ear, lambda mean, spread: near(mean, caller_hears))
        assert levels(heard)[1] < 500  # no tone: the caller does not hear themselves

        # The supervisor stops: the operator hears the caller alone again, from rtpengine.
        telephony.stop_monitor(call, SUPERVISOR)
        assert await next_event(events, MonitorEnded) == MonitorEnded(call, SUPERVISOR, "stopped")
        assert (await supervisor).returncode == 0
        after = await settle(
            operator_ear, lambda mean, spread: near(mean, 0) and spread > 5000, source=relay
        )
        assert {addr for _data, addr in after} == {relay}
        await settle(caller_ear, lambda mean, spread: near(mean, TONE))

        telephony.hang_up(call)
        assert (await carrier).returncode == 0
        assert (await phone).returncode == 0
    finally:
        for task in tasks:
            task.cancel()
        for sock in (operator_ear, supervisor_ear, caller_ear):
            sock.close()


async def test_a_supervisor_on_the_call_moves_from_listening_to_whisper_to_barge_and_back(
    switchboard, sipp, rtpengine
):
    telephony, events = switchboard
    operator_ear, supervisor_ear, caller_ear = ear(), ear(), ear()
    tasks = []
    try:
        supervisor_port = await register(sipp, telephony, "201", "b0ss")
        call, carrier, phone, _ = await bridged_call(
            telephony, events, sipp, operator_ear, caller_ear=caller_ear
        )
        tasks += [carrier, phone]
        to_caller, relay = await relay_ports(rtpengine, call, caller_ear, operator_ear)
        tasks.append(asyncio.create_task(talk(caller_ear, to_caller, sine=True)))
        tasks.append(asyncio.create_task(talk(operator_ear, relay)))

        assert telephony.monitor(call, SUPERVISOR, "listen") is None
        supervisor = asyncio.create_task(
            sipp.run(
                answers_until_our_bye("201", supervisor_ear.getsockname()[1]),
                None,
                port=supervisor_port,
            )
        )
        tasks.append(supervisor)
        await next_event(events, MonitorStarted)
        (_mix, mixer) = (await packets(supervisor_ear, 1))[0]
        tasks.append(asyncio.create_task(talk(supervisor_ear, mixer, SUPERVISOR_VOICE)))
        # Listening: the supervisor talks, nobody hears it.
        await settle(operator_ear, lambda mean, spread: near(mean, 0) and spread > 5000)
        await settle(caller_ear, lambda mean, spread: near(mean, TONE))

        # The same phone call, no new ring: whisper, then barge in, then listen again.
        for mode, operator_hears, caller_hears in (
            ("whisper", SUPERVISOR_VOICE, TONE),
            ("barge", SUPERVISOR_VOICE, TONE + SUPERVISOR_VOICE),
            ("listen", 0, TONE),
        ):
            assert telephony.monitor(call, SUPERVISOR, mode) is None
            assert await next_event(events, MonitorStarted) == MonitorStarted(
                call, SUPERVISOR, mode
            )
            await settle(
                operator_ear,
                lambda mean, spread, m=operator_hears: near(mean, m) and spread > 5000,
            )
            await settle(caller_ear, lambda mean, spread, m=caller_hears: near(mean, m))
        assert telephony.monitor(call, SUPERVISOR, "listen") == "already"

        telephony.hang_up(call)
        assert await next_event(events, MonitorEnded) == MonitorEnded(
            call, SUPERVISOR, "call_ended"
        )
        for task in (supervisor, carrier, phone):
            assert (await task).returncode == 0
    finally:
        for task in tasks:
            task.cancel()
        for sock in (operator_ear, supervisor_ear, caller_ear):
            sock.close()


async def test_a_supervisors_phone_left_ringing_is_cancelled_and_the_call_goes_on(
    switchboard, sipp
):
    telephony, events = switchboard
    telephony._monitors.ring_seconds = 0.5  # not 30 s in a test
    operator_ear = ear()
    tasks = []
    try:
        supervisor_port = await register(sipp, telephony, "201", "b0ss")
        call, carrier, phone, _ = await bridged_call(telephony, events, sipp, operator_ear)
        tasks += [carrier, phone]
        supervisor = asyncio.create_task(
            sipp.run(phone_rings_unanswered("201"), None, port=supervisor_port)
        )
        tasks.append(supervisor)
        assert telephony.monitor(call, SUPERVISOR, "listen") is None
        assert await next_event(events, MonitorEnded) == MonitorEnded(call, SUPERVISOR, "no_answer")
        assert (await supervisor).returncode == 0  # CANCEL, 487, ACK
        await packets(operator_ear, 5)  # the operator still hears the caller
        telephony.hang_up(call)
        assert (await carrier).returncode == 0
        assert (await phone).returncode == 0
        assert events.empty()
    finally:
        for task in tasks:
            task.cancel()
        operator_ear.close()
