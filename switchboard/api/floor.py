"""/api/queues, /api/agents, /api/dispositions, /api/calls: the floor's configuration, the
agents' live states and the call records (CDRs), read the way the pages read them."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from switchboard.acd.models import AgentState, AgentStatus, Disposition, Queue
from switchboard.calls.access import get_call_for_user
from switchboard.calls.models import Call, Direction, Outcome

router = Router(tags=["floor"])


class QueueOut(Schema):
    code: str
    name_en: str
    name_bn: str
    priority: int
    strategy: str
    sl_target_percent: int
    sl_target_seconds: int
    max_wait_seconds: int
    ring_seconds: int
    wrapup_seconds: int
    record_calls: bool = Field(description="Conversations in this queue are recorded.")
    consent_prompt: str = Field(
        description="The prompt telling the caller the call is recorded; empty for none."
    )
    announce_every_seconds: int = Field(
        description="Seconds of music between queue announcements; 0: none."
    )
    announce: str = Field(description="position, wait or both.")
    skills: dict[str, int] = Field(description="Required skill codes with their minimum level.")
    dispositions: list[str]

    @staticmethod
    def resolve_skills(obj) -> dict[str, int]:
        return {r.skill.code: r.min_level for r in obj.skill_requirements.all()}

    @staticmethod
    def resolve_dispositions(obj) -> list[str]:
        return [d.code for d in obj.dispositions.all()]


class DispositionOut(Schema):
    code: str
    name_en: str
    name_bn: str
    difficult: bool


class AgentStatusOut(Schema):
    user_id: int
    username: str
    state: AgentState
    reason: str
    since: datetime
    call_id: UUID | None

    @staticmethod
    def resolve_user_id(obj) -> int:
        return obj.agent.user_id

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.agent.user.username


class CallOut(Schema):
    id: UUID
    direction: Direction
    caller_number: str
    dialed_number: str
    contact_id: int | None
    queue: str | None = Field(description="The queue's code.")
    agent_id: int | None
    language: str
    ivr_choices: list[str]
    reason: str
    arrived_at: datetime
    queued_at: datetime | None
    offered_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float | None = Field(description="The part of the talk time on hold.")
    wrapup_seconds: float | None
    offers: int
    outcome: Outcome
    disposition: str | None
    notes: str
    transfer_chain: list

    @staticmethod
    def resolve_queue(obj) -> str | None:
        return obj.queue.code if obj.queue_id else None

    @staticmethod
    def resolve_disposition(obj) -> str | None:
        return obj.disposition.code if obj.disposition_id else None


class CallFilters(Schema):
    day: date | None = Field(
        None, description="Calls that arrived on this day (company time zone)."
    )
    queue: str = Field("", description="A queue's code.")
    agent_id: int | None = None
    outcome: Outcome | None = None
    caller: str = Field("", description="The caller's number in E.164.")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class CallPage(Schema):
    limit: int
    offset: int
    items: list[CallOut]


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("/queues", response=list[QueueOut], summary="Queues with their targets and skills")
def list_queues(request):
    _require(request, "acd.use_desk")
    return Queue.objects.prefetch_related("skill_requirements__skill", "dispositions")


@router.get(
    "/dispositions", response=list[DispositionOut], summary="Call outcomes operators record"
)
def list_dispositions(request):
    _require(request, "acd.use_desk")
    return Disposition.objects.all()


@router.get("/agents", response=list[AgentStatusOut], summary="Every agent's live state")
def list_agents(request):
    _require(request, "acd.view_floor")
    return AgentStatus.objects.select_related("agent__user").order_by("agent__user__username")


@router.get("/calls", response=CallPage, summary="Call records, newest first")
def list_calls(request, filters: Query[CallFilters]):
    """An agent sees their own calls; supervisors see every call."""
    _require(request, "calls.view_call")
    calls = Call.objects.select_related("queue", "disposition").order_by("-arrived_at")
    if not request.user.has_perm("acd.view_floor"):
        calls = calls.filter(agent=request.user)
    if filters.day:
        calls = calls.filter(arrived_at__date=filters.day)
    if filters.queue:
        calls = calls.filter(queue__code=filters.queue)
    if filters.agent_id:
        calls = calls.filter(agent_id=filters.agent_id)
    if filters.outcome:
        calls = calls.filter(outcome=filters.outcome)
    if filters.caller:
        calls = calls.filter(caller_number=filters.caller)
    items = list(calls[filters.offset : filters.offset + filters.limit])
    return {"limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/calls/{uuid:call_id}", response=CallOut, summary="One call record")
def get_call(request, call_id: UUID):
    return get_call_for_user(request.user, call_id)


class VirtualCallIn(Schema):
    caller: str = Field("", description="The caller's number (any format); empty for a random one.")
    digits: list[str] | None = Field(
        None,
        description='What the caller presses at each menu question, e.g. ["2", "1"]; "" is silence.',
    )
    talk_s: float | None = Field(None, ge=1, description="How long the caller talks once answered.")
    patience_s: float | None = Field(
        None, ge=1, description="How long the caller waits in a queue before hanging up."
    )


class Accepted(Schema):
    detail: str


@router.post(
    "/floor/virtual-calls", response={202: Accepted}, summary="Place a simulated call (demo, tests)"
)
def place_virtual_call(request, payload: VirtualCallIn):
    """Ask the engine's virtual carrier to ring the company with one caller now."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.core.exceptions import ValidationError

    from switchboard.acd import floor
    from switchboard.contacts.phones import InvalidPhone, normalize_phone

    _require(request, "acd.manage_floor")
    caller = ""
    if payload.caller:
        try:
            caller = normalize_phone(payload.caller)
        except InvalidPhone as exc:
            raise ValidationError({"caller": [str(exc)]}) from None
    if payload.digits is not None and any(
        len(d) > 1 or (d and d not in "0123456789*#") for d in payload.digits
    ):
        raise ValidationError(
            {"digits": ["Each entry is one key (0-9, * or #) or empty for silence."]}
        )
    async_to_sync(get_channel_layer().send)(
        floor.ENGINE_CHANNEL,
        floor.command(
            floor.Command.PLACE_VIRTUAL_CALL,
            user_id=request.user.pk,
            caller=caller,
            digits=payload.digits,
            talk_s=payload.talk_s,
            patience_s=payload.patience_s,
        ),
    )
    return Status(202, {"detail": _("The call is on its way.")})


