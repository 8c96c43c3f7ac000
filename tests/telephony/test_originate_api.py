"""POST /api/calls/originate: the dialer's (and scripts') way to place an agent's call.

Bad input is refused before anything reaches the engine, each error naming its field; a
good request comes back with the call's id once the engine has opened the record.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django.utils import timezone

from switchboard.acd.floor import Command, Event
from switchboard.acd.models import AgentProfile, AgentStatus
from switchboard.calls.models import Call, Direction
from switchboard.telephony.sim import CalleeScript

from .conftest import NASREEN, run_floor


def _fields(response) -> dict[str, str]:
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


@pytest.fixture
def rahim_client(rahim):
    client = Client()
    client.force_login(rahim)
    return client


def _status(user, state):
    profile = AgentProfile.objects.get(user=user)
    AgentStatus.objects.update_or_create(
        agent=profile, defaults={"state": state, "since": timezone.now()}
    )


def test_a_bad_number_is_refused_naming_the_number(rahim, rahim_client):
    _status(rahim, "available")
    response = rahim_client.post(
        "/api/calls/originate", {"agent": rahim.pk, "number": "12345"}, "application/json"
    )
    assert response.status_code == 422
    assert "not a valid phone number" in _fields(response)["number"]


def test_an_unknown_agent_is_refused_naming_the_agent(supervisor_client, deshi_bazar):
    response = supervisor_client.post(
        "/api/calls/originate", {"agent": 999999, "number": NASREEN}, "application/json"
    )
    assert response.status_code == 422
    assert "agent" in _fields(response)


def test_an_agent_on_break_is_refused_naming_the_agent(rahim, rahim_client):
    _status(rahim, "break")
    response = rahim_client.post(
        "/api/calls/originate", {"agent": rahim.pk, "number": NASREEN}, "application/json"
    )
    assert response.status_code == 422
    assert "not available" in _fields(response)["agent"]


def test_an_unknown_mode_and_an_unknown_contact_are_refused(rahim, rahim_client):
    _status(rahim, "available")
    response = rahim_client.post(
        "/api/calls/originate",
        {"agent": rahim.pk, "number": NASREEN, "mode": "predictive"},
        "application/json",
    )
    assert response.status_code == 422 and "mode" in _fields(response)
    response = rahim_client.post(
        "/api/calls/originate", {"agent": rahim.pk, "contact": 424242}, "application/json"
    )
    assert response.status_code == 422 and "contact" in _fields(response)


def test_an_agent_may_not_place_a_call_for_another_agent(rahim_client, karim):
    response = rahim_client.post(
        "/api/calls/originate", {"agent": karim.pk, "number": NASREEN}, "application/json"
    )
    assert response.status_code == 403


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/calls/originate"]["post"]
    assert "202" in operation["responses"]


def test_the_engine_places_the_call_and_the_record_names_agent_contact_and_number(
    rahim, rahim_client, nasreen
):
    async def scenario(floor):
        floor.engine.setup.outbound_queue_code = "orders"
        floor.carrier.callees[NASREEN] = CalleeScript("busy", after_s=1)
        desk = await floor.desk(rahim)
        await desk.send(Command.GO_AVAILABLE)
        await desk.wait_for(Event.AGENT_STATE, state="available")
        await floor.settled()
        response = await sync_to_async(rahim_client.post, thread_sensitive=False)(
            "/api/calls/originate",
            {"agent": rahim.pk, "contact": nasreen.pk, "mode": "customer_first"},
            "application/json",
        )
        ended = await desk.wait_for(Event.CALL_ENDED)
        await floor.settled()
        return response, ended

    response, ended = run_floor(scenario, layer=get_channel_layer())
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["number"], body["contact_id"]) == (NASREEN, nasreen.pk)
    assert ended["call"] == body["call"] and ended["outcome"] == "busy"
    record = Call.objects.get(pk=body["call"])
    assert (record.direction, record.agent, record.contact) == (Direction.OUTBOUND, rahim, nasreen)


def test_the_contact_pages_call_button_tells_an_agent_on_break_why_nothing_rang(
    rahim, rahim_client, nasreen
):
    async def scenario(floor):
        response = await sync_to_async(rahim_client.post, thread_sensitive=False)(
            "/desk/originate/",
            {"number": NASREEN, "contact": nasreen.pk, "next": f"/contacts/{nasreen.pk}/"},
            follow=True,
        )
        await floor.settled()
        return response

    response = run_floor(scenario, layer=get_channel_layer())
    assert response.redirect_chain[-1][0] == f"/contacts/{nasreen.pk}/"
    assert "Go available before calling out." in response.content.decode()
    assert not Call.objects.exists()


def test_a_do_not_call_contacts_page_offers_no_call_button(rahim, rahim_client, nasreen):
    page = rahim_client.get(f"/contacts/{nasreen.pk}/").content.decode()
    assert f"Call {NASREEN}" in page
    nasreen.do_not_call = True
    nasreen.save()
    page = rahim_client.get(f"/contacts/{nasreen.pk}/").content.decode()
    assert f"Call {NASREEN}" not in page
