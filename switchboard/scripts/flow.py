"""How a script is walked: which step follows which answer, which required steps the
walk should have passed, and placeholders filled from the contact and the call.

Works on any objects with the attributes of ScriptStep (key, order, required,
next_key, branches), so it needs no database.
"""

import re
from dataclasses import dataclass

END = "end"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def ordered(steps) -> list:
    return sorted(steps, key=lambda s: (s.order, s.key))


def first_key(steps) -> str:
    steps = ordered(steps)
    return steps[0].key if steps else ""


def next_key(steps, key: str, answer=None) -> str:
    """The step after `key` given `answer` ("" when the script ends there).

    A branch for the answer (compared without case) wins; then the step's own next
    step; then the next one in order."""
    steps = ordered(steps)
    by_key = {s.key: s for s in steps}
    step = by_key.get(key)
    if step is None:
        return ""
    target = ""
    if answer is not None and step.branches:
        folded = {str(k).strip().casefold(): v for k, v in step.branches.items()}
        target = folded.get(str(answer).strip().casefold(), "")
    if not target:
        target = step.next_key
    if not target:
        index = steps.index(step)
        return steps[index + 1].key if index + 1 < len(steps) else ""
    return "" if target == END or target not in by_key else target


def expected_path(steps, answers: dict) -> list[str]:
    """The steps a walk from the first step passes, following the answers given (and the
    default route where a question has no answer). Stops at the end or a loop."""
    path, key, seen = [], first_key(steps), set()
    while key and key not in seen:
        seen.add(key)
        path.append(key)
        key = next_key(steps, key, answers.get(key))
    return path


@dataclass
class Adherence:
    required: list[str]  # required steps on the route the call took
    done: list[str]
    missing: list[str]

    @property
    def ratio(self) -> float:
        return 1.0 if not self.required else len(self.done) / len(self.required)


def adherence(steps, answers: dict, done: list[str]) -> Adherence:
    required_keys = {s.key for s in steps if s.required}
    route = [k for k in expected_path(steps, answers) if k in required_keys]
    finished = [k for k in route if k in set(done)]
    return Adherence(required=route, done=finished, missing=[k for k in route if k not in done])


def fill(text: str, values: dict) -> str:
    """Replace {name} placeholders by their values; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def placeholders_for(call=None, contact=None, agent=None) -> dict:
    contact = contact or (call.contact if call is not None else None)
    values = {}
    if contact is not None:
        values.update(
            first_name=contact.first_name or contact.display_name,
            last_name=contact.last_name,
            name=contact.display_name,
            organization=contact.organization,
            address=contact.address,
        )
    if call is not None:
        values.update(
            caller_number=call.caller_number,
            queue=call.queue.name if call.queue_id else "",
            reason=call.reason,
        )
    if agent is not None:
        values.update(agent_name=agent.first_name or agent.get_username())
    return values
