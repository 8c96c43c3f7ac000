"""A virtual call through the live engine: menu, queue, offer, answer, hang-up, record.

Agents here are driven like a desk drives them: commands on the channel layer,
events back on their group.
"""

import asyncio

from switchboard.acd.floor import Command, Event
from switchboard.calls.actions import check_set_disposition
from switchboard.calls.models import Call, Outcome
from switchboard.contacts.models import Activity, ActivityKind

from .conftest import run_floor


def test_a_caller_goes_through_the_menu_to_an_agent_and_the_record_is_complete(rahim, nasreen):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["2", "1"])  # English, then orders
        offer = await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=call)
        connected = await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HANG_UP, call=call)
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.db(check_set_disposition, call, rahim, "order_placed", "Wants it by Friday")
        await desk.send(Command.FINISH_WRAP_UP, call=call)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        await floor.settled()
        return call, offer, connected, ended

    call_id, offer, connected, ended = run_floor(scenario)

    summary = offer["call"]
    assert summary["id"] == call_id
    assert (summary["queue"], summary["language"], summary["ivr_choices"]) == (
        "orders",
        "en",
        ["2", "1"],
    )
    assert summary["contact_id"] == nasreen.pk
    assert offer["ring_seconds"] == 1 and offer["offered_at"] > 0
    assert connected["call"]["state"] == "talking"
    assert ended["outcome"] == "answered"
    assert [d["code"] for d in ended["dispositions"]] == ["order_placed"]

    record = Call.objects.get(pk=call_id)
    assert record.outcome == Outcome.ANSWERED
    assert (record.caller_number, record.dialed_number) == ("+8801711000001", "+8809612345678")
    assert (record.queue.code, record.agent, record.contact) == ("orders", rahim, nasreen)
    assert (record.language, record.ivr_choices, record.reason) == ("en", ["2", "1"], "orders")
    assert record.arrived_at <= record.queued_at <= record.offered_at <= record.answered_at
    assert record.answered_at <= record.ended_at <= record.wrapup_ended_at
    assert record.wait_seconds >= 0 and record.talk_seconds > 0 and record.wrapup_seconds > 0
    assert record.offers == 1 and record.engine == "test-engine"
    assert (record.disposition.code, record.notes) == ("order_placed", "Wants it by Friday")
    entry = Activity.objects.get(contact=nasreen, kind=ActivityKind.CALL)
    assert entry.data["call"] == call_id and entry.author == rahim
    assert "Wants it by Friday" in entry.text


def test_a_call_nobody_answers_is_offered_to_the_next_agent(rahim, karim):
    async def scenario(floor):
        first, second = await floor.desk(rahim), await floor.desk(karim)
        await first.send(Command.GO_AVAILABLE)
        await first.wait_for(Event.AGENT_STATE, state="available")
        await second.send(Command.GO_AVAILABLE)
        await second.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["1", "1"])
        await first.wait_for(Event.OFFER)  # Rahim waited longest; he lets it ring
        await first.wait_for(Event.OFFER_WITHDRAWN, call=call)
        missed = await first.wait_for(Event.AGENT_STATE, state="break", reason="ring_no_answer")
        await second.wait_for(Event.OFFER)
        await second.send(Command.ACCEPT, call=call)
        await second.wait_for(Event.CONNECTED)
        await floor.settled()
        return call, missed

    call_id, missed = run_floor(scenario)
    assert missed["reason"] == "ring_no_answer"
    record = Call.objects.get(pk=call_id)
    assert (record.offers, record.agent) == (2, karim)
    assert record.answered_at is not None


def test_a_caller_who_tires_of_waiting_is_recorded_as_abandoned(rahim):
    async def scenario(floor):
        call = floor.call(digits=["1", "3"], patience=10)  # nobody is available
        while call in floor.engine.calls:
            await floor.settled()
            await asyncio.sleep(0.05)
        await floor.settled()
        return call

    call_id = run_floor(scenario)
    record = Call.objects.get(pk=call_id)
    assert record.outcome == Outcome.ABANDONED
    assert (record.queue.code, record.agent, record.answered_at) == ("info", None, None)
    assert 0.3 < record.wait_seconds < 3
    assert record.ended_at is not None


