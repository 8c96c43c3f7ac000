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
