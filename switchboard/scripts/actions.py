"""Operations on script runs: start one for a call, record each step, close it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.scripts import flow
from switchboard.scripts.models import AnswerType, Script, ScriptRun, ScriptStep

MAX_ANSWER = 2000
YES, NO = "yes", "no"


def script_for_call(call) -> Script | None:
    if call.queue_id is None:
        return None
    return Script.objects.filter(active=True, queue_id=call.queue_id).order_by("code").first()


def do_start_run(script: Script, *, agent, call=None) -> ScriptRun:
    """The run of this script on this call, started on first use (one per script and call)."""
    if call is not None:
        existing = ScriptRun.objects.filter(script=script, call=call).first()
        if existing:
            return existing
    steps = list(script.steps.all())
    try:
        with transaction.atomic():
            start = flow.first_key(steps)
            return ScriptRun.objects.create(
                script=script,
                call=call,
                agent=agent,
                current_key=start,
                path=[start] if start else [],
            )
    except IntegrityError:  # another tab started it at the same moment
        return ScriptRun.objects.get(script=script, call=call)


def _clean_answer(step: ScriptStep, answer: str) -> str:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Answer the question, or skip it.")})
    if len(answer) > MAX_ANSWER:
        raise ValidationError(
            {"answer": _("At most %(limit)d characters.") % {"limit": MAX_ANSWER}}
        )
    if step.answer_type == AnswerType.YES_NO and answer.casefold() not in (YES, NO):
        raise ValidationError({"answer": _("Answer yes or no.")})
    if step.answer_type == AnswerType.CHOICE:
        choices = {c.casefold(): c for c in step.choice_list}
        if answer.casefold() not in choices:
            raise ValidationError({"answer": _("Choose one of the answers offered.")})
        return choices[answer.casefold()]
    if step.answer_type == AnswerType.NUMBER:
        try:
            float(answer.replace(",", ""))
        except ValueError:
            raise ValidationError({"answer": _("Give a number.")}) from None
    return answer.casefold() if step.answer_type == AnswerType.YES_NO else answer


def check_record_step(
    run: ScriptRun, step_key: str, *, answer: str = "", skip: bool = False
) -> ScriptRun:
    """Mark the current step done (with its answer, for a question) or skipped, and move on
    along the branch the answer chooses."""
    if run.is_finished:
        raise ValidationError(_("This script run is closed."))
    if step_key != run.current_key:
        raise ValidationError({"step": _("That is not the current step any more.")})
    steps = list(run.script.steps.all())
    step = next((s for s in steps if s.key == step_key), None)
    if step is None:
        raise ValidationError({"step": _("Unknown step.")})
    value = None
    if not skip and step.is_question:
        value = _clean_answer(step, answer)
    return do_record_step(run, steps, step, value, skip=skip)


@transaction.atomic
def do_record_step(run: ScriptRun, steps, step: ScriptStep, value, *, skip: bool) -> ScriptRun:
    run = ScriptRun.objects.select_for_update().get(pk=run.pk)
    if skip:
        run.skipped = [*dict.fromkeys([*run.skipped, step.key])]
    else:
        run.done = [*dict.fromkeys([*run.done, step.key])]
        run.skipped = [k for k in run.skipped if k != step.key]
        if value is not None:
            run.answers = {**run.answers, step.key: value}
    following = flow.next_key(steps, step.key, value)
    run.current_key = following
    if following:
        run.path = [*run.path, following]
    run.save(update_fields=["done", "skipped", "answers", "current_key", "path"])
    return run


def check_close_run(run: ScriptRun, *, reason: str = "") -> ScriptRun:
    """Close the run; skipping a required step on the route taken needs a reason."""
    if run.is_finished:
        return run
    result = flow.adherence(list(run.script.steps.all()), run.answers, run.done)
    reason = (reason or "").strip()
    if result.missing and not reason:
        raise ValidationError(
            {"reason": _("Required steps were skipped: say why before closing.")},
        )
    if len(reason) > MAX_ANSWER:
        raise ValidationError(
            {"reason": _("At most %(limit)d characters.") % {"limit": MAX_ANSWER}}
        )
    return do_close_run(run, result, reason)


@transaction.atomic
def do_close_run(run: ScriptRun, result: flow.Adherence, reason: str) -> ScriptRun:
    run = ScriptRun.objects.select_for_update().get(pk=run.pk)
    run.finished_at = timezone.now()
    run.required_total = len(result.required)
    run.required_done = len(result.done)
    run.skipped = [*dict.fromkeys([*run.skipped, *result.missing])]
    run.skip_reason = reason
    run.save()
    return run
