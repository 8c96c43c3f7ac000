"""What a waiting caller is told: the prompts for position and expected wait, and when."""

import pytest

from switchboard.core.announce import (
    MAX_SPOKEN,
    announcement,
    announcement_due,
    expected_wait_minutes,
)


def test_both_says_the_position_then_the_wait_in_minutes():
    assert announcement("both", 3, 2) == [
        "queue-position",
        "number-3",
        "queue-wait",
        "number-2",
        "minutes",
    ]


def test_position_only_and_wait_only_say_just_that():
    assert announcement("position", 1, 5) == ["queue-position", "number-1"]
    assert announcement("wait", 1, 5) == ["queue-wait", "number-5", "minutes"]


def test_nothing_is_said_that_cannot_be_known_or_spoken():
    assert announcement("both", None, None) == []
    assert announcement("both", MAX_SPOKEN + 1, None) == []  # too far back to say
    assert announcement("wait", 4, None) == []  # no answered call to estimate from


def test_an_unknown_kind_of_announcement_is_refused():
    with pytest.raises(ValueError):
        announcement("everything", 1, 1)


def test_the_expected_wait_is_the_average_answer_time_rounded_up_to_whole_minutes():
    assert expected_wait_minutes(0.0, 3) == 1  # answered at once: "about a minute"
    assert expected_wait_minutes(61.0, 3) == 2
    assert expected_wait_minutes(120.0, 3) == 2
    assert expected_wait_minutes(10_000.0, 3) == MAX_SPOKEN
    assert expected_wait_minutes(30.0, 0) is None


def test_an_announcement_is_due_every_period_and_never_when_off():
    assert not announcement_due(30, since=100.0, now=129.9)
    assert announcement_due(30, since=100.0, now=130.0)
    assert not announcement_due(0, since=0.0, now=10_000.0)
