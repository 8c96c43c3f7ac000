"""What a caller waiting in a queue is told, and when (pure: no Django, no telephony).

An announcement is a list of prompt names the telephony plays one after the other, then the
music resumes. Numbers are spoken from one prompt per number, so any language works
without grammar in code (the prompts are recorded or generated per language):

    position:  "queue-position", "number-<n>"            (n = 1 .. MAX_SPOKEN)
    wait:      "queue-wait", "number-<m>", "minutes"       (m whole minutes, at least 1)

A position beyond MAX_SPOKEN is not said (only the wait, if any); the wait is said only
when the queue has answered calls to estimate it from.
"""

from __future__ import annotations

import math
from enum import StrEnum

MAX_SPOKEN = 99


class Announce(StrEnum):
    POSITION = "position"
    WAIT = "wait"
    BOTH = "both"


def number_prompt(n: int) -> str:
    return f"number-{n}"


def expected_wait_minutes(average_answer_s: float, answered: int) -> int | None:
    """Whole minutes a waiting caller may expect: the queue's average speed of answer so
    far today, rounded up, at least 1 (and at most MAX_SPOKEN). None before any answer."""
    if answered <= 0 or average_answer_s < 0:
        return None
    return max(1, min(math.ceil(average_answer_s / 60), MAX_SPOKEN))


def announcement(what: str, position: int | None, wait_minutes: int | None) -> list[str]:
    """The prompts to play for `what` (position, wait or both); [] when there is nothing
    worth saying."""
    kind = Announce(what)
    prompts: list[str] = []
    if kind in (Announce.POSITION, Announce.BOTH) and position and 1 <= position <= MAX_SPOKEN:
        prompts += ["queue-position", number_prompt(position)]
    if kind in (Announce.WAIT, Announce.BOTH) and wait_minutes:
        prompts += ["queue-wait", number_prompt(min(wait_minutes, MAX_SPOKEN)), "minutes"]
    return prompts


def announcement_due(every_s: float, since: float, now: float) -> bool:
    """A waiting caller last told (or queued) at `since` is due another announcement."""
    return every_s > 0 and now - since >= every_s
