"""Outbound calls on the virtual carrier: click-to-call from the desk, each outcome recorded.

Rahim dials Nasreen (or a number); the virtual carrier plays the called party as scripted
(answers, is busy, never answers, fails). Every outcome reaches his desk and the record.
"""

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import AgentStatus
from switchboard.calls.actions import check_set_disposition
from switchboard.calls.models import Call, Direction, Outcome
from switchboard.telephony.sim import CalleeScript

from .conftest import NASREEN, run_floor

STRANGER = "+8801811000002"


async def _ready(floor, user):
    floor.engine.setup.outbound_queue_code = "orders"  # its dispositions apply
    desk = await floor.desk(user)
    await desk.send(Command.GO_AVAILABLE)
    await desk.wait_for(Event.AGENT_STATE, state="available")
    return desk


def test_rahim_calls_nasreen_she_answers_and_the_record_is_complete(rahim, nasreen):
    async def scenario(floor):
        floor.carrier.callees[NASREEN] = CalleeScript("answer", after_s=1, talk_s=600)
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, contact=nasreen.pk, mode="customer_first")
        dialing = await desk.wait_for(Event.DIALING)
        busy = await desk.wait_for(Event.AGENT_STATE, state="on_call")
        connected = await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HANG_UP, call=connected["call"]["id"])
        ended = await desk.wait_for(Event.CALL_ENDED)
        call = ended["call"]
        await floor.db(check_set_disposition, call, rahim, "order_placed", "Reordered rice")
        await desk.send(Command.FINISH_WRAP_UP, call=call)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        await floor.settled()
        return dialing, busy, connected, ended

    dialing, busy, connected, ended = run_floor(scenario)
    summary = dialing["call"]
    assert (summary["direction"], summary["state"]) == ("outbound", "dialing")
    assert summary["dialed_number"] == NASREEN and summary["contact_id"] == nasreen.pk
    assert busy["call"] == summary["id"]
    assert connected["call"]["state"] == "talking"
    assert ended["outcome"] == "answered" and ended["call"] == summary["id"]
    record = Call.objects.get(pk=summary["id"])
    assert (record.direction, record.outcome) == (Direction.OUTBOUND, Outcome.ANSWERED)
    assert (record.agent, record.contact, record.dialed_number) == (rahim, nasreen, NASREEN)
    assert record.arrived_at <= record.answered_at <= record.ended_at <= record.wrapup_ended_at
    assert record.talk_seconds > 0 and record.offers == 1
    assert record.disposition.code == "order_placed"
    assert AgentStatus.objects.get(agent__user=rahim).state == "available"


def test_the_agents_status_names_the_outbound_call_while_it_rings(rahim):
    async def scenario(floor):
        floor.carrier.callees[STRANGER] = CalleeScript("no_answer")
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        dialing = await desk.wait_for(Event.DIALING)
        await floor.settled()
        status = await floor.db(AgentStatus.objects.get, agent__user=rahim)
        return dialing, status

    dialing, status = run_floor(scenario)
    assert (status.state, str(status.call_id)) == ("on_call", dialing["call"]["id"])


def test_a_busy_number_ends_the_call_as_busy_and_the_agent_records_a_disposition(rahim):
    async def scenario(floor):
        floor.carrier.callees[STRANGER] = CalleeScript("busy", after_s=1)
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number="01811-000002")
        ended = await desk.wait_for(Event.CALL_ENDED)
        await desk.wait_for(Event.AGENT_STATE, state="wrap_up")
        await floor.db(check_set_disposition, ended["call"], rahim, "order_placed")
        await floor.settled()
        return ended

    ended = run_floor(scenario)
    assert ended["outcome"] == "busy" and ended["dispositions"]
    record = Call.objects.get(pk=ended["call"])
    assert (record.outcome, record.dialed_number) == (Outcome.BUSY, STRANGER)
    assert record.answered_at is None and record.ended_at is not None
    assert record.disposition.code == "order_placed"


def test_a_number_that_never_answers_ends_as_no_answer_when_the_engines_ring_time_passes(rahim):
    async def scenario(floor):
        floor.engine.setup.outbound_ring_seconds = 0.3
        floor.carrier.callees[STRANGER] = CalleeScript("no_answer")
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return ended, floor.carrier

    ended, carrier = run_floor(scenario)
    assert ended["outcome"] == "no_answer"
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.NO_ANSWER and record.wait_seconds >= 0.3
    assert ended["call"] not in carrier._calls  # the carrier was told to stop ringing


