"""Periodic announcements to callers waiting in a queue (position, expected wait).

After every `announce_every_seconds` of music (per queue; 0 = never), counted from joining
the queue and then from the end of the last announcement, the engine plays the prompts
`core/announce.py` chooses, one after the other (each `PromptFinished` plays the next),
then starts the music again: however short the period, the caller hears music in between.
An announcement stops as soon as the call is no longer waiting (offered, connected, gone):
no music is restarted over a ringing phone.
"""

from __future__ import annotations

from switchboard.core.announce import announcement, announcement_due, expected_wait_minutes
from switchboard.core.routing import CallState

from ._live import LiveCall


class Announcements:
    """Mixed into Engine."""

    def announce_due(self, now: float) -> None:
        if not any(card.announce_every_seconds for card in self.setup.queues.values()):
            return  # the usual case: not a loop over every call on every tick
        for live in list(self.calls.values()):
            if live.state != "waiting" or live.announcing or live.queue is None:
                continue
            card = self.setup.queues[live.queue]
            since = live.announced if live.announced is not None else live.queued
            if since is None or not announcement_due(card.announce_every_seconds, since, now):
                continue
            live.announced = now  # when nothing is worth saying: the next try, a period on
            prompts = announcement(
                card.announce, self.queue_position(live), self.expected_wait(live.queue)
            )
            if prompts:
                live.announcing = prompts
                self.tel.play(live.id, prompts[0], live.language)

    def announcement_played(self, live: LiveCall, prompt: str) -> bool:
        """A prompt of an announcement ended: play the next, or the music again. False when
        `live` was not announcing."""
        if not live.announcing or live.announcing[0] != prompt:
            return False
        live.announcing.pop(0)
        if live.state != "waiting":
            live.announcing = []
        elif live.announcing:
            self.tel.play(live.id, live.announcing[0], live.language)
        else:
            live.announced = self.clock.mono()  # the next period of music starts now
            self.tel.play_music(live.id)
        return True

    def queue_position(self, live: LiveCall) -> int | None:
        """1 for the next call to be served in the call's queue (priority, then arrival)."""
        waiting = [
            c for c in self.router.calls() if c.queue == live.queue and c.state is CallState.WAITING
        ]
        waiting.sort(key=lambda c: (-c.priority, c.arrived_at))
        for n, c in enumerate(waiting, start=1):
            if c.id == live.id:
                return n
        return None

    def expected_wait(self, queue: str) -> int | None:
        stats = self.router.queue_stats(queue)
        return expected_wait_minutes(stats.average_speed_of_answer_s, stats.answered)
