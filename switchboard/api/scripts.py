"""/api/scripts: call scripts with their steps, and runs of them on calls (answers, adherence)."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from switchboard.api.contacts import ERRORS, INPUT_ERRORS, ErrorOut
from switchboard.calls.access import get_call_for_user
from switchboard.scripts.actions import check_close_run, check_record_step, do_start_run
from switchboard.scripts.models import Script, ScriptRun
from switchboard.scripts.views import get_run_for_user

router = Router(tags=["scripts"])


class StepOut(Schema):
    key: str
    order: int
    kind: str
    text_en: str
    text_bn: str
    required: bool
    answer_type: str
    choices: list[str]
    next_key: str
    branches: dict[str, str]

    @staticmethod
    def resolve_choices(obj) -> list[str]:
        return obj.choice_list


class ScriptOut(Schema):
    id: int
    code: str
    name_en: str
    name_bn: str
    queue: str | None
    campaign: str
    active: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_queue(obj) -> str | None:
        return obj.queue.code if obj.queue_id else None

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class RunOut(Schema):
    id: int
    script_id: int
    call_id: UUID | None
    agent_id: int
    current_key: str = Field(description="Empty once the script's end is reached.")
    path: list[str]
    answers: dict[str, str]
    done: list[str]
    skipped: list[str]
    skip_reason: str
    required_total: int
    required_done: int
    adherence: float | None
    started_at: datetime
    finished_at: datetime | None


class RunIn(Schema):
    script_id: int
    call_id: UUID | None = None


class StepIn(Schema):
    step: str
    answer: str = ""
    skip: bool = False


class CloseIn(Schema):
    reason: str = Field("", description="Needed when required steps were skipped.")


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("", response={200: list[ScriptOut], **ERRORS}, summary="Call scripts")
def list_scripts(request):
    _require(request, "scripts.view_script")
    return Script.objects.select_related("queue").prefetch_related("steps")


@router.get("/runs", response={200: list[RunOut], **ERRORS}, summary="Runs of a call")
def list_runs(request, call_id: UUID):
    _require(request, "scripts.view_scriptrun")
    call = get_call_for_user(request.user, call_id)
    return list(ScriptRun.objects.filter(call=call))


@router.post("/runs", response={201: RunOut, **INPUT_ERRORS}, summary="Start (or get) a run")
def start_run(request, payload: RunIn):
    _require(request, "scripts.add_scriptrun")
    script = get_object_or_404(Script, pk=payload.script_id, active=True)
    call = get_call_for_user(request.user, payload.call_id) if payload.call_id else None
    return Status(201, do_start_run(script, agent=request.user, call=call))


@router.get("/runs/{int:run_id}", response={200: RunOut, 404: ErrorOut, **ERRORS}, summary="Read")
def get_run(request, run_id: int):
    return get_run_for_user(request.user, run_id)


@router.post(
    "/runs/{int:run_id}/steps",
    response={200: RunOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Answer (or skip) the current step",
)
def record_step(request, run_id: int, payload: StepIn):
    _require(request, "scripts.change_scriptrun")
    run = get_run_for_user(request.user, run_id)
    return check_record_step(run, payload.step, answer=payload.answer, skip=payload.skip)


@router.post(
    "/runs/{int:run_id}/close",
    response={200: RunOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Close the run and record its adherence",
)
def close_run(request, run_id: int, payload: CloseIn):
    _require(request, "scripts.change_scriptrun")
    return check_close_run(get_run_for_user(request.user, run_id), reason=payload.reason)