class OriginateIn(Schema):
    agent: int = Field(description="The agent's user id: their phone or desk is connected.")
    number: str = Field(
        "", description="The number to call, in any format; or leave empty and give a contact."
    )
    contact: int | None = Field(None, description="A contact to call (their first phone).")
    mode: Literal["agent_first", "customer_first"] = Field(
        "agent_first",
        description="Ring the agent's phone first, then dial; or dial, then connect the agent.",
    )


class OriginateOut(Schema):
    call: UUID = Field(description="The call record's id: GET /api/calls/{call} for its outcome.")
    number: str = Field(description="The number dialed, in E.164.")
    contact_id: int | None


# The engine's refusals that concern the agent rather than the number.
_AGENT_CODES = {"busy", "not_available", "no_agent", "impossible"}


@router.post(
    "/calls/originate",
    response={202: OriginateOut, 503: Accepted},
    summary="Place an outbound call for an agent (click-to-call, the dialer)",
)
def originate_call(request, payload: OriginateIn):
    """The engine opens the call record and dials; the outcome (answered, busy, no answer,
    failed) lands in the record. An agent may call for themselves; supervisors for anyone."""
    from asgiref.sync import async_to_sync
    from django.core.exceptions import ValidationError

    from switchboard.acd.dialing import ask_engine_to_originate
    from switchboard.acd.models import AgentProfile
    from switchboard.calls.actions import check_outbound_target

    if payload.agent != request.user.pk or not request.user.has_perm("acd.use_desk"):
        _require(request, "acd.manage_floor")
    profile = AgentProfile.objects.filter(user_id=payload.agent).select_related("status").first()
    if profile is None:
        raise ValidationError({"agent": [_("There is no agent with this id.")]})
    check_outbound_target(payload.number or None, payload.contact)
    status = getattr(profile, "status", None)
    if status is None or status.state not in (AgentState.AVAILABLE, AgentState.WRAP_UP):
        state = status.get_state_display() if status else AgentState.LOGGED_OUT.label
        raise ValidationError(
            {"agent": [_("The agent is not available (%(state)s).") % {"state": state}]}
        )
    reply = async_to_sync(ask_engine_to_originate)(
        payload.agent, payload.number, payload.contact, payload.mode
    )
    if reply is None:
        return Status(503, {"detail": _("The engine did not answer; try again.")})
    if reply.get("event") != "dialing":
        field = "agent" if reply.get("code") in _AGENT_CODES else "number"
        raise ValidationError({field: [reply.get("message") or _("The call was refused.")]})
    call = reply["call"]
    return Status(
        202,
        {
            "call": call["id"],
            "number": call["dialed_number"],
            "contact_id": call["contact_id"],
        },
    )
