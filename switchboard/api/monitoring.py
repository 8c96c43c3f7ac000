"""/api/monitorings: who listened to which live call, and when (calls.CallMonitoring).

A read-only log for supervisors and admins (`calls.view_callmonitoring`); the engine
writes it when a supervisor listens from their phone (docs/sip.md, "Supervisor")."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from switchboard.calls.models import CallMonitoring, MonitorEnd, MonitorMode

router = Router(tags=["floor"])


class MonitoringOut(Schema):
    id: int
    call_id: UUID
    supervisor_id: int
    supervisor_username: str
    mode: MonitorMode
    requested_at: datetime
    started_at: datetime | None = Field(description="When the supervisor's phone answered.")
    ended_at: datetime | None
    end_reason: MonitorEnd | None

    @staticmethod
    def resolve_supervisor_username(obj) -> str:
        return obj.supervisor.get_username()

    @staticmethod
    def resolve_end_reason(obj) -> str | None:
        return obj.end_reason or None


class MonitoringFilters(Schema):
    call: UUID | None = Field(None, description="Only this call's listenings.")
    supervisor_id: int | None = Field(None, description="Only this supervisor's.")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class MonitoringPage(Schema):
    limit: int
    offset: int
    items: list[MonitoringOut]


@router.get(
    "/monitorings", response=MonitoringPage, summary="Supervisors' listenings, newest first"
)
def list_monitorings(request, filters: Query[MonitoringFilters]):
    if not request.user.has_perm("calls.view_callmonitoring"):
        raise PermissionDenied
    found = CallMonitoring.objects.select_related("supervisor").order_by("-requested_at", "-id")
    if filters.call:
        found = found.filter(call_id=filters.call)
    if filters.supervisor_id:
        found = found.filter(supervisor_id=filters.supervisor_id)
    items = list(found[filters.offset : filters.offset + filters.limit])
    return {"limit": filters.limit, "offset": filters.offset, "items": items}
