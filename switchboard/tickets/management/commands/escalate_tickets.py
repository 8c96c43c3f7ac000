"""Escalate every ticket past its due time; run it every few minutes (cron, systemd timer).

The department work list runs the same check on each visit, so a small floor needs no timer.
"""

from django.core.management.base import BaseCommand

from switchboard.tickets.actions import do_escalate_overdue


class Command(BaseCommand):
    help = "Mark overdue tickets escalated and notify their departments' escalation contacts."

    def handle(self, *args, **options):
        escalated = do_escalate_overdue()
        self.stdout.write(f"{len(escalated)} ticket(s) escalated.")
