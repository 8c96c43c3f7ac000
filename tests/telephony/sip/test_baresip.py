"""A trunk call answered on a real softphone: baresip as the caller and as the operator's phone.

Both are baresip 1.0 run headless: `aufile` plays a WAV as the microphone (a long one: it
hangs up when the file ends), `sndfile` dumps what each side hears to WAV files. The caller
speaks a 600 Hz tone, the operator a 1,000 Hz tone, the menu's prompts and the music are
440 Hz: each side's dump tells whose audio reached it.
"""

import asyncio
import math
import socket
import subprocess
import wave
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer

from switchboard.acd.floor import Command, Event
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.bots import LayerDesk
from switchboard.telephony.engine import Engine
from switchboard.telephony.setup import load_setup
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks
from tests.conftest import run_async

from ..conftest import NASREEN
from .conftest import free_port, need, stop_process

pytestmark = pytest.mark.sip

NO_MENU = "+8809610000099"  # a number without a menu: straight into the default queue
CALLER_HZ, OPERATOR_HZ = 600, 1000


def _free_pair() -> int:
    """A UDP port whose next port is free for TCP too: baresip binds SIP port + 1."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair for baresip")


def _tone(path: Path, hz: int, seconds: int = 30) -> Path:
    subprocess.run(
        ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path]
        + ["synth", str(seconds), "sine", str(hz), "vol", "0.5"],
        check=True,
        timeout=20,
    )
    return path


def start_baresip(folder: Path, account: str, microphone: Path, *commands: str):
    """baresip with its own config folder, the WAV as its microphone, dumps in folder/dumps."""
    folder.mkdir()
    (folder / "dumps").mkdir()
    port = _free_pair()
    (folder / "config").write_text(
        "\n".join(
            [
                "poll_method epoll",
                f"sip_listen 127.0.0.1:{port}",
                "net_interface 127.0.0.1",  # its SDP says 127.0.0.1, not the machine's address
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module aufile.so",
                "module sndfile.so",
                "module menu.so",
                "module account.so",
                f"audio_source aufile,{microphone}",
                f"snd_path {folder / 'dumps'}",
                "",
            ]
        )
    )
    (folder / "accounts").write_text(account + "\n")
    args = ["baresip", "-f", str(folder)]
    for command in commands:
        args += ["-e", command]
    log = open(folder / "baresip.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    process.log = log
    return process


def heard(folder: Path) -> Path:
    """The WAV of what this baresip received (sndfile's decoder side)."""
    dumps = sorted((folder / "dumps").glob("*dec*.wav"))
    assert dumps, (
        f"no received-audio dump in {folder / 'dumps'}: {list((folder / 'dumps').iterdir())}"
    )
    return dumps[0]


def samples(path: Path) -> list[int]:
    with wave.open(str(path)) as w:
        assert (w.getsampwidth(), w.getnchannels()) == (2, 1)
        frames = w.readframes(w.getnframes())
    return [
        int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)
    ]


def rms(values: list[int]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values)) if values else 0.0


def blocks_of_tone(values: list[int], hz: int, rate: int = 8000, block: int = 400) -> int:
    """50 ms blocks whose energy is mostly the `hz` tone (Goertzel)."""
    coefficient = 2 * math.cos(2 * math.pi * hz / rate)
    count = 0
    for start in range(0, len(values) - block + 1, block):
        chunk = values[start : start + block]
        energy = sum(v * v for v in chunk)
        if energy == 0:
            continue
        s1 = s2 = 0.0
        for v in chunk:
            s1, s2 = v + coefficient * s1 - s2, s1
        power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        if power / (block * energy / 2) > 0.5:
            count += 1
    return count


def test_a_trunk_call_is_answered_on_a_baresip_phone_and_both_sides_hear_each_other(
    rahim,
    nasreen,
    rtpengine,
    tmp_path,
):
    need("baresip", "sox")
    (tmp_path / "no-prompts").mkdir()
    from switchboard.telephony.sip import SipTelephony

    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        # No music while the call waits: with rtpengine 10.5 a few packets of the queue's
        # music can trail the bridge (`stop media` races the player), and baresip 1.0 then
        # sometimes drops all the operator's audio after the SSRC switches back and forth
        # (docs/sip.md, "What comes next"). The number has no menu, so nothing else plays.
        prompts=tmp_path / "no-prompts",
        phones={"101": Phone("101", "s3cret", str(rahim.pk))},
    )
    here = f"127.0.0.1:{config.port}"
    operator_dir, caller_dir = tmp_path / "operator", tmp_path / "caller"
    processes = []

    async def main():
        layer = InMemoryChannelLayer()
        setup = await sync_to_async(load_setup, thread_sensitive=False)()
        telephony = SipTelephony(config)
        engine = Engine(setup, telephony, layer, engine_id="sip-test", tick_seconds=0.05)
        await engine.start()
        try:
            processes.append(
                start_baresip(
                    operator_dir,
                    f"<sip:101@{here}>;auth_pass=s3cret;answermode=auto;regint=300;"
                    "audio_codecs=PCMA",
                    _tone(tmp_path / "operator.wav", OPERATOR_HZ),
                )
            )
            await telephony.wait_registered("101", timeout=5)
            desk = await LayerDesk(layer, rahim.pk).open()
            await desk.send(Command.GO_AVAILABLE)
            await desk.wait_for(Event.AGENT_STATE, state="available")
            processes.append(
                start_baresip(
                    caller_dir,
                    f"<sip:{NASREEN}@{here}>;regint=0;audio_codecs=PCMA",
                    _tone(tmp_path / "caller.wav", CALLER_HZ),
                    f"/dial sip:{NO_MENU}@{here}",
                )
            )
            offer = await desk.wait_for(Event.OFFER)
            await desk.wait_for(Event.CONNECTED)  # the phone answered by itself
            await asyncio.sleep(1.5)  # they talk
            await desk.send(Command.HANG_UP, call=offer["call"]["id"])
            await desk.wait_for(Event.CALL_ENDED)
            await engine.out.drained()
            return offer
        finally:
            await engine.stop()

    try:
        offer = run_async(main())
    finally:
        for process in processes:
            stop_process(process)  # baresip closes its dumps on the way out
            process.log.close()

    # The operator heard the caller, and the caller heard the operator (not only the music).
    operator_heard = samples(heard(operator_dir))
    caller_heard = samples(heard(caller_dir))
    assert rms(operator_heard) > 1000, "the operator's phone received silence"
    assert rms(caller_heard) > 1000, "the caller received silence"
    assert blocks_of_tone(operator_heard, CALLER_HZ) >= 10
    assert blocks_of_tone(caller_heard, OPERATOR_HZ) >= 10
    assert blocks_of_tone(operator_heard, OPERATOR_HZ) == 0  # no echo of its own voice

    record = Call.objects.get(pk=offer["call"]["id"])
    assert record.outcome == Outcome.ANSWERED
    assert (record.agent, record.contact, record.caller_number) == (rahim, nasreen, NASREEN)
    assert record.talk_seconds > 0
    assert record.answered_at is not None and record.ended_at is not None
