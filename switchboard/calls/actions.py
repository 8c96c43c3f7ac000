"""Operations on call records. The engine writes a call as it progresses; the desk saves
its disposition. Nothing else saves a Call.

The engine runs these in its writer thread, one transaction per batch, and
broadcasts to the pages only after the batch commits (telephony/_outbox.py).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.acd.models import AgentStatus, Disposition
from switchboard.calls.models import Call, Outcome
from switchboard.contacts.actions import do_add_activity, find_by_phone
from switchboard.contacts.models import Activity, ActivityKind
from switchboard.contacts.phones import InvalidPhone

MAX_NOTES = 10_000


def find_contact_id(number: str) -> int | None:
    """The caller-ID lookup: the most recently updated contact with this number, if any."""
    try:
        found = find_by_phone(number)
    except InvalidPhone:
        return None  # anonymous or malformed caller ID: the call is still recorded
    return found[0].pk if found else None


def do_open_call(
    call_id: str,
    *,
    caller: str,
    dialed: str,
    arrived_at: datetime.datetime,
    engine: str,
    direction: str = "inbound",
) -> int | None:
    """Record a call the moment it arrives; return the contact found by caller ID."""
    contact_id = find_contact_id(caller)
    Call.objects.create(
        id=call_id,
        direction=direction,
        caller_number=caller[:32],
        dialed_number=dialed[:32],
        arrived_at=arrived_at,
        contact_id=contact_id,
        engine=engine,
    )
    return contact_id


def do_open_outbound_call(
    call_id: str,
    *,
    caller_id: str,
    number: str,
    agent_id: int,
    contact_id: int | None,
    queue_id: int | None,
    started_at: datetime.datetime,
    engine: str,
) -> int | None:
    """Record an outbound call as it is placed; return the contact (given, or found by number)."""
    if contact_id is None:
        contact_id = find_contact_id(number)
    Call.objects.create(
        id=call_id,
        direction="outbound",
        caller_number=caller_id[:32],
        dialed_number=number[:32],
        arrived_at=started_at,
        offered_at=started_at,
        offers=1,
        agent_id=agent_id,
        contact_id=contact_id,
        queue_id=queue_id,
        engine=engine,
    )
    return contact_id


def do_update_call(call_id: str, **fields) -> None:
    """Write what the engine just learned about a call (only the fields given)."""
    Call.objects.filter(pk=call_id).update(**fields)


def do_offer_call(call_id: str, *, agent_id: int, offered_at: datetime.datetime) -> None:
    """The call rang on an agent: count the offer; the last agent offered is the call's agent."""
    Call.objects.filter(pk=call_id).update(
        agent_id=agent_id, offered_at=offered_at, offers=F("offers") + 1
    )


def do_close_interrupted_calls(engine: str, now: datetime.datetime | None = None) -> int:
    """Close every call a previous engine run left open, keeping all it had written.

    Called at engine start, before the first new call: whatever is still in progress
    belonged to a run that died, since one engine owns the floor.
    """
    now = now or timezone.now()
    with transaction.atomic():
        return (
            Call.objects.filter(outcome=Outcome.IN_PROGRESS, ended_at__isnull=True)
            .exclude(engine=engine)
            .update(outcome=Outcome.INTERRUPTED, ended_at=now)
        )


def do_set_agent_status(
    profile_id: int, *, state: str, reason: str, since: datetime.datetime, call_id: str | None
) -> None:
    """Keep the agent's last reported state for pages loading now and for restarts."""
    AgentStatus.objects.update_or_create(
        agent_id=profile_id,
        defaults={"state": state, "reason": reason[:50], "since": since, "call_id": call_id},
    )


def do_reset_agent_statuses(now: datetime.datetime | None = None) -> int:
    """After a restart nobody is ready: every agent must go available again."""
    return AgentStatus.objects.exclude(state="logged_out", call=None).update(
        state="logged_out", reason="", call=None, since=now or timezone.now()
    )


# -- the disposition, saved by the desk --------------------------------------------------------


def _agents_of(call: Call) -> set[int]:
    agents = {step.get("agent") for step in call.transfer_chain if isinstance(step, dict)}
    agents.add(call.agent_id)
    return {a for a in agents if a is not None}


