"""/api/tickets and /api/departments: open, read, change, move through the lifecycle,
forward (with the call's transfer) and annotate complaints and claims.

Writes go through switchboard.tickets.actions, reads through switchboard.tickets.access.
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from switchboard.api.contacts import ERRORS, INPUT_ERRORS, ErrorOut
from switchboard.calls.access import get_call_for_user
from switchboard.contacts.access import get_contact_for_user
from switchboard.tickets.access import get_ticket_for_user, tickets_for_user, visible_events
from switchboard.tickets.actions import (
    TicketData,
    check_add_note,
    check_assign,
    check_change_status,
    check_create_ticket,
    check_forward_ticket,
    check_resolve_on_call,
)
from switchboard.tickets.models import (
    FINISHED,
    Category,
    Department,
    Severity,
    TicketKind,
)
from switchboard.tickets.models import Status as TicketStatus

router = Router(tags=["tickets"])


class DepartmentOut(Schema):
    id: int
    code: str
    name_en: str
    name_bn: str
    queue: str | None = Field(description="Code of the queue calls are transferred to.")
    time_zone: str
    open_now: bool

    @staticmethod
    def resolve_queue(obj) -> str | None:
        return obj.queue.code if obj.queue_id else None

    @staticmethod
    def resolve_open_now(obj) -> bool:
        from django.utils import timezone

        from switchboard.core.sla import is_open

        return is_open(timezone.now(), obj.working_hours())


class TicketOut(Schema):
    id: int
    kind: TicketKind
    category: Category
    severity: Severity
    subject: str
    description: str
    orders: list[str]
    demand: str
    contact_id: int | None
    call_id: UUID | None
    status: TicketStatus
    department: str | None = Field(description="The department's code.")
    assignee_id: int | None
    created_by_id: int | None
    resolution: str = Field(description="What the customer was told.")
    solved_on_call: bool
    due_at: datetime | None
    escalated_at: datetime | None
    forwarded_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.code if obj.department_id else None


class TicketIn(Schema):
    category: Category
    subject: str
    kind: TicketKind = TicketKind.COMPLAINT
    severity: Severity = Severity.NORMAL
    description: str = ""
    orders: list[str] = Field(default_factory=list, description="Order numbers concerned.")
    demand: str = Field("", description="What the customer asks for.")
    contact_id: int | None = None
    call_id: UUID | None = Field(None, description="The call it is opened on.")


class TicketPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[TicketOut]


class TicketFilters(Schema):
    status: TicketStatus | None = Field(None, description="Without it: the unfinished ones.")
    department: str = Field("", description="A department's code.")
    contact_id: int | None = None
    call_id: UUID | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TransitionIn(Schema):
    status: TicketStatus
    text: str = Field("", description="For resolved: the resolution told to the customer.")


class ResolveIn(Schema):
    resolution: str


class ForwardIn(Schema):
    department: str = Field(description="The department's code.")
    assignee_id: int | None = None


class ForwardOut(Schema):
    ticket: TicketOut
    transferred: bool = Field(description="The live call was sent to the department's queue.")
    reason: str = Field(description="Why the call was not transferred, when it was not.")


class AssignIn(Schema):
    assignee_id: int | None


class NoteIn(Schema):
    text: str


class EventOut(Schema):
    id: int
    kind: str
    from_status: str
    to_status: str
    text: str
    author_id: int | None
    created_at: datetime


def _changeable(request, ticket_id: int):
    return get_ticket_for_user(request.user, ticket_id, perm="tickets.change_ticket")


@router.get("/departments", response={200: list[DepartmentOut], **ERRORS}, summary="Departments")
def list_departments(request):
    if not request.user.has_perm("tickets.view_ticket"):
        raise PermissionDenied
    return Department.objects.select_related("queue").prefetch_related("periods")


@router.get("/tickets", response={200: TicketPage, **INPUT_ERRORS}, summary="List tickets")
def list_tickets(request, filters: Query[TicketFilters]):
    """The tickets the caller may see, by due time (unfinished ones unless a status is given)."""
    tickets = tickets_for_user(request.user).select_related("department")
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    else:
        tickets = tickets.exclude(status__in=FINISHED)
    if filters.department:
        tickets = tickets.filter(department__code=filters.department)
    if filters.contact_id:
        tickets = tickets.filter(contact_id=filters.contact_id)
    if filters.call_id:
        tickets = tickets.filter(call_id=filters.call_id)
    tickets = tickets.order_by("due_at", "id")
    total = tickets.count()
    items = list(tickets[filters.offset : filters.offset + filters.limit])
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post("/tickets", response={201: TicketOut, **INPUT_ERRORS}, summary="Open a ticket")
def create_ticket(request, payload: TicketIn):
    if not request.user.has_perm("tickets.add_ticket"):
        raise PermissionDenied
    data = payload.dict()
    contact_id, call_id = data.pop("contact_id"), data.pop("call_id")
    contact = get_contact_for_user(request.user, contact_id) if contact_id else None
    call = get_call_for_user(request.user, call_id) if call_id else None
    ticket = check_create_ticket(
        TicketData(**data, contact=contact, call=call), author=request.user
    )
    return Status(201, ticket)


@router.get(
    "/tickets/{int:ticket_id}", response={200: TicketOut, 404: ErrorOut, **ERRORS}, summary="Read"
)
def get_ticket(request, ticket_id: int):
    return get_ticket_for_user(request.user, ticket_id)


@router.get(
    "/tickets/{int:ticket_id}/history",
    response={200: list[EventOut], 404: ErrorOut, **ERRORS},
    summary="A ticket's history (internal notes as the caller may read them)",
)
def ticket_history(request, ticket_id: int):
    ticket = get_ticket_for_user(request.user, ticket_id)
    return list(visible_events(request.user, ticket))


@router.post(
    "/tickets/{int:ticket_id}/transition",
    response={200: TicketOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Move a ticket to another status",
)
def transition(request, ticket_id: int, payload: TransitionIn):
    """new → in_progress | waiting | resolved; resolved → closed | reopened; closed → reopened ..."""
    return check_change_status(
        _changeable(request, ticket_id), payload.status, author=request.user, text=payload.text
    )


@router.post(
    "/tickets/{int:ticket_id}/resolve",
    response={200: TicketOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Resolve on the call, with what the customer was told",
)
def resolve(request, ticket_id: int, payload: ResolveIn):
    return check_resolve_on_call(
        _changeable(request, ticket_id), payload.resolution, author=request.user
    )


@router.post(
    "/tickets/{int:ticket_id}/forward",
    response={200: ForwardOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Forward to a department (and transfer the live call if it is open)",
)
def forward(request, ticket_id: int, payload: ForwardIn):
    ticket = _changeable(request, ticket_id)
    department = get_object_or_404(Department, code=payload.department)
    assignee = None
    if payload.assignee_id is not None:
        assignee = get_object_or_404(department.members.all(), pk=payload.assignee_id)
    result = check_forward_ticket(ticket, department, author=request.user, assignee=assignee)
    return {"ticket": result.ticket, "transferred": result.transferred, "reason": result.reason}


@router.post(
    "/tickets/{int:ticket_id}/assign",
    response={200: TicketOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Assign to a member of the ticket's department (null: nobody)",
)
def assign(request, ticket_id: int, payload: AssignIn):
    from django.contrib.auth import get_user_model

    ticket = _changeable(request, ticket_id)
    assignee = None
    if payload.assignee_id is not None:
        assignee = get_object_or_404(get_user_model(), pk=payload.assignee_id)
    return check_assign(ticket, assignee, author=request.user)


@router.post(
    "/tickets/{int:ticket_id}/notes",
    response={201: EventOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Add an internal note",
)
def add_note(request, ticket_id: int, payload: NoteIn):
    ticket = _changeable(request, ticket_id)
    return Status(201, check_add_note(ticket, payload.text, author=request.user))
