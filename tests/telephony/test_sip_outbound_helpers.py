"""The pure parts of dialing out over SIP: the trunk's outbound target, answers mapped."""

import pytest

from switchboard.telephony.sip.config import SipConfig, SipConfigError, parse_trunks
from switchboard.telephony.sip.outbound import failure_reason, placeholder_offer
from switchboard.telephony.sip.sdp import audio_payloads


def test_a_trunk_names_its_outbound_target_and_caller_id_after_its_addresses():
    carrier, backup = parse_trunks(
        "carrier=203.0.113.0/24,@203.0.113.5:5060,#+8809612345678;backup=192.0.2.1"
    )
    assert carrier.outbound == ("203.0.113.5", 5060)
    assert carrier.caller_id == "+8809612345678"
    assert carrier.allows("203.0.113.9") and not carrier.allows("203.0.113.5x")
    assert (backup.outbound, backup.caller_id) == (None, "")
    assert SipConfig(trunks=(backup, carrier)).outbound_trunk() is carrier
    assert SipConfig(trunks=(backup,)).outbound_trunk() is None


def test_a_bad_outbound_target_is_refused_with_the_trunks_setting():
    with pytest.raises(SipConfigError, match="host:port"):
        parse_trunks("carrier=203.0.113.0/24,@203.0.113.5")


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        (486, "Busy Here", "busy"),
        (600, "Busy Everywhere", "busy"),
        (480, "Temporarily Unavailable", "no_answer"),
        (408, "Request Timeout", "no_answer"),
        (487, "Request Terminated", "no_answer"),
        (404, "Not Found", "404 Not Found"),
        (503, "Service Unavailable", "503 Service Unavailable"),
    ],
)
def test_final_answers_become_busy_no_answer_or_failed_with_the_code(code, reason, expected):
    assert failure_reason(code, reason) == expected


def test_our_placeholder_offer_carries_pcma_pcmu_and_dtmf_events():
    assert audio_payloads(placeholder_offer(7)) == ["8", "0", "101"]
