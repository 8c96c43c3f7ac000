"""Recording with the real rtpengine (pcap) and real SIP peers, through the real engine."""

import asyncio
import math
import re
import socket
import struct
import subprocess
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import Queue
from switchboard.calls.models import Call, Outcome, Recording, RecordingStatus
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.media import MediaClient, local_port
from switchboard.telephony.recording import ALAW, channel_rms, pcap_to_wav
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from switchboard.telephony.sip.recording import finished_pcaps
from tests.conftest import run_async

from ..conftest import NASREEN
from ..test_recording import alaw_encode, ip_udp, pcap
from .conftest import SIPP_ACK, SIPP_AWAIT_BYE, SIPP_INVITE, _scenario, free_port, need, sdp

pytestmark = pytest.mark.sip

OTHER_NUMBER = "+8809600000000"  # no menu: calls go straight to the default queue (info)


def tone(frequency: float, packets: int, *, ssrc: int, first_seq: int = 0) -> list[bytes]:
    """PCMA RTP packets of 20 ms: a sine at `frequency`."""
    out = []
    for n in range(packets):
        samples = [
            int(8000 * math.sin(2 * math.pi * frequency * (n * 160 + i) / 8000)) for i in range(160)
        ]
        header = struct.pack("!BBHII", 0x80, 8, first_seq + n, 1000 + n * 160, ssrc)
        out.append(header + bytes(alaw_encode(s) for s in samples))
    return out


def crossings_per_packet(packet: bytes) -> float:
    """Zero crossings in one PCMA packet: 2 × frequency × 20 ms for a sine."""
    samples = [ALAW[b] for b in packet[12:]]
    return sum(1 for a, b in zip(samples, samples[1:], strict=False) if (a < 0) != (b < 0))


def nonsilent_span(path, channel: int) -> float:
    """Seconds from the first to the last loud sample of one channel."""
    import wave
    from array import array

    with wave.open(str(path), "rb") as wav:
        samples = array("h", wav.readframes(wav.getnframes()))[channel::2]
    loud = [i for i, s in enumerate(samples) if abs(s) > 1000]
    return (loud[-1] - loud[0]) / 8000 if loud else 0.0


async def test_rtpengine_records_both_sides_of_a_call_into_a_pcap_we_make_a_wav_of(
    recording_rtpengine, tmp_path
):
    call = uuid.uuid4().hex
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as caller,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as callee,
    ):
        caller.bind(("127.0.0.1", 0))
        callee.bind(("127.0.0.1", 0))
        async with MediaClient(*recording_rtpengine.ng_address) as media:
            offer = await media.offer(call, "caller", sdp(caller.getsockname()[1]))
            answer = await media.answer(
                call, "caller", "callee", sdp(callee.getsockname()[1], session=2)
            )
            to_callee = int(re.search(r"m=audio (\d+)", offer["sdp"])[1])
            to_caller = int(re.search(r"m=audio (\d+)", answer["sdp"])[1])
            port = local_port(await media.query(call), "caller")
            assert port == to_caller  # the caller sends to it: the pcap's left channel
            await media.start_recording(call)
            loop = asyncio.get_running_loop()
            voices = zip(
                tone(300, 25, ssrc=1), tone(1000, 25, ssrc=2), strict=True
            )  # half a second each way
            for from_caller, from_callee in voices:
                await loop.sock_sendto(caller, from_caller, ("127.0.0.1", to_caller))
                await loop.sock_sendto(callee, from_callee, ("127.0.0.1", to_callee))
                await asyncio.sleep(0.02)
            assert finished_pcaps(recording_rtpengine.recording_dir, call) is None  # still open
            await media.delete(call)
    [pcap_file] = finished_pcaps(recording_rtpengine.recording_dir, call)
    assert pcap_file.name.startswith(call)
    info = pcap_to_wav(pcap_file, tmp_path / "call.wav", port)
    assert info.packets == (25, 25)
    assert info.duration == pytest.approx(0.5, abs=0.1)
    left, right = channel_rms(tmp_path / "call.wav")
    assert left > 3000 and right > 3000


async def test_stop_recording_closes_the_pcap_and_a_new_start_makes_another(
    recording_rtpengine,
):
    call = uuid.uuid4().hex
    folder = recording_rtpengine.recording_dir
    async with MediaClient(*recording_rtpengine.ng_address) as media:
        await media.offer(call, "caller", sdp(free_port()))
        await media.answer(call, "caller", "callee", sdp(free_port(), session=2))
        await media.start_recording(call)
        await media.stop_recording(call)
        [first] = finished_pcaps(folder, call)
        assert set((await media.query(call))["tags"]) == {"caller", "callee"}  # goes on
        await media.start_recording(call)
        assert finished_pcaps(folder, call) is None  # the second one is open
        await media.delete(call)
    pcaps = finished_pcaps(folder, call)
    assert len(pcaps) == 2 and pcaps[0] == first


# -- the whole way: a SIPp caller, the engine, a SIPp phone that talks back --------------------


def caller_waits_for_our_bye(ear_port: int) -> str:
    """The carrier calls with its media at `ear_port` (a socket of the test, which listens
    and talks for the caller) and waits for our BYE."""
    body = SIPP_INVITE.replace("m=audio [media_port]", f"m=audio {ear_port}")
    body += """
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
"""
    body += SIPP_ACK + SIPP_AWAIT_BYE
    return _scenario("caller", body.replace("{caller}", NASREEN))


