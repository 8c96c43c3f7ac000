"""Which calls are recorded, and the announcement the caller hears first."""

from switchboard.core.consent import NOT_RECORDED, RecordingRule, recording_for


def test_a_call_is_not_recorded_when_neither_number_nor_queue_asks():
    assert recording_for(None, None) == NOT_RECORDED
    assert recording_for(RecordingRule(False, "consent"), RecordingRule()) == NOT_RECORDED


def test_the_number_alone_can_record_its_calls_with_its_announcement():
    rule = recording_for(RecordingRule(True, "consent"), RecordingRule())
    assert rule == RecordingRule(True, "consent")


def test_the_queue_alone_can_record_the_calls_it_takes():
    assert recording_for(None, RecordingRule(True, "q_consent")) == RecordingRule(True, "q_consent")


def test_the_queue_announcement_wins_over_the_number_one():
    rule = recording_for(RecordingRule(True, "number"), RecordingRule(True, "queue"))
    assert rule.consent_prompt == "queue"


def test_a_queue_without_an_announcement_falls_back_to_the_number_one():
    rule = recording_for(RecordingRule(True, "number"), RecordingRule(True, ""))
    assert rule == RecordingRule(True, "number")


def test_an_announcement_of_a_number_that_does_not_record_is_not_played():
    rule = recording_for(RecordingRule(False, "number"), RecordingRule(True, ""))
    assert rule == RecordingRule(True, "")
