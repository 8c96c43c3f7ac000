"""The voice menu: greeting, language, options; wrong or missing digits never drop a caller."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from switchboard.core.ivr import (
    GREETING,
    INVALID,
    LANGUAGE,
    MENU,
    Collect,
    DigitsEntered,
    Enqueue,
    Ivr,
    IvrConfig,
    IvrError,
    MenuOption,
    Play,
    PromptEnded,
)

DESHI_BAZAR = IvrConfig(
    options={
        "1": MenuOption("orders", "orders"),
        "2": MenuOption("complaints", "complaints"),
        "3": MenuOption("info", "info"),
    },
    default_queue="info",
    max_attempts=2,
    digit_timeout_s=5,
)


def walk(config, answers):
    """Play a caller who presses `answers` one by one ("" = silence); return every command."""
    ivr = Ivr(config)
    out = ivr.start()
    seen = list(out)
    answers = list(answers)
    while not ivr.done:
        last = out[-1]
        if isinstance(last, Play):
            out = ivr.handle(PromptEnded(last.prompt))
        elif isinstance(last, Collect):
            out = ivr.handle(DigitsEntered(answers.pop(0) if answers else ""))
        seen += out
    return seen


def test_a_caller_who_chooses_english_and_orders_is_queued_for_orders_in_english():
    seen = walk(DESHI_BAZAR, ["2", "1"])
    assert seen[0] == Play(GREETING, "bn")
    assert Play(MENU, "en") in seen
    assert seen[-1] == Enqueue("orders", "en", ("2", "1"), "orders", fell_back=False)


def test_the_greeting_plays_before_anything_is_collected():
    ivr = Ivr(DESHI_BAZAR)
    assert ivr.start() == [Play(GREETING, "bn")]
    assert ivr.handle(PromptEnded(GREETING)) == [Play(LANGUAGE, "bn")]
    assert ivr.handle(PromptEnded(LANGUAGE)) == [Collect(1, 5)]


def test_a_wrong_digit_says_so_and_replays_the_menu():
    ivr = Ivr(DESHI_BAZAR)
    ivr.start()
    ivr.handle(PromptEnded(GREETING))
    ivr.handle(PromptEnded(LANGUAGE))
    ivr.handle(DigitsEntered("1"))
    ivr.handle(PromptEnded(MENU))
    assert ivr.handle(DigitsEntered("9")) == [Play(INVALID, "bn")]
    assert ivr.handle(PromptEnded(INVALID)) == [Play(MENU, "bn")]
    ivr.handle(PromptEnded(MENU))
    assert ivr.handle(DigitsEntered("2")) == [
        Enqueue("complaints", "bn", ("1", "2"), "complaints", False)
    ]


def test_silence_replays_the_menu_then_falls_back_to_the_default_queue():
    seen = walk(DESHI_BAZAR, ["1", "", ""])
    assert [c for c in seen if c == Play(MENU, "bn")] == [Play(MENU, "bn")] * 2
    assert seen[-1] == Enqueue("info", "bn", ("1",), "", fell_back=True)


def test_a_caller_who_never_chooses_a_language_gets_the_default_one_and_the_menu():
    seen = walk(DESHI_BAZAR, ["7", "", "3"])
    assert seen[-1] == Enqueue("info", "bn", ("3",), "info", fell_back=False)


def test_without_a_language_question_the_greeting_leads_straight_to_the_menu():
    config = IvrConfig(options=DESHI_BAZAR.options, default_queue="info", ask_language=False)
    seen = walk(config, ["1"])
    assert Play(LANGUAGE, "bn") not in seen
    assert seen[-1].queue == "orders"


def test_digits_before_the_question_are_refused_and_change_nothing():
    ivr = Ivr(DESHI_BAZAR)
    ivr.start()
    with pytest.raises(IvrError):
        ivr.handle(DigitsEntered("1"))
    assert ivr.handle(PromptEnded(GREETING)) == [Play(LANGUAGE, "bn")]


def test_a_menu_needs_at_least_one_attempt():
    with pytest.raises(ValueError):
        IvrConfig(options={}, default_queue="info", max_attempts=0)


@given(st.lists(st.sampled_from(["", "1", "2", "3", "4", "9", "*", "#", "12"]), max_size=12))
def test_whatever_the_caller_presses_the_menu_ends_in_a_known_queue(presses):
    seen = walk(DESHI_BAZAR, presses)
    last = seen[-1]
    assert isinstance(last, Enqueue)
    assert last.queue in {"orders", "complaints", "info"}
    assert last.language in {"bn", "en"}
    # at most max_attempts tries per question: language, then menu
    assert sum(isinstance(c, Collect) for c in seen) <= 2 * DESHI_BAZAR.max_attempts
