"""The floor's listen-in commands, as the engine checks them (the virtual carrier: no audio,
so it refuses; listening itself is tested over SIP in tests/telephony/sip/test_monitor*.py)."""

from switchboard.acd import floor as floor_messages
from switchboard.acd.floor import Command, Event
from switchboard.calls.models import CallMonitoring

from .conftest import run_floor


def test_listening_is_refused_to_agents_off_calls_and_on_the_virtual_carrier(rahim, supervisor):
    async def scenario(floor):
        desk = await floor.desk(rahim)
        boss = await floor.desk(supervisor)
        await floor.layer.group_add(floor_messages.FLOOR_GROUP, boss.channel)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        call = floor.call(digits=["1"])
        await desk.wait_for(Event.OFFER)
        # Still ringing: nothing to listen to yet.
        await boss.send(Command.MONITOR, call=call, mode="listen")
        ringing = await boss.wait_for(Event.ERROR)
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        # An agent may not listen to a colleague's call, whatever their page sends.
        await desk.send(Command.MONITOR, call=call, mode="listen")
        agent = await desk.wait_for(Event.ERROR)
        # A supervisor may, but the virtual carrier carries no audio.
        await boss.send(Command.MONITOR, call=call, mode="listen")
        virtual = await boss.wait_for(Event.ERROR)
        await boss.send(Command.STOP_MONITOR, call=call)
        stop = await boss.wait_for(Event.ERROR)
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return ringing, agent, virtual, stop, boss.seen

    ringing, agent, virtual, stop, seen = run_floor(scenario)
    assert ringing["code"] == "not_connected"
    assert agent["code"] == "not_supervisor"
    assert virtual["code"] == "unsupported" and "virtual carrier" in virtual["message"]
    assert stop["code"] == "not_monitoring"
    assert not [m for m in seen if m.get("event") == Event.MONITOR]
    assert not CallMonitoring.objects.exists()


def test_a_refusal_is_in_the_supervisors_language(rahim, supervisor):
    supervisor.language = "bn"
    supervisor.save()

    async def scenario(floor):
        boss = await floor.desk(supervisor)
        await boss.send(Command.MONITOR, call="no-such-call", mode="listen")
        return await boss.wait_for(Event.ERROR)

    refused = run_floor(scenario)
    assert refused["code"] == "not_connected"
    assert refused["message"] != "Only a call connected to an agent can be listened to."