def _queues_of(call: Call) -> set[int]:
    queues = {step.get("from_queue_id") for step in call.transfer_chain if isinstance(step, dict)}
    queues.add(call.queue_id)
    return {q for q in queues if q is not None}


def check_set_disposition(call: Call | str, user, disposition_code: str, notes: str = "") -> Call:
    """Validate and save the outcome an agent recorded for a call they handled.

    Refuses a disposition not configured for the call's queue and a user who was
    not the call's agent. Saving again replaces the disposition and the notes;
    the contact's timeline keeps one entry per call and agent.
    """
    if not isinstance(call, Call):
        call = Call.objects.filter(pk=call).first()  # type: ignore[assignment]
        if call is None:
            raise ValidationError(_("There is no such call."))
    if user is None or user.pk not in _agents_of(call):
        raise ValidationError(_("Only the agent who took this call can record its outcome."))
    disposition = (
        Disposition.objects.filter(code=disposition_code, queue__in=_queues_of(call))
        .distinct()
        .first()
    )
    if disposition is None:
        raise ValidationError(
            {"disposition": _("Choose one of the outcomes listed for this call's queue.")}
        )
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError({"notes": _("Notes hold at most 10,000 characters.")})
    return do_set_disposition(call, user, disposition, notes)


@transaction.atomic
def do_set_disposition(call: Call, user, disposition: Disposition, notes: str) -> Call:
    call = Call.objects.select_for_update(of=("self",)).select_related("queue").get(pk=call.pk)
    if call.contact_id is None:
        # the agent may have created the contact during the call: look the number up again
        call.contact_id = find_contact_id(
            call.dialed_number if call.direction == "outbound" else call.caller_number
        )
    call.disposition = disposition
    call.notes = notes
    call.save(update_fields=["disposition", "notes", "contact"])
    if call.contact_id is not None:
        _write_timeline(call, user, disposition, notes)
    return call


def _write_timeline(call: Call, user, disposition: Disposition, notes: str) -> None:
    text = f"{disposition.name}\n{notes}" if notes else disposition.name
    data = {
        "call": str(call.pk),
        "direction": call.direction,
        "disposition": disposition.code,
        "queue": call.queue.code if call.queue else None,
        "agent": user.pk,
        "outcome": call.outcome,
        "talk_seconds": call.talk_seconds,
        "caller_number": call.caller_number,
        "url": call.get_absolute_url(),
    }
    existing = Activity.objects.filter(
        contact_id=call.contact_id, kind=ActivityKind.CALL, author=user, data__call=str(call.pk)
    ).first()
    if existing is not None:
        existing.text, existing.data = text, data
        existing.save(update_fields=["text", "data"])
        return
    do_add_activity(call.contact, ActivityKind.CALL, text, author=user, data=data)


# -- outbound calls: what may be dialed ------------------------------------------------------


def check_outbound_target(number: str | None, contact_id: int | None) -> tuple[str, int | None]:
    """The E.164 number to dial and its contact, from a number, a contact, or both.

    Errors name the field: a number that cannot be a phone number, an unknown contact, a
    contact without a phone, a contact (or number) on the do-not-call list.
    """
    from switchboard.contacts.models import Contact
    from switchboard.contacts.phones import normalize_phone

    contact = None
    if contact_id is not None:
        contact = Contact.objects.active().filter(pk=contact_id).first()
        if contact is None:
            raise ValidationError({"contact": _("There is no such contact.")})
    if number:
        try:
            e164 = normalize_phone(number)
        except InvalidPhone as exc:
            raise ValidationError({"number": str(exc)}) from None
    elif contact is not None:
        e164 = contact.phones.order_by("id").values_list("e164", flat=True).first() or ""
        if not e164:
            raise ValidationError({"contact": _("This contact has no phone number.")})
    else:
        raise ValidationError({"number": _("Give a number to call, or a contact.")})
    if contact is None:
        found = find_by_phone(e164)
        contact = found[0] if found else None
    if contact is not None and contact.do_not_call:
        field = "contact" if contact_id is not None else "number"
        raise ValidationError({field: _("This contact is on the do-not-call list.")})
    return e164, contact.pk if contact is not None else None
