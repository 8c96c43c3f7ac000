"""The virtual carrier: simulated callers on the Telephony interface.

It places inbound calls to the company's numbers at a configurable rate
(Poisson arrivals, seeded) and plays each caller: they listen to the prompts
(each takes its simulated duration), press digits — sometimes a wrong one,
sometimes none — wait in the queue with an exponential patience, and hang up
after a random talk time unless the agent hangs up first. A caller talking to
a human agent stays on the line much longer, so the human can finish.

`speed` divides every caller duration (not the arrival rate): tests and the
benchmark run the callers ten or a hundred times faster than life.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .interface import (
    Answered,
    CallArrived,
    CallerHungUp,
    CallFailed,
    DigitsReceived,
    Emit,
    PromptFinished,
    RecordingSaved,
    Telephony,
)

log = logging.getLogger("switchboard.telephony.sim")

LANGUAGE_PROMPT = "language"
LANGUAGE_DIGITS = ("1", "2")


@dataclass(frozen=True)
class CallerProfile:
    """How simulated callers behave, in seconds of their own (real) life."""

    prompt_seconds: Mapping[str, float] = field(
        default_factory=lambda: {"greeting": 3.0, "language": 4.0, "menu": 6.0, "invalid": 2.0}
    )
    think_seconds: tuple[float, float] = (0.5, 2.5)
    wrong_digit: float = 0.08
    no_digit: float = 0.05
    hang_up_in_menu: float = 0.02
    english: float = 0.3  # share of callers who choose English
    patience_mean_s: float = 120.0
    talk_mean_s: float = 150.0
    talk_min_s: float = 20.0
    human_talk_s: float = 1800.0  # with a human agent: until the agent hangs up, in practice
    # People we call: the odds they answer, are busy, or the call fails; the rest let it
    # ring until the engine gives up. Answer or refusal after this many seconds of ringing.
    outbound_answer: float = 0.6
    outbound_busy: float = 0.15
    outbound_fail: float = 0.05
    outbound_ring_s: tuple[float, float] = (3.0, 12.0)


@dataclass
class CallerScript:
    """A caller a test writes by hand: these digits in order ("" = silence), this patience
    and talk time. Anything left None is drawn at random as for any caller."""

    digits: list[str] | None = None
    patience_s: float | None = None
    talk_s: float | None = None


def outbound_odds(text: str) -> dict[str, float]:
    """ "answer,busy,fail" odds (SWITCHBOARD_SIM_OUTBOUND_ODDS) as CallerProfile fields."""
    try:
        odds = [float(part) for part in text.split(",")]
    except ValueError:
        odds = []
    if len(odds) != 3 or any(p < 0 for p in odds) or sum(odds) > 1:
        raise ValueError(f"outbound odds {text!r}: write answer,busy,fail, each 0-1, sum <= 1")
    return dict(zip(("outbound_answer", "outbound_busy", "outbound_fail"), odds, strict=True))


@dataclass
class CalleeScript:
    """How a number we dial behaves (tests): "answer", "busy", "no_answer" (rings until the
    engine gives up) or "fail", after `after_s` of ringing; once answered, talks `talk_s`."""

    result: str = "answer"
    after_s: float = 0.5
    talk_s: float | None = None


class _Caller:
    __slots__ = ("id", "caller", "dialed", "script", "state", "prompt", "timer", "patience_at")

    def __init__(self, call_id: str, caller: str, dialed: str, script: CallerScript | None):
        self.id = call_id
        self.caller = caller
        self.dialed = dialed
        self.script = script
        self.state = "ringing"  # ringing, menu, waiting, talking, gone
        self.prompt = ""
        self.timer: asyncio.TimerHandle | None = None
        self.patience_at: float | None = None


class VirtualCarrier(Telephony):
    """Simulated callers dialing `numbers`. `menus` maps a dialed number to the digits its
    menu accepts; `callers` are numbers to call from (known contacts, say) half the time;
    `is_human(agent)` tells whether a connected agent is a person (callers stay longer)."""

    def __init__(
        self,
        numbers: Sequence[str],
        *,
        calls_per_hour: float = 120.0,
        seed: int | None = None,
        speed: float = 1.0,
        profile: CallerProfile | None = None,
        menus: Mapping[str, Sequence[str]] | None = None,
        callers: Sequence[str] = (),
        is_human: Callable[[str], bool] = lambda agent: False,
        hourly: Sequence[float] | None = None,
        call_log: str = "",
        recording_dir: str = "",
        max_recording_seconds: float = 20.0,
        callees: Mapping[str, CalleeScript] | None = None,
    ) -> None:
        if speed <= 0 or calls_per_hour < 0:
            raise ValueError("speed must be positive and the call rate not negative")
        self.numbers = list(numbers)
        self.calls_per_hour = calls_per_hour
        self.random = random.Random(seed)
        self.speed = speed
        self.profile = profile or CallerProfile()
        self.menus = {number: tuple(digits) for number, digits in (menus or {}).items()}
        self.callers = list(callers)
        self.is_human = is_human
        self.hourly = list(hourly) if hourly else None  # 24 multipliers of calls_per_hour
        self.placed: list[str] = []  # every call id this carrier ever placed, in order
        self.callees: dict[str, CalleeScript] = dict(callees or {})  # by number dialed
        # A file that gets each call id as it is placed: the benchmark's independent tally.
        self._call_log = open(call_log, "a", buffering=1) if call_log else None  # noqa: SIM115
        self._calls: dict[str, _Caller] = {}
        # Recordings: a made-up conversation as long as the simulated talk (at most
        # `max_recording_seconds`), written in a thread when the call ends.
        self.recording_dir = recording_dir
        self.max_recording_seconds = max_recording_seconds
        self._recording: dict[str, float] = {}  # call -> loop time recording started
        self._emit: Emit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arrivals: asyncio.Task | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, emit: Emit) -> None:
        self._emit = emit
        self._loop = asyncio.get_running_loop()
        if self.calls_per_hour > 0 and self.numbers:
            self._arrivals = asyncio.create_task(self._arrive(), name="virtual-carrier")

    async def stop(self) -> None:
        if self._arrivals is not None:
            self._arrivals.cancel()
        for caller in self._calls.values():
            self._cancel(caller)
        self._calls.clear()
        if self._call_log is not None:
            self._call_log.close()
            self._call_log = None

    def stop_arrivals(self) -> None:
        """No new calls; the calls in progress play out."""
        if self._arrivals is not None:
            self._arrivals.cancel()

    async def _arrive(self) -> None:
        import time

        while True:
            rate = self.calls_per_hour
            if self.hourly:
                rate *= self.hourly[time.localtime().tm_hour % len(self.hourly)]
            if rate <= 0:
                await asyncio.sleep(60)
                continue
            await asyncio.sleep(self.random.expovariate(rate / 3600.0))
            self.place_call()

    def place_call(
        self,
        caller: str | None = None,
        dialed: str | None = None,
        script: CallerScript | None = None,
    ) -> str:
        """Ring the engine with one call now; return its id."""
        if self._emit is None:
            raise RuntimeError("the carrier has not started")
        call_id = str(uuid.uuid4())
        if caller is None:
            caller = self._caller_number()
        if dialed is None:
            dialed = self.random.choice(self.numbers)
        self._calls[call_id] = _Caller(call_id, caller, dialed, script)
        self.placed.append(call_id)
        if self._call_log is not None:
            self._call_log.write(call_id + "\n")
        self._emit(CallArrived(call_id, caller, dialed))
        return call_id

    def hang_up_caller(self, call: str) -> None:
        """The caller hangs up now, whatever they were doing."""
        caller = self._get(call)
        if caller is not None:
            self._later(caller, 0.0, CallerHungUp(call))

    def _caller_number(self) -> str:
        if self.callers and self.random.random() < 0.5:
            return self.random.choice(self.callers)
        operator = self.random.choice("3456789")
        return f"+8801{operator}{self.random.randrange(10**8):08d}"

    # -- timing helpers ---------------------------------------------------------------------

    def _later(self, caller: _Caller, seconds: float, event) -> None:
        self._cancel(caller)
        caller.timer = self._loop.call_later(
            max(0.0, seconds) / self.speed, self._fire, caller, event
        )  # type: ignore[union-attr]

    def _fire(self, caller: _Caller, event) -> None:
        caller.timer = None
        if isinstance(event, CallerHungUp | CallFailed):
            caller.state = "gone"
            self._calls.pop(caller.id, None)
        self._emit(event)  # type: ignore[misc]
        if isinstance(event, CallerHungUp | CallFailed):
            self._save_recording(caller.id)

    def _announced(self, caller: _Caller, event: PromptFinished) -> None:
        if caller.state == "waiting" and caller.id in self._calls:
            self._emit(event)  # type: ignore[misc]

    @staticmethod
    def _cancel(caller: _Caller) -> None:
        if caller.timer is not None:
            caller.timer.cancel()
            caller.timer = None

    def _get(self, call: str) -> _Caller | None:
        caller = self._calls.get(call)
        if caller is None:
            log.debug("virtual carrier: no call %s (already gone)", call)
        return caller

    # -- commands -------------------------------------------------------------------------------

    def answer(self, call: str) -> None:
        caller = self._get(call)
        if caller is not None:
            caller.state = "menu"
            self._later(caller, 0.0, Answered(call))

    def play(self, call: str, prompt: str, language: str) -> None:
        caller = self._get(call)
        if caller is None:
            return
        caller.prompt = prompt
        if caller.state == "waiting":  # a queue announcement: the caller's patience runs on
            seconds = self.profile.prompt_seconds.get(prompt, 1.0) / self.speed
            self._loop.call_later(seconds, self._announced, caller, PromptFinished(call, prompt))
            return
        seconds = self.profile.prompt_seconds.get(prompt, 3.0)
        if caller.script is None and self.random.random() < self.profile.hang_up_in_menu:
            self._later(caller, self.random.uniform(0, seconds), CallerHungUp(call))
        else:
            self._later(caller, seconds, PromptFinished(call, prompt))

    def collect_digits(self, call: str, max_digits: int, timeout: float) -> None:
        caller = self._get(call)
        if caller is None:
            return
        digits = self._choose_digits(caller)
        if digits == "":
            self._later(caller, timeout, DigitsReceived(call, ""))
        else:
            self._later(
                caller,
                self.random.uniform(*self.profile.think_seconds),
                DigitsReceived(call, digits),
            )

    def _choose_digits(self, caller: _Caller) -> str:
        if caller.script is not None and caller.script.digits is not None:
            return caller.script.digits.pop(0) if caller.script.digits else ""
        p = self.profile
        valid = (
            LANGUAGE_DIGITS
            if caller.prompt == LANGUAGE_PROMPT
            else self.menus.get(caller.dialed, ("1",))
        )
        roll = self.random.random()
        if roll < p.no_digit:
            return ""
        if roll < p.no_digit + p.wrong_digit:
            wrong = [d for d in "0123456789" if d not in valid]
            return self.random.choice(wrong) if wrong else ""
        if caller.prompt == LANGUAGE_PROMPT:
            return "2" if self.random.random() < p.english else "1"
        return self.random.choice(list(valid))

    def play_music(self, call: str) -> None:
        caller = self._get(call)
        if caller is None:
            return
        if caller.state != "waiting":
            caller.state = "waiting"
            script = caller.script
            patience = (
                script.patience_s
                if script is not None and script.patience_s is not None
                else self.random.expovariate(1 / self.profile.patience_mean_s)
            )
            self._later(caller, patience, CallerHungUp(call))

    def ring_agent(self, call: str, agent: str) -> None:
        pass  # the caller keeps waiting (and losing patience) while the agent's phone rings

    def stop_ringing(self, call: str, agent: str) -> None:
        pass

    def bridge(self, call: str, agent: str) -> None:
        caller = self._get(call)
        if caller is None:
            return
        caller.state = "talking"
        script = caller.script
        if script is not None and script.talk_s is not None:
            talk = script.talk_s
        elif self.is_human(agent):
            talk = self.profile.human_talk_s
        else:
            p = self.profile
            talk = p.talk_min_s + self.random.expovariate(
                1 / max(1.0, p.talk_mean_s - p.talk_min_s)
            )
        self._later(caller, talk, CallerHungUp(call))

    def hold(self, call: str, on: bool) -> None:
        pass  # a caller on hold keeps their talk time: they hang up when they would anyway

    def transfer(self, call: str, destination: str) -> None:
        self.hang_up(call)  # gone to the other number: the call is no longer ours

    def hang_up(self, call: str) -> None:
        caller = self._calls.pop(call, None)
        if caller is not None:
            self._cancel(caller)
            caller.state = "gone"
        self._save_recording(call)

    def record(self, call: str, on: bool) -> None:
        if on and self._get(call) is not None:
            self._recording.setdefault(call, self._loop.time())
        elif not on:
            self._save_recording(call)

    def _save_recording(self, call: str) -> None:
        started = self._recording.pop(call, None)
        if started is None:
            return
        seconds = min(self.max_recording_seconds, (self._loop.time() - started) * self.speed)
        folder = self.recording_dir or os.path.join(tempfile.gettempdir(), "switchboard-sim")
        path = os.path.join(folder, f"{call}.wav")
        done = self._loop.run_in_executor(None, _write_demo_recording, path, max(1.0, seconds))
        done.add_done_callback(lambda f: self._recording_written(call, path, f))

    def _recording_written(self, call: str, path: str, future: asyncio.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            log.error("virtual carrier: recording of %s not written: %s", call, future)
            return
        if self._emit is not None:
            self._emit(RecordingSaved(call, path))

    def originate(self, call: str, number: str, caller_id: str) -> None:
        callee = self.callees.get(number)
        script = CallerScript(talk_s=callee.talk_s) if callee is not None else None
        person = self._calls[call] = _Caller(call, caller_id, number, script)
        self.placed.append(call)
        if callee is not None:
            result, after = callee.result, callee.after_s
        else:
            p, roll = self.profile, self.random.random()
            after = self.random.uniform(*p.outbound_ring_s)
            if roll < p.outbound_answer:
                result = "answer"
            elif roll < p.outbound_answer + p.outbound_busy:
                result = "busy"
            elif roll < p.outbound_answer + p.outbound_busy + p.outbound_fail:
                result = "fail"
            else:
                result = "no_answer"
        if result == "answer":
            self._later(person, after, Answered(call))
        elif result == "busy":
            self._later(person, after, CallFailed(call, "busy"))
        elif result == "fail":
            self._later(person, after, CallFailed(call, "503 Service Unavailable"))
        # "no_answer": it rings until the engine hangs up


def _write_demo_recording(path: str, seconds: float) -> None:
    from pathlib import Path

    from .recording import demo_conversation, write_wav

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_wav(Path(path), demo_conversation(seconds), channels=2)
