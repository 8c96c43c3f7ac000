"""The demo company's departments, their queues and hours, and the SLA table."""

from datetime import time

from django.db import transaction

from switchboard.accounts.models import User
from switchboard.acd.models import Queue
from switchboard.tickets.models import Department, SlaPolicy, WorkingPeriod

DEPARTMENTS = [
    # code, English, Bengali
    ("delivery", "Delivery", "ডেলিভারি"),
    ("billing", "Billing", "বিলিং"),
    ("technical", "Technical support", "কারিগরি সহায়তা"),
    ("quality", "Quality", "মান নিয়ন্ত্রণ"),
]
# Sunday to Thursday 09:00-18:00, Saturday 10:00-14:00; Friday closed (Bangladesh's week).
HOURS = [(d, time(9), time(18)) for d in (6, 0, 1, 2, 3)] + [(5, time(10), time(14))]
# The delivery hotline answers around the clock (no hours = always open), so a newcomer
# trying "forward a complaint" in the demo sees the call transferred at any time of day.
ROUND_THE_CLOCK = {"delivery"}
SLA_MINUTES = {
    # severity: working minutes to resolve, the same for every category
    "critical": 4 * 60,
    "high": 8 * 60,
    "normal": 16 * 60,
    "low": 32 * 60,
}
MEMBERS = {"delivery": ["agent2"], "quality": ["supervisor"]}


@transaction.atomic
def load(out) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["agent2", "supervisor"])}
    for code, en, bn in DEPARTMENTS:
        queue, _ = Queue.objects.get_or_create(
            code=f"dept_{code}",
            defaults={"name_en": f"{en} (transfers)", "name_bn": f"{bn} (ট্রান্সফার)"},
        )
        department, created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_bn": bn,
                "queue": queue,
                "escalation_contact": users.get("supervisor"),
            },
        )
        if created and code not in ROUND_THE_CLOCK:
            WorkingPeriod.objects.bulk_create(
                [
                    WorkingPeriod(department=department, weekday=d, opens=o, closes=c)
                    for d, o, c in HOURS
                ]
            )
        if created:
            department.members.add(*[users[u] for u in MEMBERS.get(code, []) if u in users])
    for category in ("delivery", "product", "billing", "technical", "service", "other"):
        for severity, minutes in SLA_MINUTES.items():
            SlaPolicy.objects.get_or_create(
                category=category,
                severity=severity,
                defaults={"resolve_within_minutes": minutes},
            )
    out.write(f"Demo departments: {', '.join(code for code, *_ in DEPARTMENTS)}.")
