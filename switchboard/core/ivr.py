"""One caller's walk through a voice menu: events in, commands out, no I/O, no clock.

    ivr = Ivr(IvrConfig(options={"1": MenuOption("orders")}, default_queue="info"))
    commands = ivr.start()                        # [Play("greeting", "bn")]
    commands = ivr.handle(PromptEnded("greeting"))  # [Play("language", "bn"), Collect(1, 5.0)]
    ...                                            # until [Enqueue("orders", "en", ("2", "1"))]

Greeting, then (optionally) a language choice — 1 for Bengali, 2 for English —
then the menu of queues. A wrong or missing digit replays the question up to
`max_attempts` times; after that the caller gets the default language or the
default queue. The menu never drops a caller: every path ends in Enqueue.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

GREETING = "greeting"
LANGUAGE = "language"
MENU = "menu"
INVALID = "invalid"  # "Sorry, that is not an option." before a replay


@dataclass(frozen=True, slots=True)
class MenuOption:
    """Where one digit of the menu leads: a queue, and the reason recorded on the call."""

    queue: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class IvrConfig:
    """One dialed number's menu. `languages` maps digits to language codes."""

    options: Mapping[str, MenuOption]
    default_queue: str
    ask_language: bool = True
    languages: Mapping[str, str] = field(default_factory=lambda: {"1": "bn", "2": "en"})
    default_language: str = "bn"
    max_attempts: int = 2
    digit_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("a menu needs at least one attempt")
        if self.default_language not in self.languages.values() and self.ask_language:
            raise ValueError(f"default language {self.default_language!r} is not offered")


# -- commands out ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Play:
    """Play a prompt (GREETING, LANGUAGE, MENU or INVALID) in a language."""

    prompt: str
    language: str


@dataclass(frozen=True, slots=True)
class Collect:
    """Listen for up to `max_digits` digits for `timeout_s` seconds after the prompt ends."""

    max_digits: int
    timeout_s: float


@dataclass(frozen=True, slots=True)
class Enqueue:
    """The menu is done: put the call in `queue`.

    `choices` are the digits that chose something (a language, an option);
    `fell_back` says the caller reached the default queue for lack of a valid choice.
    """

    queue: str
    language: str
    choices: tuple[str, ...]
    reason: str = ""
    fell_back: bool = False


Command = Play | Collect | Enqueue

# -- events in --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromptEnded:
    """The prompt finished playing."""

    prompt: str


@dataclass(frozen=True, slots=True)
class DigitsEntered:
    """The caller pressed `digits`; an empty string means nothing came before the timeout."""

    digits: str


IvrEvent = PromptEnded | DigitsEntered


class Step(enum.Enum):
    NEW = "new"
    GREETING = "greeting"
    LANGUAGE = "language"
    MENU = "menu"
    DONE = "done"


class IvrError(Exception):
    """An event that cannot happen at this step (a digit during the greeting...)."""


class Ivr:
    """The state machine of one call in the menu. Drive it with `start()` and `handle()`."""

    def __init__(self, config: IvrConfig) -> None:
        self.config = config
        self.step = Step.NEW
        self.language = config.default_language
        self.choices: list[str] = []
        self.attempts = 0  # wrong or missing answers to the current question
        self._listening = False

    def start(self) -> list[Command]:
        """The call was answered: greet the caller."""
        if self.step is not Step.NEW:
            raise IvrError("the menu has already started")
        self.step = Step.GREETING
        return [Play(GREETING, self.language)]

    def handle(self, event: IvrEvent) -> list[Command]:
        """Apply one event; return what to do next. Raises IvrError on an impossible event."""
        if self.step in (Step.NEW, Step.DONE):
            raise IvrError(f"{event!r} at step {self.step.value}")
        if isinstance(event, PromptEnded):
            return self._prompt_ended(event.prompt)
        if isinstance(event, DigitsEntered):
            if not self._listening:
                raise IvrError("digits arrived while nobody was listening")
            self._listening = False
            return self._answer(event.digits.strip())
        raise TypeError(f"not an IVR event: {event!r}")

    @property
    def done(self) -> bool:
        return self.step is Step.DONE

    # -- transitions ----------------------------------------------------------------

    def _prompt_ended(self, prompt: str) -> list[Command]:
        if self.step is Step.GREETING and prompt == GREETING:
            return self._ask(Step.LANGUAGE if self.config.ask_language else Step.MENU)
        if prompt == INVALID:
            return self._ask(self.step)
        if prompt in (LANGUAGE, MENU) and not self._listening:
            self._listening = True
            return [Collect(1, self.config.digit_timeout_s)]
        return []  # a stray prompt end (a replay racing an answer): nothing to do

    def _ask(self, step: Step) -> list[Command]:
        self.step = step
        return [Play(LANGUAGE if step is Step.LANGUAGE else MENU, self.language)]

    def _answer(self, digits: str) -> list[Command]:
        digit = digits[:1]
        if self.step is Step.LANGUAGE:
            language = self.config.languages.get(digit)
            if language is not None:
                self.language = language
                self.choices.append(digit)
                self.attempts = 0
                return self._ask(Step.MENU)
            if self._give_up():
                self.attempts = 0
                return self._ask(Step.MENU)  # the default language, and on to the menu
            return self._replay(digit)
        option = self.config.options.get(digit)
        if option is not None:
            self.choices.append(digit)
            return self._finish(option.queue, option.reason, fell_back=False)
        if self._give_up():
            return self._finish(self.config.default_queue, "", fell_back=True)
        return self._replay(digit)

    def _give_up(self) -> bool:
        self.attempts += 1
        return self.attempts >= self.config.max_attempts

    def _replay(self, digit: str) -> list[Command]:
        if digit:  # a wrong key: say so first; silence just hears the question again
            return [Play(INVALID, self.language)]
        return self._ask(self.step)

    def _finish(self, queue: str, reason: str, *, fell_back: bool) -> list[Command]:
        self.step = Step.DONE
        return [Enqueue(queue, self.language, tuple(self.choices), reason, fell_back)]
