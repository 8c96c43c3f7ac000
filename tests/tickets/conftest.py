"""Departments, calls and tickets the ticket tests share."""

from datetime import time

import pytest
from django.utils import timezone

from switchboard.acd.models import Queue
from switchboard.calls.models import Call
from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.tickets.actions import TicketData, check_create_ticket
from switchboard.tickets.models import Department, WorkingPeriod


@pytest.fixture
def in_memory_layer(settings):
    # The TRANSFER command is read back from the layer; the in-memory one keeps it in-process.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def complaints_queue(db):
    return Queue.objects.create(code="complaints", name_en="Complaints", name_bn="অভিযোগ")


@pytest.fixture
def delivery(db, other_agent, supervisor):
    """Open around the clock (no periods), with its own queue; Karim works there."""
    queue = Queue.objects.create(code="dept_delivery", name_en="Delivery transfers")
    department = Department.objects.create(
        code="delivery",
        name_en="Delivery",
        name_bn="ডেলিভারি",
        queue=queue,
        escalation_contact=supervisor,
    )
    department.members.add(other_agent)
    return department


@pytest.fixture
def billing_closed(db):
    """Open only one minute a week, so it is closed when the tests run."""
    queue = Queue.objects.create(code="dept_billing", name_en="Billing transfers")
    department = Department.objects.create(code="billing", name_en="Billing", queue=queue)
    now = timezone.localtime()
    other_day = (now.weekday() + 3) % 7
    WorkingPeriod.objects.create(
        department=department, weekday=other_day, opens=time(3), closes=time(3, 1)
    )
    return department


@pytest.fixture
def caller(db):
    return check_create_contact(
        ContactData(first_name="Nasima", last_name="Khatun", phones=["01712345678"])
    )


@pytest.fixture
def live_call(agent, complaints_queue, caller):
    return Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        queue=complaints_queue,
        agent=agent,
        contact=caller,
        reason="complaints",
        ivr_choices=["2"],
        arrived_at=timezone.now(),
        answered_at=timezone.now(),
    )


@pytest.fixture
def complaint(agent, live_call):
    return check_create_ticket(
        TicketData(
            category="delivery",
            severity="high",
            subject="Parcel arrived broken",
            description="The glass set was shattered.",
            orders=["SO-1001"],
            demand="A replacement",
            call=live_call,
        ),
        author=agent,
    )
