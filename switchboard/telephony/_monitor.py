"""A supervisor listens to a live call from their own phone: the floor commands `monitor` and
`stop_monitor` (acd/floor.py), the telephony's MonitorStarted / MonitorEnded, and the log
(calls.CallMonitoring). Mixed into Engine.

The network does the listening (`Telephony.monitor`; SIP: sip/monitor.py). The engine
checks who asks (the `calls.monitor_call` permission) and which call (connected to an
agent), turns the network's refusal codes into translated messages, writes who listened
to which call and when, and tells the floor (`monitor` events) so the page shows it.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from switchboard.acd import floor
from switchboard.acd.floor import Event
from switchboard.calls.monitoring import (
    do_monitor_ended,
    do_monitor_requested,
    do_monitor_started,
    do_monitor_switched,
)

from . import interface as tel
from ._commands import Refused
from ._outbox import Effect


def _monitor_rights(user_id: int) -> tuple[bool, str]:
    """(may listen to calls, the user's language) of an active user."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False, ""
    return user.has_perm("calls.monitor_call"), getattr(user, "language", "") or ""


def _refusals() -> dict[str, str]:
    return {
        "unsupported": _(
            "Listening needs real telephony (SIP): the virtual carrier carries no audio."
        ),
        "mode": _("Choose listen, whisper or barge in."),
        "not_connected": _("Only a call connected to an agent can be listened to."),
        "no_phone": _("Your phone is not registered. Register your SIP phone, then try again."),
        "already": _("You are already listening to this call."),
    }


class Monitoring:
    """Mixed into Engine. `self.monitoring`: (call, supervisor's user id) -> {"mode",
    "state"} ("ringing" until their phone answers, then "listening"; "switching" while a
    change of mode is under way: `monitor` again with another mode, no new ring)."""

    monitoring: dict[tuple[str, int], dict[str, str]]

    async def _cmd_monitor(self, message: dict, user) -> None:
        allowed, language = False, ""
        if isinstance(user, int):
            allowed, language = await sync_to_async(_monitor_rights, thread_sensitive=False)(user)
        # A supervisor need not be an agent: their own language, not an agent card's.
        with translation.override(language or translation.get_language()):
            if not allowed:
                raise Refused("not_supervisor", _("Only a supervisor may listen to calls."))
            self._start_monitor(message, user)

    def _start_monitor(self, message: dict, user: int) -> None:
        live = self.calls.get(str(message.get("call") or ""))
        mode = str(message.get("mode") or "listen")
        if live is None or live.state not in ("talking", "held"):
            raise Refused("not_connected", _refusals()["not_connected"])
        entry = self.monitoring.get((live.id, user))
        if entry is not None and (entry["mode"] == mode or entry["state"] != "listening"):
            raise Refused("already", _refusals()["already"])
        refused = self.tel.monitor(live.id, str(user), mode)
        if refused is not None:
            raise Refused(refused, _refusals().get(refused, _("That cannot be done right now.")))
        if entry is not None:  # on the call already: another mode, their phone stays up
            entry["state"] = "switching"
            return
        self.monitoring[(live.id, user)] = {"mode": mode, "state": "ringing"}
        at = self.clock.wall()
        self.put(
            Effect(
                db=lambda: do_monitor_requested(live.id, user, mode, at),
                groups=[self._monitor_event(live.id, user, "ringing")],
            )
        )

    async def _cmd_stop_monitor(self, message: dict, user) -> None:
        call = str(message.get("call") or "")
        if not isinstance(user, int) or (call, user) not in self.monitoring:
            raise Refused("not_monitoring", _("You are not listening to this call."))
        self.tel.stop_monitor(call, str(user))  # then MonitorEnded("stopped")

    def _monitor_started(self, event: tel.MonitorStarted) -> None:
        user = int(event.supervisor)
        if (event.call, user) not in self.monitoring:
            return
        entry = self.monitoring[(event.call, user)]
        switched = entry["state"] == "switching"
        entry.update(state="listening", mode=event.mode)
        at = self.clock.wall()
        if switched:
            write = lambda: do_monitor_switched(event.call, user, event.mode, at)  # noqa: E731
        else:
            write = lambda: do_monitor_started(event.call, user, at)  # noqa: E731
        self.put(
            Effect(
                db=write,
                groups=[self._monitor_event(event.call, user, "listening")],
            )
        )

    def _monitor_ended(self, event: tel.MonitorEnded) -> None:
        user = int(event.supervisor)
        entry = self.monitoring.pop((event.call, user), None)
        if entry is None:
            return
        at = self.clock.wall()
        self.put(
            Effect(
                db=lambda: do_monitor_ended(event.call, user, event.reason, at),
                groups=[self._monitor_event(event.call, user, "ended", event.reason, entry)],
            )
        )

    def _monitor_event(self, call, user, state, reason="", entry=None) -> tuple:
        mode = (entry or self.monitoring.get((call, user)) or {}).get("mode", "listen")
        payload = floor.event(
            Event.MONITOR, call=call, supervisor=user, mode=mode, state=state, reason=reason
        )
        return (floor.FLOOR_GROUP, payload)

    def monitor_payloads(self) -> list[dict]:
        """For a floor page that (re)connects: who listens to what now."""
        return [
            floor.event(Event.MONITOR, call=call, supervisor=user, reason="", **entry)
            for (call, user), entry in self.monitoring.items()
        ]
