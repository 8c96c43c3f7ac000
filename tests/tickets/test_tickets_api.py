"""/api/tickets: the same rules as the pages, through JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_ticket_is_opened_for_a_call_and_listed(agent_client, live_call, caller):
    response = agent_client.post(
        "/api/tickets",
        {
            "category": "delivery",
            "subject": "Late parcel",
            "call_id": str(live_call.pk),
            "orders": ["SO-1"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact_id"] == caller.pk and body["status"] == "new" and body["due_at"]
    listed = agent_client.get("/api/tickets", {"call_id": str(live_call.pk)}).json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]


def test_a_bad_ticket_gets_field_errors(agent_client):
    response = agent_client.post(
        "/api/tickets", {"category": "delivery", "subject": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "subject"]


def test_transitions_follow_the_lifecycle(agent_client, complaint):
    url = f"/api/tickets/{complaint.pk}/transition"
    refused = agent_client.post(url, {"status": "closed"}, content_type="application/json")
    assert refused.status_code == 422
    done = agent_client.post(
        url, {"status": "resolved", "text": "Refunded"}, content_type="application/json"
    )
    assert done.json()["status"] == "resolved" and done.json()["resolution"] == "Refunded"


def test_forwarding_through_the_api_reports_the_transfer(
    agent_client, complaint, delivery, in_memory_layer
):
    response = agent_client.post(
        f"/api/tickets/{complaint.pk}/forward",
        {"department": "delivery"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["transferred"] is True
    assert response.json()["ticket"]["department"] == "delivery"


def test_internal_notes_of_others_stay_out_of_the_history(
    client, agent, other_agent, complaint, delivery
):
    from switchboard.tickets.actions import check_add_note, check_forward_ticket

    check_forward_ticket(complaint, delivery, author=agent)
    check_add_note(complaint, "Courier to blame", author=other_agent)
    client.force_login(agent)
    texts = [e["text"] for e in client.get(f"/api/tickets/{complaint.pk}/history").json()]
    assert "Courier to blame" not in texts
    client.force_login(other_agent)
    texts = [e["text"] for e in client.get(f"/api/tickets/{complaint.pk}/history").json()]
    assert "Courier to blame" in texts


def test_someone_elses_ticket_is_forbidden(client, complaint, django_user_model):
    from switchboard.accounts.actions import do_create_user
    from switchboard.accounts.models import Role

    client.force_login(do_create_user("salma", "x-long-password-1", Role.AGENT))
    assert client.get(f"/api/tickets/{complaint.pk}").status_code == 403