def test_a_failed_call_keeps_the_networks_reason(rahim):
    async def scenario(floor):
        floor.carrier.callees[STRANGER] = CalleeScript("fail", after_s=0.5)
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return ended

    ended = run_floor(scenario)
    record = Call.objects.get(pk=ended["call"])
    assert (record.outcome, record.failure_reason) == (Outcome.FAILED, "503 Service Unavailable")


def test_the_agent_hanging_up_while_it_rings_cancels_the_call(rahim):
    async def scenario(floor):
        floor.carrier.callees[STRANGER] = CalleeScript("no_answer")
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        dialing = await desk.wait_for(Event.DIALING)
        await desk.send(Command.HANG_UP, call=dialing["call"]["id"])
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return ended

    ended = run_floor(scenario)
    assert ended["outcome"] == "cancelled"
    assert Call.objects.get(pk=ended["call"]).outcome == Outcome.CANCELLED


def test_the_customer_hanging_up_ends_the_answered_call(rahim):
    async def scenario(floor):
        floor.carrier.callees[STRANGER] = CalleeScript("answer", after_s=0.5, talk_s=2)
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        await desk.wait_for(Event.CONNECTED)
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return ended

    ended = run_floor(scenario)
    record = Call.objects.get(pk=ended["call"])
    assert record.outcome == Outcome.ANSWERED and record.talk_seconds > 0


def test_an_agent_on_break_or_on_a_call_is_refused_and_nothing_is_recorded(rahim):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        away = await desk.wait_for(Event.ERROR)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        floor.carrier.callees[STRANGER] = CalleeScript("no_answer")
        await desk.send(Command.ORIGINATE, number=STRANGER)
        await desk.wait_for(Event.DIALING)
        await desk.send(Command.ORIGINATE, number=NASREEN)
        busy = await desk.wait_for(Event.ERROR)
        await floor.settled()
        return away, busy

    away, busy = run_floor(scenario)
    assert (away["code"], busy["code"]) == ("not_available", "busy")
    assert Call.objects.count() == 1


def test_a_bad_number_and_a_do_not_call_contact_are_refused_with_the_reason(rahim, nasreen):
    nasreen.do_not_call = True
    nasreen.save()

    async def scenario(floor):
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number="12")
        bad = await desk.wait_for(Event.ERROR)
        await desk.send(Command.ORIGINATE, number=NASREEN)
        dnc = await desk.wait_for(Event.ERROR)
        return bad, dnc

    bad, dnc = run_floor(scenario)
    assert bad["code"] == "bad_target" and "12" in bad["message"]
    assert dnc["code"] == "bad_target" and "do-not-call" in dnc["message"]
    assert not Call.objects.exists()


def test_a_caller_transferred_to_an_outside_number_leaves_the_floor(rahim):
    async def scenario(floor):
        desk = await _ready(floor, rahim)
        call = floor.call(digits=["1", "1"])
        await desk.wait_for(Event.OFFER)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.TRANSFER, call=call, number="01811-000002")
        ended = await desk.wait_for(Event.CALL_ENDED)
        await desk.wait_for(Event.AGENT_STATE, state="wrap_up")
        await floor.settled()
        return call, ended, floor.carrier

    call, ended, carrier = run_floor(scenario)
    assert ended["outcome"] == "transferred"
    record = Call.objects.get(pk=call)
    assert record.outcome == Outcome.TRANSFERRED and record.ended_at is not None
    assert [step["to_number"] for step in record.transfer_chain] == [STRANGER]
    assert record.transfer_chain[0]["agent"] == rahim.pk and record.talk_seconds > 0
    assert call not in carrier._calls


def test_the_virtual_carriers_outbound_odds_parse_and_bad_odds_fail_loudly():
    import pytest

    from switchboard.telephony.sim import outbound_odds

    assert outbound_odds("0.6,0.15,0.05") == {
        "outbound_answer": 0.6,
        "outbound_busy": 0.15,
        "outbound_fail": 0.05,
    }
    for bad in ("0.9,0.2,0", "1,x,0", "0.5,0.5", "-1,0,0"):
        with pytest.raises(ValueError, match="answer,busy,fail"):
            outbound_odds(bad)


def test_without_a_script_called_people_answer_or_refuse_by_the_profiles_odds(rahim):
    from switchboard.telephony.sim import CallerProfile

    async def scenario(floor):
        floor.carrier.profile = CallerProfile(
            outbound_answer=0, outbound_busy=1, outbound_fail=0, outbound_ring_s=(0.1, 0.2)
        )
        desk = await _ready(floor, rahim)
        await desk.send(Command.ORIGINATE, number=STRANGER)
        return await desk.wait_for(Event.CALL_ENDED)

    assert run_floor(scenario)["outcome"] == "busy"