def phone_talks(extension: str, pcap_name: str, talk_ms: int) -> str:
    """A SIPp UAS phone: answers, plays `pcap_name` towards us (SIPp's uas sends no RTP of its
    own), waits `talk_ms` and hangs up."""
    from .conftest import phone_answers

    scenario = phone_answers(extension, talk_ms=talk_ms)
    return scenario.replace(
        '<recv request="ACK"/>',
        f'<recv request="ACK"/>\n  <nop><action><exec play_pcap_audio="{pcap_name}"/></action></nop>',
    )


@pytest.fixture
def prompts_with_consent(tmp_path):
    """Menu prompts and music as a 440 Hz tone; the recording announcement at 1000 Hz."""
    need("sox")
    folder = tmp_path / "prompts"
    folder.mkdir()
    for name, seconds, frequency in (("music", 0.3, 440), ("recording_consent", 0.5, 1000)):
        subprocess.run(
            ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", folder / f"{name}.wav",
             "synth", str(seconds), "sine", str(frequency)],
            check=True,
            timeout=20,
        )  # fmt: skip
    return folder


def test_a_recorded_sip_call_announces_it_and_gives_a_stereo_wav_of_both_sides(
    rahim, nasreen, recording_rtpengine, sipp, prompts_with_consent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    Queue.objects.filter(code="info").update(record_calls=True)
    from switchboard.telephony.sip import SipTelephony

    # The phone's voice: one second of 600 Hz, as an Ethernet pcap SIPp can play.
    phone_voice = tmp_path / "phone.pcap"
    packets = [
        (0.02 * n, ip_udp(rtp_packet, 5000, 6000))
        for n, rtp_packet in enumerate(tone(600, 50, ssrc=77))
    ]
    phone_voice.write_bytes(pcap(packets, ethernet=True))

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=recording_rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", recording_rtpengine.dtmf_port),
        prompts=prompts_with_consent,
        phones={"101": Phone("101", "s3cret", str(rahim.pk))},
        recording_dir=recording_rtpengine.recording_dir,
    )
    target = (config.host, config.port)

    async def main():
        from .conftest import phone_register

        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        telephony = SipTelephony(config)
        engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        loop = asyncio.get_running_loop()
        ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ear.bind(("127.0.0.1", 0))
        ear.setblocking(False)
        tasks = []
        try:
            phone_port = free_port()
            registered = await sipp.run(phone_register("101", "s3cret"), target, port=phone_port)
            assert registered.returncode == 0, registered.stdout
            await telephony.wait_registered("101")
            desk = await LayerDesk(layer, rahim.pk).open()
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            phone = asyncio.create_task(
                sipp.run(phone_talks("101", str(phone_voice), 1300), None, port=phone_port)
            )
            carrier = asyncio.create_task(
                sipp.run(caller_waits_for_our_bye(ear.getsockname()[1]), target,
                         service=OTHER_NUMBER)
            )  # fmt: skip
            tasks += [phone, carrier]

            # What reaches the caller's RTP port first is the announcement (1000 Hz).
            first = await asyncio.wait_for(loop.sock_recv(ear, 2048), 5)
            heard = [first] + [await asyncio.wait_for(loop.sock_recv(ear, 2048), 2)]
            call_id = next(iter(engine.calls))
            assert all(p[1] & 0x7F == 8 for p in heard)
            assert all(crossings_per_packet(p) >= 36 for p in heard)  # 1000 Hz, not music

            # The caller talks (300 Hz) from its RTP port, until the call is over.
            async with MediaClient(*recording_rtpengine.ng_address) as media:
                to_us = local_port(
                    await media.query(call_id), _caller_tag(await media.query(call_id), ear)
                )

            async def talk():
                n = 0
                while True:
                    for packet in tone(300, 10, ssrc=5, first_seq=n):
                        await loop.sock_sendto(ear, packet, ("127.0.0.1", to_us))
                        await asyncio.sleep(0.02)
                    n += 10

            talking = asyncio.create_task(talk())
            tasks.append(talking)
            await desk.wait_for(Event.CONNECTED)  # the phone answered
            await desk.wait_for(Event.CALL_ENDED)  # the phone hung up
            for task in (phone, carrier):
                result = await task
                assert result.returncode == 0, result.stdout
            talking.cancel()
            for _ in range(250):
                await engine.out.drained()
                recording = await sync_to_async(
                    lambda: Recording.objects.filter(call_id=call_id).first(),
                    thread_sensitive=False,
                )()
                if recording is not None and recording.status != RecordingStatus.PENDING:
                    break
                await asyncio.sleep(0.02)
            return call_id
        finally:
            for task in tasks:
                task.cancel()
            ear.close()
            await engine.stop()

    call_id = run_async(main())
    record = Call.objects.get(pk=call_id)
    assert record.outcome == Outcome.ANSWERED and record.agent_id == rahim.pk
    recording = Recording.objects.get(call=record)
    assert recording.status == RecordingStatus.READY, recording.error
    assert (recording.channels, recording.sample_rate) == (2, 8000)
    left, right = channel_rms(recording.file.path)
    assert left > 2000 and right > 2000  # the caller and the operator, each on their side
    assert nonsilent_span(recording.file.path, 1) == pytest.approx(1.0, abs=0.06)  # the phone
    assert recording.duration_seconds >= 1.0
    assert not list((recording_rtpengine.recording_dir / "pcaps").iterdir())  # converted


def _caller_tag(query: dict, ear: socket.socket) -> str:
    """rtpengine's tag for the participant whose media address is the test's socket."""
    port = ear.getsockname()[1]
    for tag, participant in query["tags"].items():
        for media in participant["medias"]:
            for stream in media["streams"]:
                if stream.get("endpoint", {}).get("port") == port:
                    return tag
    raise AssertionError(f"no participant at port {port}: {query['tags']}")
