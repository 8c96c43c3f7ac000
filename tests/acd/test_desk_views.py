"""The desk's server-rendered pieces: the screen pop and the pages' access rules."""

import pytest
from django.urls import reverse
from django.utils import timezone

from switchboard.acd.models import AgentProfile, Queue
from switchboard.calls.models import Call
from switchboard.contacts.actions import ContactData, check_create_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders_queue():
    return Queue.objects.create(code="orders", name_en="Orders", name_bn="অর্ডার")


def make_call(agent, queue, caller="+8801712345678", contact=None):
    return Call.objects.create(
        caller_number=caller,
        dialed_number="+8809612345678",
        queue=queue,
        agent=agent,
        contact=contact,
        arrived_at=timezone.now(),
    )


def test_the_pop_shows_the_known_callers_card(agent_client, agent, orders_queue):
    contact = check_create_contact(
        ContactData(first_name="Rahim", last_name="Ahmed", phones=["01712345678"], tags=["vip"])
    )
    call = make_call(agent, orders_queue, contact=contact)
    page = agent_client.get(reverse("acd:pop", args=[call.pk])).content.decode()
    assert "Rahim Ahmed" in page
    assert "vip" in page
    assert "First call from this contact." in page


def test_the_pop_offers_a_prefilled_form_for_an_unknown_caller(agent_client, agent, orders_queue):
    call = make_call(agent, orders_queue, caller="+8801812345678")
    page = agent_client.get(reverse("acd:pop", args=[call.pk])).content.decode()
    assert "Unknown caller +8801812345678" in page
    assert 'value="+8801812345678"' in page or "+8801812345678</textarea>" in page


def test_saving_the_unknown_callers_card_ties_the_call_to_the_new_contact(
    agent_client, agent, orders_queue
):
    call = make_call(agent, orders_queue, caller="+8801812345678")
    response = agent_client.post(
        reverse("acd:pop_contact", args=[call.pk]),
        {
            "kind": "person",
            "first_name": "Sadia",
            "phones": "+8801812345678",
            "recording_consent": "on",
        },
    )
    assert "Sadia" in response.content.decode()
    call.refresh_from_db()
    assert call.contact.display_name == "Sadia"


def test_another_agent_cannot_open_someone_elses_call(other_agent, agent, orders_queue, client):
    call = make_call(agent, orders_queue)
    client.force_login(other_agent)
    assert client.get(reverse("acd:pop", args=[call.pk])).status_code == 403


def test_a_supervisor_may_open_any_call(supervisor_client, agent, orders_queue):
    call = make_call(agent, orders_queue)
    assert supervisor_client.get(reverse("acd:pop", args=[call.pk])).status_code == 200


def test_an_agent_cannot_open_the_floor_or_the_wallboard(agent_client):
    assert agent_client.get(reverse("acd:floor")).status_code == 403
    assert agent_client.get(reverse("acd:wallboard")).status_code == 403


def test_the_floor_lists_queues_with_their_targets(supervisor_client, orders_queue):
    page = supervisor_client.get(reverse("acd:floor")).content.decode()
    assert "Orders" in page
    assert "80% / 20 s" in page


def test_an_agent_without_a_profile_is_told_why_no_calls_come(agent_client):
    page = agent_client.get(reverse("acd:desk")).content.decode()
    assert "You have no agent profile yet" in page


def test_agents_land_on_the_desk_and_supervisors_on_the_floor(
    agent_client, agent, supervisor_client
):
    AgentProfile.objects.create(user=agent)
    assert agent_client.get("/")["Location"] == reverse("acd:desk")
    assert supervisor_client.get("/")["Location"] == reverse("acd:floor")
