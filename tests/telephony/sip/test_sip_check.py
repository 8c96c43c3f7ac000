"""`manage.py sip_check` against the real rtpengine, and with what is missing named."""

import io

import pytest
from django.core.management import CommandError, call_command

from switchboard.acd.models import IvrMenu
from switchboard.telephony.actions import (
    TrunkData,
    check_save_extension,
    check_save_prompt,
    check_save_trunk,
)
from switchboard.telephony.models import Extension

from ..conftest import NUMBER
from ..test_prompt_audio import wav
from .conftest import free_port

pytestmark = pytest.mark.sip


@pytest.fixture
def sip_settings(settings, tmp_path):
    def configure(rtpengine_port: int) -> None:
        settings.MEDIA_ROOT = tmp_path
        sip = {**settings.SWITCHBOARD["SIP"], "TRUNKS": "", "PROMPTS": str(tmp_path / "none")}
        sip["RTPENGINE"] = f"127.0.0.1:{rtpengine_port}"
        settings.SWITCHBOARD = {**settings.SWITCHBOARD, "SIP": sip}

    return configure


def test_sip_check_passes_with_rtpengine_a_trunk_phones_and_every_prompt(
    deshi_bazar, agent, supervisor, rtpengine, sip_settings
):
    sip_settings(rtpengine.ng_port)
    check_save_trunk(
        None,
        TrunkData(
            name="carrier",
            allowed_addresses="127.0.0.1",
            outbound_host="127.0.0.1",
            caller_id=NUMBER,
        ),
    )
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    Extension.objects.create(user=supervisor, number="1100")  # never given a password
    menu = IvrMenu.objects.get(dialed_number=NUMBER)
    for name in ("greeting", "language", "menu", "invalid"):
        check_save_prompt(menu=menu, name=name, language="", data=wav(seconds=0.1))
    check_save_prompt(menu=None, name="music", language="", data=wav(seconds=0.1))
    out = io.StringIO()
    call_command("sip_check", stdout=out)
    report = out.getvalue()
    assert "answers ping: yes" in report
    assert f"carrier: from 127.0.0.1/32; out to 127.0.0.1:5060 as {NUMBER}" in report
    assert "1001: rahim (active)" in report
    assert "1100: fatema (active, NO PASSWORD)" in report
    assert f"{NUMBER}: all prompts found" in report
    assert report.rstrip().endswith("SIP check passed.")


def test_sip_check_names_every_problem(deshi_bazar, sip_settings):
    sip_settings(free_port())  # nobody answers there
    with pytest.raises(CommandError) as failed:
        call_command("sip_check", stdout=io.StringIO())
    message = str(failed.value)
    assert "does not answer" in message
    assert "no active trunk" in message
    assert f"menu {NUMBER}: no WAV for greeting/bn" in message
    assert "no music on hold" in message
