"""The messages that cross the channel layer between browsers' sockets and the engine.

One engine owns the floor. Web processes never touch the router: a desk or a
supervisor page sends a *command* to the engine's channel; the engine answers by
broadcasting *events* to groups after its database writes commit.

    browser ──ws──> DeskConsumer ──send(ENGINE_CHANNEL, command)──> engine
    engine ──group_send(agent_group(id) | FLOOR_GROUP, event)──> consumers ──ws──> browsers

With the in-memory layer all of this happens inside one process (`make run`); with
Redis the engine runs as `switchboard engine` and the web workers elsewhere.
"""

from __future__ import annotations

from enum import StrEnum

ENGINE_CHANNEL = "switchboard.engine"
FLOOR_GROUP = "floor"  # supervisors' live view and the wallboard


def agent_group(user_id: int) -> str:
    """Each agent's desks (every tab they have open) listen here."""
    return f"agent.{user_id}"


class Command(StrEnum):
    """What a desk or supervisor asks the engine to do (message key "command")."""

    GO_AVAILABLE = "go_available"  # agent
    GO_ON_BREAK = "go_on_break"  # agent; "reason"
    LOG_OUT = "log_out"  # agent (or a supervisor for "agent")
    ACCEPT = "accept"  # agent; "call"
    REJECT = "reject"  # agent; "call"
    HANG_UP = "hang_up"  # agent; "call"
    HOLD = "hold"  # agent; "call", "on": bool
    TRANSFER = "transfer"  # agent; "call", "queue" (code)
    FINISH_WRAP_UP = "finish_wrap_up"  # agent; after the disposition is saved
    MARK_DIFFICULT = "mark_difficult"  # agent; "call" (acoustic incident / abusive caller)
    SET_AGENT_STATE = "set_agent_state"  # supervisor; "agent", "state", "reason"
    MOVE_CALL = "move_call"  # supervisor; "call", "queue"
    SYNC = "sync"  # any page: send me the current picture


class Event(StrEnum):
    """What the engine tells the pages (message key "event")."""

    AGENT_STATE = "agent_state"  # agent, state, reason, since, call
    OFFER = "offer"  # to one agent: call summary, ring_seconds
    OFFER_WITHDRAWN = "offer_withdrawn"  # to one agent: call
    CONNECTED = "connected"  # to one agent: call
    CALL_ENDED = "call_ended"  # to one agent: call, wrap_up_seconds, dispositions
    CARE = "care"  # to one agent: a care prompt (break due, movement, cool-down)
    QUEUE_STATS = "queue_stats"  # to the floor: per-queue figures
    CALL_UPDATE = "call_update"  # to the floor: a call in progress changed
    ERROR = "error"  # to one agent: a command was refused, with the reason


def command(name: Command, *, user_id: int, reply_to: str | None = None, **fields) -> dict:
    """A message for ENGINE_CHANNEL. `reply_to` is the sender's channel, for refusals."""
    return {
        "type": "engine.command",
        "command": str(name),
        "user": user_id,
        "reply_to": reply_to,
        **fields,
    }


def event(name: Event, **fields) -> dict:
    """A message for a group; consumers dispatch it to their `floor_event` handler."""
    return {"type": "floor.event", "event": str(name), **fields}
