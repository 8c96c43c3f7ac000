"""Whether a call is recorded, and what the caller hears first: no I/O, no Django.

Recording is switched on per dialed number (its menu) and per queue. A call is recorded
when either says so: a number can record all its calls, a queue the calls it takes. The
caller is told before an operator answers: the queue's announcement is used if it has
one, else the number's. An empty announcement means none is played (the company tells
callers some other way); a call that is not recorded hears no announcement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordingRule:
    """One number's or one queue's setting: record or not, and the prompt announcing it."""

    record: bool = False
    consent_prompt: str = ""


NOT_RECORDED = RecordingRule()


def recording_for(number: RecordingRule | None, queue: RecordingRule | None) -> RecordingRule:
    """The rule for a call to `number` (None: no menu) taken by `queue` (None: unknown)."""
    rules = [r for r in (queue, number) if r is not None and r.record]
    if not rules:
        return NOT_RECORDED
    prompt = next((r.consent_prompt for r in rules if r.consent_prompt), "")
    return RecordingRule(True, prompt)
