"""A complaint opened from the desk, forwarded to its department; the department member's
desk shows the ticket with the transferred call.

The live engine is not part of this test: the test plays its part by telling each desk
which call it holds (the "deskcall" event desk.js fires on `connected`) and by moving
the Call row to the department's member, as the engine does on TRANSFER.
"""

import pytest
from django.utils import timezone

from switchboard.acd.models import AgentProfile, Queue
from switchboard.calls.models import Call
from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.tickets.models import Department, EventKind, Ticket
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def hold_call(page, call):
    page.evaluate(
        """(id) => { document.getElementById('desk').dataset.call = id;
                      htmx.trigger(document.body, 'deskcall', {call: id}); }""",
        str(call.pk),
    )


def test_a_forwarded_complaint_reaches_the_department_members_desk(
    page, log_in, browser, live_server, agent, other_agent
):
    complaints = Queue.objects.create(code="complaints", name_en="Complaints")
    transfers = Queue.objects.create(code="dept_delivery", name_en="Delivery transfers")
    delivery = Department.objects.create(code="delivery", name_en="Delivery", queue=transfers)
    delivery.members.add(other_agent)
    for user in (agent, other_agent):
        AgentProfile.objects.create(user=user)
    caller = check_create_contact(ContactData(first_name="Nasima", phones=["01712345678"]))
    call = Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        queue=complaints,
        agent=agent,
        contact=caller,
        reason="complaints",
        arrived_at=timezone.now(),
        answered_at=timezone.now(),
    )

    log_in(agent, "/desk/")
    hold_call(page, call)
    panel = page.locator("#panel-tickets")
    panel.get_by_label("Category").select_option("delivery")
    panel.get_by_label("Severity").select_option("high")
    panel.get_by_label("Subject").fill("Parcel arrived broken")
    panel.get_by_label("Customer's demand").fill("A new glass set")
    panel.get_by_role("button", name="Open the ticket").click()
    panel.get_by_text("Ticket attached to this call").wait_for()
    panel.get_by_label("Forward to").select_option(label="Delivery")
    panel.get_by_role("button", name="Forward", exact=True).click()
    panel.get_by_text("the call is being transferred to Delivery").wait_for()

    ticket = Ticket.objects.get(subject="Parcel arrived broken")
    assert ticket.department == delivery and ticket.call_id == call.pk
    assert ticket.events.filter(kind=EventKind.TRANSFERRED).exists()
    # The engine's part of TRANSFER: the call now rings, then talks, at the member's desk.
    Call.objects.filter(pk=call.pk).update(agent=other_agent, queue=transfers)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    member = context.new_page()
    member.goto("/accounts/login/?next=/desk/")
    member.get_by_label("Username").fill(other_agent.username)
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Log in").click()
    member.wait_for_url(lambda url: "/desk/" in url)
    hold_call(member, call)
    their_panel = member.locator("#panel-tickets")
    their_panel.get_by_text("Ticket attached to this call").wait_for()
    assert "Parcel arrived broken" in their_panel.inner_text()
    assert "A new glass set" in their_panel.inner_text()
    context.close()