def test_a_caller_who_hangs_up_in_the_menu_is_recorded_too(rahim):
    async def scenario(floor):
        call = floor.call(digits=[])
        await floor.settled()
        floor.carrier.hang_up_caller(call)
        while call in floor.engine.calls:
            await asyncio.sleep(0.02)
        await floor.settled()
        return call

    call_id = run_floor(scenario)
    record = Call.objects.get(pk=call_id)
    assert record.outcome == Outcome.ABANDONED_IVR
    assert record.queue is None and record.ended_at is not None


def test_a_silent_caller_is_never_dropped_by_the_menu(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        call = floor.call(digits=["", "", "", ""])
        offer = await desk.wait_for(Event.OFFER)
        await floor.settled()
        return call, offer

    call_id, offer = run_floor(scenario)
    assert offer["call"]["queue"] == "info"  # the menu's default queue
    assert offer["call"]["language"] == "bn"
    assert Call.objects.get(pk=call_id).ivr_choices == []


def test_a_cold_transfer_sends_the_call_into_another_queue_and_records_the_chain(rahim, karim):
    async def scenario(floor):
        first, second = await floor.desk(rahim), await floor.desk(karim)
        await first.send(Command.GO_AVAILABLE)
        await first.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["1", "1"])
        await first.wait_for(Event.OFFER)
        await first.send(Command.ACCEPT, call=call)
        await first.wait_for(Event.CONNECTED)
        await second.send(Command.GO_AVAILABLE)  # only Karim takes complaints
        await second.wait_for(Event.AGENT_STATE, state="available")
        await first.send(Command.TRANSFER, call=call, queue="complaints")
        ended = await first.wait_for(Event.CALL_ENDED)
        offer = await second.wait_for(Event.OFFER)
        await second.send(Command.ACCEPT, call=call)
        await second.wait_for(Event.CONNECTED)
        await second.send(Command.HANG_UP, call=call)
        await second.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return call, ended, offer

    call_id, ended, offer = run_floor(scenario)
    assert ended["outcome"] == "transferred"
    assert offer["call"]["queue"] == "complaints"
    record = Call.objects.get(pk=call_id)
    assert (record.outcome, record.queue.code, record.agent) == (
        Outcome.ANSWERED,
        "complaints",
        karim,
    )
    assert [(t["agent"], t["from_queue"], t["to_queue"]) for t in record.transfer_chain] == [
        (rahim.pk, "orders", "complaints")
    ]
    assert record.offers == 2
    # both agents may record what they did
    check_set_disposition(record, rahim, "order_placed", "")
    check_set_disposition(record, karim, "complaint_solved", "")


def test_accepting_an_offer_the_caller_abandoned_is_refused_with_a_reason(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        call = floor.call(digits=["1", "1"], patience=4)  # hangs up while it rings
        await desk.wait_for(Event.OFFER)
        await desk.wait_for(Event.OFFER_WITHDRAWN, call=call)
        await desk.send(Command.ACCEPT, call=call)
        refused = await desk.wait_for(Event.ERROR)
        await desk.send(Command.GO_ON_BREAK, reason="karaoke")
        no_reason = await desk.wait_for(Event.ERROR)
        await desk.send(Command.GO_ON_BREAK, reason="lunch")
        lunch = await desk.wait_for(Event.AGENT_STATE, state="break", reason="lunch")
        return refused, no_reason, lunch

    refused, no_reason, lunch = run_floor(scenario)
    assert refused["code"] == "offer_gone"
    assert refused["message"] == "This call is no longer offered to you."
    assert no_reason["code"] == "unknown_reason"
    assert lunch["reason"] == "lunch"


def test_a_page_that_reconnects_gets_the_agents_state_and_ringing_call(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        call = floor.call(digits=["1", "1"])
        await desk.wait_for(Event.OFFER)
        again = await floor.desk(rahim)
        await again.send(Command.SYNC)
        state = await again.wait_for(Event.AGENT_STATE)
        offer = await again.wait_for(Event.OFFER)
        return call, state, offer

    call_id, state, offer = run_floor(scenario)
    assert (state["state"], state["call"]) == ("ringing", call_id)
    assert offer["call"]["id"] == call_id
