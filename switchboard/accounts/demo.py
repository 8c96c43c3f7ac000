"""Demo users of the demo company, printed on every start so a newcomer can log in."""

from django.db import transaction

from switchboard.accounts.actions import do_create_user
from switchboard.accounts.models import Role, User

DEMO_USERS = [
    # username, password, role, first name, last name, language
    ("admin", "admin-demo-2026", Role.ADMIN, "Admin", "", "en"),
    ("supervisor", "supervisor-demo-2026", Role.SUPERVISOR, "Nasrin", "Akter", "bn"),
    ("agent1", "agent1-demo-2026", Role.AGENT, "Rahim", "Ahmed", "bn"),
    ("agent2", "agent2-demo-2026", Role.AGENT, "Sadia", "Islam", "en"),
]


@transaction.atomic
def load(out) -> None:
    existing = set(
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    for username, password, role, first, last, language in DEMO_USERS:
        if username not in existing:
            do_create_user(
                username, password, role, first_name=first, last_name=last, language=language
            )


def print_logins(out) -> None:
    out.write("\nDemo logins (http://127.0.0.1:8000/):")
    for username, password, role, *_ in DEMO_USERS:
        out.write(f"  {role.value:<11} {username:<11} password: {password}")
    out.write("")
