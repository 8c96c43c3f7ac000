"""The demo's phones and carrier, with and without espeak-ng and sox."""

import hashlib
import io

import pytest

from switchboard.accounts import demo as accounts_demo
from switchboard.telephony import demo
from switchboard.telephony.models import Extension, Prompt, Trunk

pytestmark = pytest.mark.django_db


def test_the_demo_gives_operators_and_the_supervisor_phones_and_says_when_prompts_cannot_be_made(
    monkeypatch,
):
    accounts_demo.load(io.StringIO())
    monkeypatch.setenv("PATH", "/nonexistent")  # neither espeak-ng nor sox
    out = io.StringIO()
    demo.load(out)
    demo.load(out)  # twice: nothing doubles
    assert (
        "Demo prompts skipped: espeak-ng, sox not installed (Debian packages: espeak-ng sox)"
        in out.getvalue()
    )
    assert not Prompt.objects.exists()
    phones = dict(Extension.objects.values_list("user__username", "number"))
    assert phones == {"agent1": "1001", "agent2": "1002", "supervisor": "1100"}
    agent1 = Extension.objects.get(number="1001")
    assert agent1.ha1 == hashlib.md5(b"1001:switchboard:agent1-sip-2026").hexdigest()
    trunk = Trunk.objects.get()
    assert (trunk.name, trunk.networks(), trunk.caller_id) == (
        "demo-carrier",
        ["127.0.0.1"],
        "+8809612345678",
    )
    logins = io.StringIO()
    demo.print_logins(logins)
    assert "agent1      extension 1001  password: agent1-sip-2026" in logins.getvalue()
