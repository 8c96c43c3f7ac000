"""The SIP side's pure helpers (no sippy, no network) and the import boundary."""

import ast
from pathlib import Path

import pytest

from switchboard.telephony.sip.config import (
    SipConfig,
    SipConfigError,
    parse_address,
    parse_trunks,
)
from switchboard.telephony.sip.dtmf import DigitCollector, digit_from_info, digit_from_rtpengine
from switchboard.telephony.sip.sdp import audio_payloads, normalise_number, placeholder_answer

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_sip_package_imports_sippy():
    importers = set()
    for path in (ROOT / "switchboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "sippy" or n.startswith("sippy.") for n in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers, "the SIP package should import sippy"
    assert all(p.startswith("switchboard/telephony/sip/") for p in importers), importers
    # The plain parts stay importable without sippy.
    plain = {"config", "auth", "dtmf", "sdp", "limits", "calls", "__init__"}
    assert not {p for p in importers if p.rsplit("/", 1)[1][:-3] in plain}


def test_trunks_allow_their_addresses_and_blocks_only():
    trunks = parse_trunks("carrier=203.0.113.0/24,198.51.100.7; backup=2001:db8::/32")
    config = SipConfig(trunks=trunks)
    assert config.trunk_for("203.0.113.9").name == "carrier"
    assert config.trunk_for("198.51.100.7").name == "carrier"
    assert config.trunk_for("2001:db8::1").name == "backup"
    assert config.trunk_for("198.51.100.8") is None
    assert config.trunk_for("not-an-address") is None


@pytest.mark.parametrize("text", ["203.0.113.1", "carrier=300.1.1.1", "carrier=10.0.0.0/99"])
def test_a_bad_trunk_setting_fails_loudly(text):
    with pytest.raises(SipConfigError):
        parse_trunks(text)


@pytest.mark.django_db
def test_the_settings_make_a_config(settings):
    settings.SWITCHBOARD = {
        "SIP": {
            "HOST": "0.0.0.0",
            "PORT": 5070,
            "TRUNKS": "carrier=203.0.113.0/24",
            "RTPENGINE": "127.0.0.1:2223",
            "DTMF_LISTEN": "[::1]:5999",
            "PROMPTS": "/srv/prompts",
        }
    }
    config = SipConfig.from_settings()
    assert config.port == 5070
    assert config.dtmf_listen == ("::1", 5999)
    assert config.trunk_for("203.0.113.5").name == "carrier"
    with pytest.raises(SipConfigError):
        parse_address("localhost")


def test_prompts_are_found_by_language_then_without(tmp_path):
    (tmp_path / "bn").mkdir()
    (tmp_path / "bn" / "welcome.wav").write_bytes(b"RIFF")
    (tmp_path / "music.wav").write_bytes(b"RIFF")
    config = SipConfig(prompts=tmp_path)
    assert config.prompt_path("welcome", "bn") == tmp_path / "bn" / "welcome.wav"
    assert config.prompt_path("music", "en") == tmp_path / "music.wav"
    assert config.prompt_path("welcome", "en") is None


def test_rtpengine_dtmf_events_become_digits():
    assert digit_from_rtpengine(b'{"callid":"c1","event":11,"type":"DTMF"}') == ("c1", "#")
    assert digit_from_rtpengine(b'{"callid":"c1","event":5}') == ("c1", "5")
    assert digit_from_rtpengine(b'{"callid":"c1","event":99}') is None
    assert digit_from_rtpengine(b"not json") is None


def test_sip_info_bodies_become_digits():
    assert digit_from_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n") == "5"
    assert digit_from_info("Application/DTMF-Relay; x=y", "Signal= *\r\n") == "*"
    assert digit_from_info("application/dtmf", "11") == "#"
    assert digit_from_info("text/plain", "Signal=5") is None


def test_digits_typed_ahead_are_kept_until_collected():
    collector = DigitCollector()
    assert collector.press("1") is None  # over the prompt, nobody collecting yet
    assert collector.start(2) is None
    assert collector.press("2") == "12"
    assert not collector.collecting
    assert collector.start(3) is None
    collector.press("9")
    assert collector.time_out() == "9"
    assert collector.start(1) is None
    assert collector.time_out() == ""


def test_the_placeholder_answer_takes_the_callers_codec_and_events():
    offer = "v=0\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
    answer = placeholder_answer(offer, 7)
    assert audio_payloads(answer) == ["0", "101"]
    assert "a=rtpmap:0 PCMU/8000" in answer
    assert "m=audio 9 " in answer


def test_sip_user_parts_become_numbers():
    assert normalise_number("008801711000001") == "+8801711000001"
    assert normalise_number("+880 1711-000001") == "+8801711000001"
    assert normalise_number(None) == ""


def test_a_flood_from_one_source_is_limited_and_others_go_on():
    from switchboard.telephony.sip.limits import RateLimiter

    limiter = RateLimiter(rate=2.0, burst=3)
    assert [limiter.allow("203.0.113.1", 0.0) for _ in range(5)] == [True] * 3 + [False] * 2
    assert limiter.allow("198.51.100.7", 0.0)
    assert not limiter.allow("203.0.113.1", 0.2)
    assert limiter.allow("203.0.113.1", 0.5)  # one token back after half a second
