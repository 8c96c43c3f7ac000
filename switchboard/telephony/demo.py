"""The demo's phones and carrier: an extension for each demo operator and the supervisor,
a trunk accepting calls from 127.0.0.1, and the prompts (when espeak-ng and sox exist)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError

from switchboard.accounts.models import User
from switchboard.telephony import prompts
from switchboard.telephony.actions import TrunkData, check_save_extension, check_save_trunk
from switchboard.telephony.models import Extension, Trunk

# username, extension, SIP password (demo only: printed on every start)
SIP_LOGINS = [
    ("agent1", "1001", "agent1-sip-2026"),
    ("agent2", "1002", "agent2-sip-2026"),
    ("supervisor", "1100", "supervisor-sip-2026"),
]
DEMO_TRUNK = "demo-carrier"


def load(out) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in SIP_LOGINS])}
    taken = set(Extension.objects.values_list("user__username", flat=True))
    for username, number, password in SIP_LOGINS:
        if username in users and username not in taken:
            check_save_extension(None, user=users[username], number=number, password=password)
    if not Trunk.objects.filter(name=DEMO_TRUNK).exists():
        from switchboard.acd.demo import DEMO_NUMBER

        check_save_trunk(
            None,
            TrunkData(
                name=DEMO_TRUNK,
                allowed_addresses="127.0.0.1",
                outbound_host="127.0.0.1",
                outbound_port=5080,
                caller_id=DEMO_NUMBER,
            ),
        )
    if prompts.missing_tools():
        try:
            prompts.require_tools()
        except prompts.ToolMissing as exc:
            out.write(f"Demo prompts skipped: {exc}")
        return
    try:
        call_command("make_demo_prompts", stdout=out)
    except CommandError as exc:
        out.write(f"Demo prompts skipped: {exc}")


def print_logins(out) -> None:
    out.write("SIP phones (register to the SIP port, realm switchboard):")
    for username, number, password in SIP_LOGINS:
        out.write(f"  {username:<11} extension {number}  password: {password}")
    out.write("")
