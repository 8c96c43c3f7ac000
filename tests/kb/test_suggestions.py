"""Suggested answers for a call, "did this help?", and the repeated-questions page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from switchboard.acd.models import Disposition, Queue
from switchboard.calls.models import Call
from switchboard.kb.models import ArticleFeedback
from switchboard.kb.suggest import suggest_for_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders_queue(db):
    return Queue.objects.create(code="orders", name_en="Orders")


def make_call(agent, queue, reason="", contact=None, language="", **extra):
    fields = {"arrived_at": timezone.now(), **extra}
    return Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        queue=queue,
        agent=agent,
        reason=reason,
        contact=contact,
        language=language,
        **fields,
    )


def test_articles_for_the_calls_reason_and_queue_come_first(agent, orders_queue, publish):
    by_reason = publish("How to order", "Call us.", language="en", reasons="orders")
    by_queue = publish("Order tracking", "Track it.", language="en")
    by_queue.queues.add(orders_queue)
    publish("Unrelated", "Nothing.", language="en", reasons="info")
    bengali = publish("অর্ডার করার নিয়ম", "ফোন করুন।", language="bn", reasons="orders")
    call = make_call(agent, orders_queue, reason="orders", language="bn")
    ranked = [s.article for s in suggest_for_call(call)]
    assert ranked == [bengali, by_reason, by_queue]


def test_the_callers_recent_tickets_bring_their_articles(agent, orders_queue, publish):
    from switchboard.contacts.actions import ContactData, check_create_contact
    from switchboard.tickets.actions import TicketData, check_create_ticket

    contact = check_create_contact(ContactData(first_name="Nasima", phones=["01712345678"]))
    check_create_ticket(
        TicketData(category="billing", subject="Refund not received", contact=contact), author=agent
    )
    refunds = publish("Refund timelines", "Refunds take 7 days.", language="en")
    billing = publish("Billing questions", "", language="en", reasons="billing")
    call = make_call(agent, None, contact=contact)
    assert {s.article for s in suggest_for_call(call)} == {refunds, billing}


def test_the_desk_panel_suggests_and_records_feedback(agent_client, agent, orders_queue, publish):
    article = publish("How to order", "Call **us**.", language="en", reasons="orders")
    call = make_call(agent, orders_queue, reason="orders")
    panel = agent_client.get(reverse("kb:panel"), {"call": call.pk}).content.decode()
    assert "How to order" in panel
    reader = agent_client.get(reverse("kb:panel_article", args=[article.pk]), {"call": call.pk})
    assert "<strong>us</strong>" in reader.content.decode()
    agent_client.post(reverse("kb:feedback", args=[article.pk]), {"call": call.pk, "helpful": "no"})
    agent_client.post(
        reverse("kb:feedback", args=[article.pk]), {"call": call.pk, "helpful": "yes"}
    )
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful and feedback.call == call and feedback.user == agent


def test_repeated_questions_list_reasons_with_their_article_or_a_prompt(
    supervisor_client, agent, orders_queue, publish
):
    publish("How to order", "", language="en", reasons="orders")
    solved = Disposition.objects.create(code="complaint_solved", name_en="Complaint solved")
    for _ in range(3):
        make_call(agent, orders_queue, reason="orders")
    make_call(agent, orders_queue, reason="complaints", disposition=solved)
    make_call(agent, orders_queue, reason="info", arrived_at=timezone.now() - timedelta(days=30))
    page = supervisor_client.get(reverse("kb:repeated")).content.decode()
    assert page.index("orders") < page.index("complaints")
    assert "How to order" in page
    assert "?reasons=complaints" in page and "?reasons=complaint_solved" in page
    assert ">info<" not in page
