"""The messages that cross the channel layer between browsers' sockets and the engine.

One engine owns the floor. Web processes never touch the router: a desk or a
supervisor page sends a *command* to the engine's channel; the engine answers by
broadcasting *events* to groups after its database writes commit.

    browser ──ws──> DeskConsumer ──send(ENGINE_CHANNEL, command)──> engine
    engine ──group_send(agent_group(id) | FLOOR_GROUP, event)──> consumers ──ws──> browsers

With the in-memory layer all of this happens inside one process (`make run`); with
Redis the engine runs as `switchboard engine` and the web workers elsewhere.

Payloads (all JSON-safe; ids of users are ints, ids of calls are UUID strings):

  call summary  {"id", "direction" ("inbound" | "outbound"), "caller_number", "dialed_number", "queue" (code), "queue_name",
                 "language", "ivr_choices" [digits], "reason", "contact_id" | None,
                 "state" ("ivr" | "waiting" | "ringing" | "dialing" | "talking" | "held" | "ended"),
                 "agent" (user id) | None, "since" (ISO time of the last state change)}

  Commands (to ENGINE_CHANNEL, built with `command()`):
    go_available {}            go_on_break {"reason": code}     log_out {}
    accept / reject / hang_up {"call"}      hold {"call", "on": bool}
    transfer {"call", "queue": code}  or  {"call", "number": outside number}
    mark_difficult {"call"}
    originate {"number" | "contact": id, "mode": "agent_first" | "customer_first"}
                               -- click-to-call; "confirm": true also sends `dialing` to reply_to
    finish_wrap_up {"call"}    -- the web has saved the disposition; end after-call work
    set_agent_state {"agent": user id, "state": "available" | "break" | "logged_out", "reason"}
    place_virtual_call {"caller": E.164, "digits": ["1", "2"], "talk_s", "patience_s"}  -- demo, tests
    monitor {"call", "mode": "listen" | "whisper" | "barge"}   stop_monitor {"call"}
                                            -- a supervisor's own phone joins a connected
                                               call (SIP only)
    move_call {"call", "queue": code}       sync {}  -- the engine replies to reply_to with
                                               agent_state (+ offer/connected) or a full floor picture

  Events (to groups, built with `event()`):
    agent_state {"agent", "name", "state" (acd.models.AgentState value), "reason",
                 "since" (ISO), "until" (ISO | None, for timed breaks), "call" (id | None)}
                 -- to the agent's group and to FLOOR_GROUP
    offer {"call": summary, "ring_seconds"}          offer_withdrawn {"call": id}
    dialing {"call": summary, "ring_seconds"}        -- to the agent: their outbound call rings
    connected {"call": summary}                      -- to the agent
    call_ended {"call": id, "outcome", "wrap_up_seconds" (None = until finished)}
    care {"kind": "micro_break" | "cool_down" | "missed_offers" | "break_due", "until" (ISO | None)}
    queue_stats {"queues": [{"code", "name", "waiting", "longest_wait", "offered",
                 "answered", "abandoned", "answered_in_target", "service_level" (0..1 | None),
                 "sl_target_percent", "sl_target_seconds"}]}  -- to FLOOR_GROUP, at most 1/s
    call_update {"call": summary}                    -- to FLOOR_GROUP
    monitor {"call", "supervisor" (user id), "mode", "state" ("ringing" | "listening" |
             "switching" | "ended"), "reason" ("" | calls.models.MonitorEnd value)}
             -- to FLOOR_GROUP; `monitor` with another mode while listening changes mode
    error {"message"}                                -- to the reply_to channel only
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
    TRANSFER = "transfer"  # agent; "call", "queue" (code) or "number" (outside)
    ORIGINATE = "originate"  # agent; "number" or "contact", "mode"
    FINISH_WRAP_UP = "finish_wrap_up"  # agent; after the disposition is saved
    MARK_DIFFICULT = "mark_difficult"  # agent; "call" (acoustic incident / abusive caller)
    SET_AGENT_STATE = "set_agent_state"  # supervisor; "agent", "state", "reason"
    MOVE_CALL = "move_call"  # supervisor; "call", "queue"
    SYNC = "sync"  # any page: send me the current picture
    MONITOR = "monitor"  # supervisor; "call", "mode" (listen/whisper/barge): ring my phone
    STOP_MONITOR = "stop_monitor"  # supervisor; "call"
    PLACE_VIRTUAL_CALL = (
        "place_virtual_call"  # supervisor; "caller", "digits": [..] (virtual carrier only)
    )


class Event(StrEnum):
    """What the engine tells the pages (message key "event")."""

    AGENT_STATE = "agent_state"  # agent, state, reason, since, call
    OFFER = "offer"  # to one agent: call summary, ring_seconds
    OFFER_WITHDRAWN = "offer_withdrawn"  # to one agent: call
    DIALING = "dialing"  # to one agent: their outbound call rings at the customer
    CONNECTED = "connected"  # to one agent: call
    CALL_ENDED = "call_ended"  # to one agent: call, wrap_up_seconds, dispositions
    CARE = "care"  # to one agent: a care prompt (break due, movement, cool-down)
    QUEUE_STATS = "queue_stats"  # to the floor: per-queue figures
    CALL_UPDATE = "call_update"  # to the floor: a call in progress changed
    ERROR = "error"  # to one agent: a command was refused, with the reason
    MONITOR = "monitor"  # to the floor: a supervisor's listening began, answered or ended


def command(name: Command, /, *, user_id: int, reply_to: str | None = None, **fields) -> dict:
    """A message for ENGINE_CHANNEL. `reply_to` is the sender's channel, for refusals."""
    return {
        "type": "engine.command",
        "command": str(name),
        "user": user_id,
        "reply_to": reply_to,
        **fields,
    }


def event(name: Event, /, **fields) -> dict:
    """A message for a group; consumers dispatch it to their `floor_event` handler.

    `name` is positional-only: agent_state carries a field called "name".
    """
    return {"type": "floor.event", "event": str(name), **fields}
