"""The admin pages of telephony: forms a keyboard can fill (every field labelled, nothing
taken out of the tab order), passwords kept only as HA1, uploads checked and converted."""

import hashlib
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from switchboard.telephony.models import Extension, Prompt, Trunk

from .sip.conftest import need
from .test_prompt_audio import wav

pytestmark = pytest.mark.django_db


class _Fields(HTMLParser):
    """The form controls of a page and the ids that have a <label for=...>."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(attrs)


def assert_keyboard_usable(html: str, *names: str) -> None:
    parser = _Fields()
    parser.feed(html)
    by_name = {c.get("name"): c for c in parser.controls}
    for name in names:
        control = by_name[name]
        assert control.get("id") in parser.labels, f"{name} has no label"
        assert control.get("tabindex") != "-1", f"{name} is out of the tab order"


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("extension", ("user", "number", "password", "active")),
        ("trunk", ("name", "inbound_mode", "allowed_addresses", "username", "password")),
        ("prompt", ("menu", "name", "language", "audio")),
    ],
)
def test_the_add_pages_are_labelled_forms(admin_client_, model, fields):
    response = admin_client_.get(f"/admin/telephony/{model}/add/")
    assert response.status_code == 200
    assert_keyboard_usable(response.content.decode(), *fields)


def test_the_admin_sets_an_extensions_password_as_ha1_only(admin_client_, agent):
    response = admin_client_.post(
        "/admin/telephony/extension/add/",
        {"user": agent.pk, "number": "1001", "password": "long-secret", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    extension = Extension.objects.get()
    assert extension.ha1 == hashlib.md5(b"1001:switchboard:long-secret").hexdigest()
    page = admin_client_.get(f"/admin/telephony/extension/{extension.pk}/change/")
    assert extension.ha1 not in page.content.decode()
    # Renumbering without a new password is refused with a reason, and nothing changes.
    refused = admin_client_.post(
        f"/admin/telephony/extension/{extension.pk}/change/",
        {"user": agent.pk, "number": "1009", "password": "", "active": "on"},
    )
    assert refused.status_code == 200
    assert "A new number needs a new password" in refused.content.decode()
    assert Extension.objects.get().number == "1001"
    kept = admin_client_.post(
        f"/admin/telephony/extension/{extension.pk}/change/",
        {"user": agent.pk, "number": "1001", "password": ""},
    )
    assert kept.status_code == 302
    assert Extension.objects.get().ha1 == extension.ha1 and not Extension.objects.get().active


def test_the_admin_shows_a_bad_allow_list_entry_by_name(admin_client_):
    form = {
        "name": "carrier",
        "inbound_mode": "ip",
        "allowed_addresses": "203.0.113.7\n203.0.113.999",
        "outbound_port": "5060",
        "active": "on",
    }
    response = admin_client_.post("/admin/telephony/trunk/add/", form)
    assert response.status_code == 200
    assert "“203.0.113.999” is not an IP address or CIDR block" in response.content.decode()
    form["allowed_addresses"] = "203.0.113.7"
    assert admin_client_.post("/admin/telephony/trunk/add/", form).status_code == 302
    assert Trunk.objects.get().networks() == ["203.0.113.7"]


def test_an_uploaded_prompt_is_converted_and_a_wrong_file_is_explained(
    admin_client_, settings, tmp_path
):
    need("sox")
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "bn"
    wrong = admin_client_.post(
        "/admin/telephony/prompt/add/",
        {"name": "greeting", "language": "bn", "audio": SimpleUploadedFile("a.mp3", b"ID3...")},
        HTTP_ACCEPT_LANGUAGE="bn",
    )
    assert wrong.status_code == 200
    assert not Prompt.objects.exists()
    assert re.search(r"WAV", wrong.content.decode())
    assert "This is not a WAV file" not in wrong.content.decode()  # said in Bengali
    settings.LANGUAGE_CODE = "en"
    good = admin_client_.post(
        "/admin/telephony/prompt/add/",
        {
            "name": "greeting",
            "language": "bn",
            "audio": SimpleUploadedFile("cd.wav", wav(rate=44100, channels=2, seconds=0.5)),
        },
    )
    assert good.status_code == 302, good.content.decode()[-3000:]
    prompt = Prompt.objects.get()
    assert prompt.duration_ms == 500 and not prompt.generated
    header = prompt.audio.read()[:44]
    assert header[22:24] == b"\x01\x00" and header[24:28] == (8000).to_bytes(4, "little")


def test_an_uploaded_prompt_can_be_heard_in_admin_and_only_by_staff(
    admin_client_, agent_client, settings, tmp_path
):
    from switchboard.telephony.actions import check_save_prompt

    settings.MEDIA_ROOT = tmp_path
    data = wav(seconds=0.2)
    prompt = check_save_prompt(menu=None, name="music", language="", data=data)
    page = admin_client_.get(f"/admin/telephony/prompt/{prompt.pk}/change/").content.decode()
    audio_url = f"/admin/telephony/prompt/{prompt.pk}/audio/"
    assert f'<audio controls preload="none" src="{audio_url}"' in page
    response = admin_client_.get(audio_url)
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content) == data
    assert agent_client.get(audio_url).status_code == 302  # to the admin's login


def test_the_agents_admin_shows_each_operators_phone_and_finds_them_by_it(admin_client_, rahim):
    from switchboard.telephony.actions import check_save_extension

    check_save_extension(None, user=rahim, number="1001", password="a-long-secret")
    listed = admin_client_.get("/admin/acd/agentprofile/")
    assert listed.status_code == 200
    row = re.search(r"<tr>.*?</tr>", listed.content.decode().split("<tbody>")[1], re.S)
    assert rahim.username in row.group(0) and "1001" in row.group(0)
    found = admin_client_.get("/admin/acd/agentprofile/", {"q": "1001"}).content.decode()
    assert rahim.username in found
    assert (
        "0 results" in admin_client_.get("/admin/acd/agentprofile/", {"q": "1999"}).content.decode()
    )
