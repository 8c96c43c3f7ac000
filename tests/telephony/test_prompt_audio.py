"""Prompt audio: only PCM WAV is taken, converted by the real sox to 8 kHz mono 16-bit; the
demo prompts are spoken by espeak-ng and are not silent."""

import io
import math
import struct
import wave
from array import array

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from switchboard.acd.models import IvrMenu
from switchboard.telephony.actions import check_save_prompt
from switchboard.telephony.audio import AudioError, read_wav_header, to_prompt_wav
from switchboard.telephony.models import Prompt, PromptName
from switchboard.telephony.prompts import common_texts

from .conftest import NUMBER
from .sip.conftest import need


def wav(rate=8000, channels=1, width=2, seconds=0.5, hz=440.0) -> bytes:
    """A sine tone as a PCM WAV, built with the standard library."""
    frames = int(rate * seconds)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        samples = array("h")
        for n in range(frames):
            value = int(12000 * math.sin(2 * math.pi * hz * n / rate))
            samples.extend([value] * channels)
        if width == 2:
            w.writeframes(samples.tobytes())
        else:  # 8-bit PCM is unsigned
            w.writeframes(bytes((s >> 8) + 128 for s in samples))
    return out.getvalue()


def loudness(data: bytes) -> float:
    """RMS of a 16-bit mono WAV's samples (0 for silence)."""
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        samples = array("h", w.readframes(w.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def test_a_prompt_ready_for_g711_is_kept_as_it_is():
    data = wav()
    assert to_prompt_wav(data) == (data, read_wav_header(data))
    assert read_wav_header(data).duration_ms == 500


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ID3\x03mp3 data" * 10, "not a WAV file"),
        (b"RIFF\x00\x00\x00\x00WAVE", "damaged"),
        (wav()[:44], "no sound"),
    ],
)
def test_what_is_not_a_pcm_wav_is_refused_with_a_reason(data, message):
    with pytest.raises(AudioError, match=message):
        read_wav_header(data)


def test_a_compressed_wav_is_refused():
    data = bytearray(wav())
    struct.pack_into("<H", data, 20, 6)  # format tag 6: A-law
    with pytest.raises(AudioError, match="compressed"):
        to_prompt_wav(bytes(data))


def test_another_pcm_wav_is_converted_by_sox_to_8_khz_mono_16_bit():
    need("sox")
    converted, info = to_prompt_wav(wav(rate=44100, channels=2, seconds=1.0))
    assert (info.rate, info.channels, info.bits) == (8000, 1, 16)
    assert 990 <= info.duration_ms <= 1010
    assert loudness(converted) > 1000
    eight_bit, _ = to_prompt_wav(wav(rate=16000, width=1))
    assert read_wav_header(eight_bit).ready


def test_without_sox_only_a_ready_wav_is_taken(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert to_prompt_wav(wav())[1].ready
    with pytest.raises(AudioError, match="sox is not installed"):
        to_prompt_wav(wav(rate=16000))


@pytest.mark.django_db
def test_a_refused_upload_says_why_and_stores_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as bad:
        check_save_prompt(menu=None, name="greeting", language="bn", data=b"not audio")
    assert "not a WAV file" in bad.value.message_dict["audio"][0]
    assert not Prompt.objects.exists()
    assert not (tmp_path / "prompts").exists()


@pytest.fixture
def spoken_menu(deshi_bazar):
    menu = IvrMenu.objects.get(dialed_number=NUMBER)
    menu.greeting_bn = "দেশী বাজারে স্বাগতম।"
    menu.menu_bn = "অর্ডারের জন্য এক চাপুন।"
    menu.save()
    return menu


COMMON = len(common_texts("en"))  # recording announcement, queue words, numbers 1..99
MADE = 8 + 2 * COMMON + 1  # the menu's four per language, the common per language, music


def test_every_common_prompt_has_words_in_both_languages():
    needed = {"recording_consent", "queue-position", "queue-wait", "minutes"}
    needed |= {f"number-{n}" for n in (1, 42, 99)}
    for language in ("en", "bn"):
        assert needed <= set(common_texts(language))
        assert set(common_texts(language)) <= set(PromptName.values)
    assert common_texts("bn")["number-42"] == "৪২"
    assert common_texts("bn")["queue-position"] != common_texts("en")["queue-position"]
    assert common_texts("en", up_to=3)["number-3"] == "3"
    assert "number-4" not in common_texts("en", up_to=3)


def test_make_demo_prompts_speaks_every_prompt_per_language_and_plays_music(
    spoken_menu, settings, tmp_path
):
    need("espeak-ng", "sox")
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("make_demo_prompts", stdout=out)
    assert f"{MADE} made, 0 kept" in out.getvalue()
    made = {(p.menu_id, p.name, p.language): p for p in Prompt.objects.all()}
    for language in ("bn", "en"):
        for name in ("greeting", "language", "menu", "invalid"):
            prompt = made.pop((spoken_menu.pk, name, language))
            assert prompt.generated and prompt.duration_ms > 300
            assert loudness(prompt.audio.read()) > 300, (name, language)
        for name in common_texts(language):
            prompt = made.pop((None, name, language))
            assert prompt.generated and prompt.duration_ms > 200, (name, language)
        for name in ("recording_consent", "queue-position", "number-7", "minutes"):
            audio = Prompt.objects.get(menu=None, name=name, language=language).audio.read()
            assert loudness(audio) > 300, (name, language)
    music = made.pop((None, "music", ""))
    assert music.duration_ms >= 4000 and loudness(music.audio.read()) > 300
    assert made == {}
    # Bengali is spoken in Bengali: not the same sound as the English one.
    greeting = {p.language: p.audio.read() for p in Prompt.objects.filter(name="greeting")}
    assert greeting["bn"] != greeting["en"]


def test_make_demo_prompts_runs_twice_and_never_replaces_an_uploaded_prompt(
    spoken_menu, settings, tmp_path
):
    need("espeak-ng", "sox")
    settings.MEDIA_ROOT = tmp_path
    mine = check_save_prompt(menu=spoken_menu, name="greeting", language="en", data=wav())
    call_command("make_demo_prompts", stdout=io.StringIO())
    again = io.StringIO()
    call_command("make_demo_prompts", stdout=again)
    assert f"0 made, {MADE} kept" in again.getvalue()
    forced = io.StringIO()
    call_command("make_demo_prompts", "--force", stdout=forced)
    assert f"{MADE - 1} made, 1 kept" in forced.getvalue()
    mine.refresh_from_db()
    assert not mine.generated and mine.duration_ms == 500
    assert len(list((tmp_path / "prompts").iterdir())) == Prompt.objects.count() == MADE
