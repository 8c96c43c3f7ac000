"""Queue announcements over SIP: prompts spoken by espeak-ng per language (the names of
core/announce.py, the words of telephony/prompts.py), played to the waiting caller by
rtpengine, then the music again."""

import asyncio
import subprocess

import pytest

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import Queue
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.prompts import common_texts
from switchboard.telephony.sip.config import SipConfig, parse_trunks

from ..conftest import NASREEN
from .conftest import carrier_call, free_port, need
from .test_floor_over_sip import ENGLISH_ORDERS, Floor, run_sip_floor, short_prompts  # noqa: F401

pytestmark = pytest.mark.sip


@pytest.fixture
def announcement_prompts(short_prompts):  # noqa: F811
    """The menu as tones, and the announcement prompts for 1..3 spoken in English and
    Bengali, 8 kHz mono (what G.711 carries)."""
    need("espeak-ng", "sox")
    for language, voice in (("en", "en"), ("bn", "bn")):
        folder = short_prompts / language
        folder.mkdir()
        for name, text in common_texts(language, up_to=3).items():
            raw = folder / f"{name}.raw.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", raw, text], check=True, timeout=20)
            subprocess.run(
                ["sox", raw, "-r", "8000", "-c", "1", "-b", "16", folder / f"{name}.wav"],
                check=True,
                timeout=20,
            )
            raw.unlink()
    return short_prompts


def test_a_caller_waiting_over_sip_hears_their_position_then_music(
    rahim, nasreen, rtpengine, sipp, announcement_prompts, caplog
):
    from switchboard.telephony.sip import SipTelephony

    Queue.objects.filter(code="orders").update(announce_every_seconds=1, announce="both")
    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks("carrier=127.0.0.1"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=announcement_prompts,
    )
    told: list[tuple[str, str]] = []
    original_play, original_music = SipTelephony.play, SipTelephony.play_music

    def play(self, call, prompt, language):
        told.append((prompt, language))
        original_play(self, call, prompt, language)

    def play_music(self, call):
        told.append(("music", ""))
        original_music(self, call)

    async def scenario(floor: Floor):
        carrier = floor.carrier(carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True))
        while ("number-1", "en") not in told or told[-1] != ("music", ""):
            await asyncio.sleep(0.02)  # queued, told, and back to the music
        desk = await floor.desk(rahim)
        offer = await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=offer["call"]["id"])
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HANG_UP, call=offer["call"]["id"])
        await desk.wait_for(Event.CALL_ENDED)
        result = await carrier
        assert result.returncode == 0, result.stdout
        return offer["call"]["id"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SipTelephony, "play", play)
        patch.setattr(SipTelephony, "play_music", play_music)
        call = run_sip_floor(config, sipp, scenario)
    queued = told.index(("music", ""))
    assert told[queued : queued + 4] == [
        ("music", ""),
        ("queue-position", "en"),
        ("number-1", "en"),
        ("music", ""),
    ]
    assert "no WAV for prompt" not in caplog.text  # every prompt was found and played
    assert Call.objects.get(pk=call).outcome == Outcome.ANSWERED
