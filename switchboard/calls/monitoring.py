"""The monitoring log's writes (CallMonitoring): the engine runs them in its writer thread."""

from __future__ import annotations

import datetime

from switchboard.calls.models import CallMonitoring


def do_monitor_requested(
    call_id: str, supervisor_id: int, mode: str, at: datetime.datetime
) -> None:
    CallMonitoring.objects.create(
        call_id=call_id, supervisor_id=supervisor_id, mode=mode, requested_at=at
    )


def _open(call_id: str, supervisor_id: int):
    return CallMonitoring.objects.filter(
        call_id=call_id, supervisor_id=supervisor_id, ended_at__isnull=True
    )


def do_monitor_started(call_id: str, supervisor_id: int, at: datetime.datetime) -> None:
    _open(call_id, supervisor_id).update(started_at=at)


def do_monitor_switched(call_id: str, supervisor_id: int, mode: str, at: datetime.datetime) -> None:
    """The supervisor on the call changed mode: one row per mode, the new one answered."""
    do_monitor_ended(call_id, supervisor_id, "switched", at)
    CallMonitoring.objects.create(
        call_id=call_id, supervisor_id=supervisor_id, mode=mode, requested_at=at, started_at=at
    )


def do_monitor_ended(call_id: str, supervisor_id: int, reason: str, at: datetime.datetime) -> None:
    _open(call_id, supervisor_id).update(ended_at=at, end_reason=reason)


def do_close_stale_monitorings() -> int:
    """At engine start (after interrupted calls are closed): a listening whose call has
    ended, left open by an engine that died, ends when its call did."""
    stale = CallMonitoring.objects.filter(
        ended_at__isnull=True, call__ended_at__isnull=False
    ).select_related("call")
    closed = 0
    for monitoring in stale:  # a handful at most: one per supervisor listening at a crash
        monitoring.ended_at, monitoring.end_reason = monitoring.call.ended_at, "call_ended"
        monitoring.save(update_fields=["ended_at", "end_reason"])
        closed += 1
    return closed
