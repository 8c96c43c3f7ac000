"""Recording in the engine: decide at enqueue, announce, record from the bridge, register.

- At enqueue the pure rule (`core/consent.py`) says whether the call is recorded, from its
  dialed number's menu and its queue. With an announcement, the caller hears it before
  the router takes the call (so before any operator), then the queue music.
- When the operator is connected, the carrier is told to record (once per call: a
  transfer keeps the same recording going).
- When the carrier reports the saved audio (`RecordingSaved`, after the call), the
  recording is registered and the background worker converts it (calls/recordings.py).
"""

from __future__ import annotations

from collections.abc import Callable

from switchboard.calls.recordings import do_add_recording
from switchboard.core.consent import recording_for

from . import interface as tel
from ._live import LiveCall
from ._outbox import Effect


class Recordings:
    """Mixed into Engine."""

    def announce_recording(self, live: LiveCall) -> bool:
        """Decide; True when an announcement plays first (the router waits for its end)."""
        queue = self.setup.queues.get(live.queue or "")
        rule = recording_for(
            self.setup.recording.get(live.dialed), queue.recording if queue else None
        )
        live.record = rule.record
        if not rule.record or not rule.consent_prompt:
            return False
        live.consent = rule.consent_prompt
        live.in_router = False  # a hang-up now is a hang-up before the queue
        self.tel.play(live.id, rule.consent_prompt, live.language)
        return True

    def consent_heard(self, live: LiveCall, prompt: str) -> bool:
        """The announcement ended: on to the queue. False for any other prompt."""
        if not live.consent or prompt != live.consent:
            return False
        live.consent = ""
        live.in_router = True
        self.to_router(live)
        return True

    def record_after_bridge(self, live: LiveCall) -> list[Callable[[], None]]:
        """What to do after the bridge: start recording the first time, if the call is."""
        if not live.record or live.recording:
            return []
        live.recording = True
        return [lambda: self.tel.record(live.id, True)]

    def recording_saved(self, event: tel.RecordingSaved) -> None:
        self.put(Effect(db=lambda: do_add_recording(event.call, event.path, event.caller_port)))
