"""The floor's sockets: who may connect, what they may say, what reaches the engine."""

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from config.asgi import application
from switchboard.acd import floor
from switchboard.acd.models import AgentProfile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _empty_channel_layer():
    # The layer outlives a test; what one test left unread must not reach the next.
    await get_channel_layer().flush()
    yield
    await get_channel_layer().flush()


@pytest.fixture
def profiled_agent(agent):
    AgentProfile.objects.create(user=agent)
    return agent


async def _socket(path, user):
    from channels.db import database_sync_to_async
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(user)
    cookie = client.cookies["sessionid"].value
    return WebsocketCommunicator(
        application,
        path,
        headers=[(b"cookie", f"sessionid={cookie}".encode()), (b"origin", b"http://127.0.0.1")],
    )


async def _engine_message():
    return await get_channel_layer().receive(floor.ENGINE_CHANNEL)


async def test_a_desk_asks_the_engine_for_its_picture_and_forwards_commands(profiled_agent):
    socket = await _socket("/ws/desk/", profiled_agent)
    connected, _ = await socket.connect()
    assert connected
    sync = await _engine_message()
    assert (sync["command"], sync["user"]) == ("sync", profiled_agent.pk)

    await socket.send_json_to({"command": "go_on_break", "reason": "lunch", "extra": "dropped"})
    message = await _engine_message()
    assert message["command"] == "go_on_break"
    assert message["reason"] == "lunch"
    assert "extra" not in message
    assert message["reply_to"] == sync["reply_to"]
    await socket.disconnect()


async def test_the_engines_events_reach_only_that_agents_desk(profiled_agent, other_agent):
    await AgentProfile.objects.acreate(user=other_agent)
    mine, theirs = (
        await _socket("/ws/desk/", profiled_agent),
        await _socket("/ws/desk/", other_agent),
    )
    await mine.connect()
    await theirs.connect()
    await get_channel_layer().group_send(
        floor.agent_group(profiled_agent.pk),
        floor.event(floor.Event.OFFER, call={"id": "c1"}, ring_seconds=20),
    )
    assert await mine.receive_json_from() == {
        "event": "offer",
        "call": {"id": "c1"},
        "ring_seconds": 20,
    }
    assert await theirs.receive_nothing(timeout=0.2)
    await mine.disconnect()
    await theirs.disconnect()


async def test_an_unknown_or_forbidden_command_is_refused_with_a_reason(profiled_agent):
    socket = await _socket("/ws/desk/", profiled_agent)
    await socket.connect()
    await _engine_message()
    await socket.send_json_to({"command": "explode"})
    assert (await socket.receive_json_from())["message"] == "Unknown command."
    await socket.send_json_to({"command": "move_call", "call": "c1", "queue": "orders"})
    assert (await socket.receive_json_from())["message"] == "You may not do that here."
    await socket.send_json_to({"command": "accept", "call": 42})
    assert "wrong type" in (await socket.receive_json_from())["message"]
    await socket.disconnect()


async def test_a_user_without_an_agent_profile_gets_no_desk_socket(agent):
    socket = await _socket("/ws/desk/", agent)
    connected, code = await socket.connect()
    assert not connected
    assert code == 4403


async def test_an_anonymous_visitor_gets_no_socket():
    socket = WebsocketCommunicator(
        application, "/ws/floor/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_an_agent_cannot_watch_the_floor_but_a_supervisor_can(profiled_agent, supervisor):
    agent_socket = await _socket("/ws/floor/", profiled_agent)
    assert not (await agent_socket.connect())[0]
    socket = await _socket("/ws/floor/", supervisor)
    assert (await socket.connect())[0]
    await _engine_message()
    await socket.send_json_to(
        {"command": "set_agent_state", "agent": profiled_agent.pk, "state": "logged_out"}
    )
    message = await _engine_message()
    assert (message["command"], message["agent"], message["state"]) == (
        "set_agent_state",
        profiled_agent.pk,
        "logged_out",
    )
    await socket.disconnect()
