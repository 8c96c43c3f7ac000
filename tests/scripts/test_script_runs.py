"""Scripts walked on the desk: placeholders, branches by answer, adherence, closing reasons."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from switchboard.acd.models import Queue
from switchboard.calls.models import Call
from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.scripts import flow
from switchboard.scripts.actions import check_close_run, check_record_step, do_start_run
from switchboard.scripts.models import Script, ScriptRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders_script(db):
    from switchboard.scripts import demo

    Queue.objects.create(code="orders", name_en="Orders")
    demo.load(io.StringIO())
    return Script.objects.get(code="orders_inbound")


@pytest.fixture
def call(agent, orders_script):
    contact = check_create_contact(
        ContactData(
            first_name="Nasima",
            last_name="Khatun",
            address="House 5, Road 2, Uttara",
            phones=["01712345678"],
        )
    )
    return Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        queue=orders_script.queue,
        agent=agent,
        contact=contact,
        arrived_at=timezone.now(),
    )


def walk(run, *steps):
    for key, answer in steps:
        run = check_record_step(run, key, answer=answer or "", skip=answer is None)
    return run


def test_the_desk_panel_greets_the_caller_by_name(agent_client, call):
    page = agent_client.get(reverse("scripts:panel"), {"call": call.pk}).content.decode()
    assert "Good day Nasima! This is Rahim from Deshi Bazar." in page
    assert ScriptRun.objects.get().call == call


def test_the_answer_chooses_the_branch(agent, call, orders_script):
    run = do_start_run(orders_script, agent=agent, call=call)
    run = walk(run, ("greet", ""), ("purpose", "Order status"))
    assert run.current_key == "order_number"
    other = do_start_run(orders_script, agent=agent, call=None)
    other = walk(other, ("greet", ""), ("purpose", "new order"))
    assert other.current_key == "product"
    assert run.answers == {"purpose": "order status"}


def test_a_bad_answer_is_refused_and_the_step_stays(agent, call, orders_script):
    run = do_start_run(orders_script, agent=agent, call=call)
    run = walk(run, ("greet", ""))
    with pytest.raises(ValidationError):
        check_record_step(run, "purpose", answer="a refund")
    with pytest.raises(ValidationError):
        check_record_step(run, "greet", answer="")  # not the current step any more
    assert ScriptRun.objects.get().current_key == "purpose"


def test_full_adherence_on_the_route_taken_needs_no_reason(agent, call, orders_script):
    run = do_start_run(orders_script, agent=agent, call=call)
    run = walk(
        run,
        ("greet", ""),
        ("purpose", "order status"),
        ("order_number", "SO-1001"),
        ("status_told", ""),
        ("close", ""),
    )
    assert run.current_key == ""
    run = check_close_run(run)
    # The "new order" steps were not on this call's route, so they do not count.
    assert (run.required_done, run.required_total) == (5, 5) and run.adherence == 1.0
    assert run.answers["order_number"] == "SO-1001"


def test_closing_with_required_steps_skipped_asks_for_a_reason(agent, call, orders_script):
    run = do_start_run(orders_script, agent=agent, call=call)
    run = walk(run, ("greet", None), ("purpose", "new order"), ("product", "Shawl S-12"))
    with pytest.raises(ValidationError) as refused:
        check_close_run(run)
    assert "say why" in str(refused.value)
    run = check_close_run(run, reason="Caller hung up")
    # greet skipped; address, total and close never reached.
    assert (run.required_done, run.required_total) == (2, 6)
    assert set(run.skipped) == {"greet", "address", "total", "close"}
    assert run.skip_reason == "Caller hung up"


def test_the_panel_walks_and_closes_through_htmx_posts(agent_client, call):
    agent_client.get(reverse("scripts:panel"), {"call": call.pk})
    run = ScriptRun.objects.get()
    step = reverse("scripts:panel_step", args=[run.pk])
    agent_client.post(step, {"step": "greet"})
    page = agent_client.post(step, {"step": "purpose", "answer": "new order"}).content.decode()
    assert "Which product" in page
    page = agent_client.post(reverse("scripts:panel_close", args=[run.pk])).content.decode()
    assert "Why were they skipped?" in page and "say why" in page
    page = agent_client.post(
        reverse("scripts:panel_close", args=[run.pk]), {"reason": "Caller in a hurry"}
    ).content.decode()
    assert "Script closed: 2 of 6 required steps done." in page


def test_supervisors_see_adherence_per_operator(
    supervisor_client, agent_client, agent, call, orders_script
):
    run = do_start_run(orders_script, agent=agent, call=call)
    check_close_run(walk(run, ("greet", "")), reason="Transferred")
    page = supervisor_client.get(reverse("scripts:adherence")).content.decode()
    assert "rahim" in page and "1 / 6" in page and "17%" in page and "Transferred" in page
    assert agent_client.get(reverse("scripts:adherence")).status_code == 403


def test_another_agent_cannot_drive_someone_elses_run(
    client, other_agent, agent, call, orders_script
):
    run = do_start_run(orders_script, agent=agent, call=call)
    client.force_login(other_agent)
    assert (
        client.post(reverse("scripts:panel_step", args=[run.pk]), {"step": "greet"}).status_code
        == 403
    )


def test_placeholders_fill_from_the_contact_and_leave_unknown_ones():
    values = {"first_name": "Nasima"}
    assert flow.fill("Hello {first_name}, {unknown} {first_name.__class__}", values) == (
        "Hello Nasima, {unknown} {first_name.__class__}"
    )


def test_the_api_runs_a_script_on_a_call(agent_client, call, orders_script):
    started = agent_client.post(
        "/api/scripts/runs",
        {"script_id": orders_script.pk, "call_id": str(call.pk)},
        content_type="application/json",
    )
    assert started.status_code == 201
    run_id = started.json()["id"]
    url = f"/api/scripts/runs/{run_id}/steps"
    agent_client.post(url, {"step": "greet"}, content_type="application/json")
    body = agent_client.post(
        url, {"step": "purpose", "answer": "order status"}, content_type="application/json"
    ).json()
    assert body["current_key"] == "order_number"
    refused = agent_client.post(
        f"/api/scripts/runs/{run_id}/close", {}, content_type="application/json"
    )
    assert refused.status_code == 422
    closed = agent_client.post(
        f"/api/scripts/runs/{run_id}/close", {"reason": "Dropped"}, content_type="application/json"
    )
    assert closed.json()["required_done"] == 2 and closed.json()["adherence"] == pytest.approx(
        2 / 5
    )
    [script] = agent_client.get("/api/scripts").json()
    assert script["steps"][1]["branches"] == {
        "new order": "product",
        "order status": "order_number",
    }
