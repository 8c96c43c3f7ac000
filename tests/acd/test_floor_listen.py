"""The floor page's Listen: who sees it, and what the floor socket lets through."""

import pytest
from channels.layers import get_channel_layer
from django.contrib.auth.models import Permission

from switchboard.acd import floor

from .test_consumers import _engine_message, _socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _empty_channel_layer():
    await get_channel_layer().flush()
    yield
    await get_channel_layer().flush()


def test_a_supervisor_gets_the_listen_column_and_its_translated_labels(supervisor_client):
    page = supervisor_client.get("/floor/").content.decode()
    assert 'data-monitor="true"' in page
    assert '<template id="listen-actions">' in page
    for mode in ("listen", "whisper", "barge"):  # real buttons: the keyboard reaches them
        assert f'<button type="button" data-role="monitor" data-mode="{mode}"' in page
    assert '"whisper": "Whispering to the agent"' in page


def test_without_the_right_to_listen_the_floor_has_no_listen_column(supervisor, client):
    perm = Permission.objects.get(codename="monitor_call")
    for group in supervisor.groups.all():
        group.permissions.remove(perm)
    client.force_login(supervisor)
    page = client.get("/floor/").content.decode()
    assert 'data-monitor="false"' in page and "Listen in" not in page


async def test_the_floor_socket_forwards_listen_and_stop_with_the_mode(supervisor):
    socket = await _socket("/ws/floor/", supervisor)
    connected, _ = await socket.connect()
    assert connected
    await _engine_message()  # sync
    await socket.send_json_to({"command": "monitor", "call": "c1", "mode": "listen"})
    message = await _engine_message()
    assert (message["command"], message["call"], message["mode"]) == ("monitor", "c1", "listen")
    await socket.send_json_to({"command": "stop_monitor", "call": "c1"})
    assert (await _engine_message())["command"] == "stop_monitor"
    await socket.disconnect()


async def test_a_watcher_without_the_right_to_listen_is_refused_by_the_socket(supervisor):
    from channels.db import database_sync_to_async

    @database_sync_to_async
    def drop_right():
        perm = Permission.objects.get(codename="monitor_call")
        for group in supervisor.groups.all():
            group.permissions.remove(perm)

    await drop_right()
    socket = await _socket("/ws/floor/", supervisor)
    await socket.connect()
    await _engine_message()  # sync
    await socket.send_json_to({"command": "monitor", "call": "c1", "mode": "listen"})
    refused = await socket.receive_json_from()
    assert refused["event"] == floor.Event.ERROR
    await socket.disconnect()
