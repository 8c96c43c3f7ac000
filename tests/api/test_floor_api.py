import pytest
from django.utils import timezone

from switchboard.acd.models import AgentProfile, AgentStatus, Disposition, Queue, QueueSkill, Skill
from switchboard.calls.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_setup(agent, other_agent):
    skill = Skill.objects.create(code="orders", name_en="Orders")
    queue = Queue.objects.create(code="orders", name_en="Orders")
    QueueSkill.objects.create(queue=queue, skill=skill, min_level=3)
    queue.dispositions.add(Disposition.objects.create(code="order_placed", name_en="Order placed"))
    profile = AgentProfile.objects.create(user=agent)
    AgentStatus.objects.create(agent=profile, state="available", since=timezone.now())
    mine = Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        queue=queue,
        agent=agent,
        arrived_at=timezone.now(),
    )
    theirs = Call.objects.create(
        caller_number="+8801812345678",
        dialed_number="+8809612345678",
        queue=queue,
        agent=other_agent,
        arrived_at=timezone.now(),
    )
    return queue, mine, theirs


def test_queues_come_with_their_skills_and_dispositions(agent_client, floor_setup):
    [queue] = agent_client.get("/api/queues").json()
    assert queue["skills"] == {"orders": 3}
    assert queue["dispositions"] == ["order_placed"]


def test_an_agent_lists_only_their_own_calls(agent_client, floor_setup):
    _, mine, _ = floor_setup
    items = agent_client.get("/api/calls").json()["items"]
    assert [c["id"] for c in items] == [str(mine.pk)]


def test_a_supervisor_lists_every_call_and_filters_by_caller(supervisor_client, floor_setup):
    assert len(supervisor_client.get("/api/calls").json()["items"]) == 2
    items = supervisor_client.get("/api/calls", {"caller": "+8801812345678"}).json()["items"]
    assert [c["caller_number"] for c in items] == ["+8801812345678"]


def test_an_agent_cannot_read_someone_elses_call_or_the_agents_states(agent_client, floor_setup):
    _, _, theirs = floor_setup
    assert agent_client.get(f"/api/calls/{theirs.pk}").status_code == 403
    assert agent_client.get("/api/agents").status_code == 403


def test_a_supervisor_reads_the_agents_live_states(supervisor_client, floor_setup):
    [status] = supervisor_client.get("/api/agents").json()
    assert (status["username"], status["state"]) == ("rahim", "available")


def test_a_bad_filter_gets_a_422_naming_it(supervisor_client, floor_setup):
    response = supervisor_client.get("/api/calls", {"outcome": "exploded"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "outcome"


def test_the_floor_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/queues",
        "/api/dispositions",
        "/api/agents",
        "/api/calls",
        "/api/calls/{call_id}",
    } <= set(paths)
