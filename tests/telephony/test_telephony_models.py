"""Extensions, trunks and prompts as product data: validation, the HA1, and what the SIP
side reads from them (SipConfig.from_settings)."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from switchboard.acd.models import IvrMenu
from switchboard.telephony.actions import (
    TrunkData,
    check_save_extension,
    check_save_prompt,
    check_save_trunk,
    check_set_extension_password,
)
from switchboard.telephony.models import Extension, InboundMode, Prompt
from switchboard.telephony.sip.config import SipConfig

from .conftest import NUMBER
from .test_prompt_audio import wav

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_an_extension_keeps_the_digest_ha1_and_never_the_password(agent):
    extension = check_save_extension(None, user=agent, number="1001", password="long-secret")
    extension.refresh_from_db()
    assert extension.ha1 == md5("1001:switchboard:long-secret")
    stored = " ".join(str(v) for v in Extension.objects.values_list().get())
    assert "long-secret" not in stored


def test_an_extension_number_is_digits_unique_and_needs_a_password(agent, supervisor):
    with pytest.raises(ValidationError) as bad:
        check_save_extension(None, user=agent, number="10a1", password="")
    assert set(errors_of(bad)) == {"number", "password"}
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    with pytest.raises(ValidationError) as taken:
        check_save_extension(None, user=supervisor, number="1001", password="long-secret")
    assert "already taken" in errors_of(taken)["number"][0]
    with pytest.raises(ValidationError) as twice:
        check_save_extension(None, user=agent, number="1002", password="long-secret")
    assert "already has an extension" in errors_of(twice)["user"][0]


def test_a_new_number_needs_a_new_password_because_the_ha1_is_made_from_it(agent):
    extension = check_save_extension(None, user=agent, number="1001", password="long-secret")
    with pytest.raises(ValidationError) as renumbered:
        check_save_extension(extension, number="1009")
    assert "new password" in errors_of(renumbered)["password"][0]
    check_save_extension(extension, number="1009", password="another-secret")
    assert Extension.objects.get().ha1 == md5("1009:switchboard:another-secret")
    check_save_extension(extension, number="1009", active=False)  # the password is kept
    assert Extension.objects.get().ha1 == md5("1009:switchboard:another-secret")


def test_setting_a_password_refuses_a_short_one_or_the_number_itself(agent):
    extension = check_save_extension(None, user=agent, number="10010010", password="long-secret")
    for bad in ("short", "10010010"):
        with pytest.raises(ValidationError):
            check_set_extension_password(extension, bad)
    check_set_extension_password(extension, "a-better-one")
    assert Extension.objects.get().ha1 == md5("10010010:switchboard:a-better-one")


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("203.0.113.300", "“203.0.113.300” is not an IP address or CIDR block"),
        ("carrier.example", "is not an IP address or CIDR block"),
        ("0.0.0.0/0", "would accept calls from anywhere"),
        ("", "at least one address"),
    ],
)
def test_an_ip_trunk_needs_a_valid_allow_list(addresses, message):
    with pytest.raises(ValidationError) as bad:
        check_save_trunk(None, TrunkData(name="carrier", allowed_addresses=addresses))
    assert message in errors_of(bad)["allowed_addresses"][0]


def test_a_trunk_keeps_clean_networks_and_an_e164_caller_id():
    trunk = check_save_trunk(
        None,
        TrunkData(
            name="carrier",
            allowed_addresses="203.0.113.7\n198.51.100.0/24, 2001:db8::/32",
            outbound_host="sip.carrier.example",
            caller_id="09612-345678",
        ),
    )
    assert trunk.networks() == ["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]
    assert trunk.caller_id == "+8809612345678"
    with pytest.raises(ValidationError) as bad:
        check_save_trunk(
            trunk,
            TrunkData(
                name="carrier",
                allowed_addresses="203.0.113.7",
                outbound_host="sip.carrier.example:5060",
                outbound_port=0,
                caller_id="12",
            ),
        )
    assert set(errors_of(bad)) == {"outbound_host", "outbound_port", "caller_id"}
    assert errors_of(bad)["caller_id"][0].startswith("Not a valid caller ID")


def test_a_registration_trunk_needs_a_name_of_its_own_and_a_password(agent):
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    data = TrunkData(name="carrier", inbound_mode=InboundMode.REGISTRATION, username="1001")
    with pytest.raises(ValidationError) as bad:
        check_save_trunk(None, data)
    assert set(errors_of(bad)) == {"username", "password"}
    data.username = "carrier-gw"
    trunk = check_save_trunk(None, data, "gateway-secret")
    assert trunk.ha1 == md5("carrier-gw:switchboard:gateway-secret")
    assert trunk.allowed_addresses == ""
    with pytest.raises(ValidationError) as taken:
        check_save_extension(None, user=agent, number="1002", password="long-secret")
    assert "user" in errors_of(taken)


def test_the_sip_config_reads_trunks_phones_and_prompts_from_the_database(agent, deshi_bazar):
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    check_save_trunk(
        None,
        TrunkData(
            name="carrier",
            allowed_addresses="203.0.113.0/24",
            outbound_host="198.51.100.9",
            outbound_port=5070,
            caller_id="+8809612345678",
        ),
    )
    check_save_trunk(
        None,
        TrunkData(name="gateway", inbound_mode=InboundMode.REGISTRATION, username="gw"),
        "gateway-secret",
    )
    check_save_trunk(None, TrunkData(name="old", allowed_addresses="192.0.2.1", active=False))
    ivr = IvrMenu.objects.get(dialed_number=NUMBER)
    own = check_save_prompt(menu=ivr, name="greeting", language="bn", data=wav())
    everyone = check_save_prompt(menu=None, name="greeting", language="", data=wav())

    config = SipConfig.from_settings()
    carrier = config.trunk_for("203.0.113.9")
    assert (carrier.name, carrier.outbound, carrier.caller_id) == (
        "carrier",
        ("198.51.100.9", 5070),
        "+8809612345678",
    )
    assert config.trunk_for("192.0.2.1") is None  # inactive
    assert config.registering_trunk("gw").name == "gateway"
    assert config.ha1_for("gw") == md5("gw:switchboard:gateway-secret")
    assert config.ha1_for("1001") == md5("1001:switchboard:long-secret")
    assert config.ha1_for("nobody") is None
    assert config.phone_of(str(agent.pk)).extension == "1001"
    assert config.prompt_path("greeting", "bn", NUMBER) == Path(own.audio.path)
    assert config.prompt_path("greeting", "en", NUMBER) == Path(everyone.audio.path)
    assert config.prompt_path("greeting", "bn", "+8809999999999") == Path(everyone.audio.path)
    assert config.prompt_path("menu", "bn", NUMBER) is None


def test_an_extension_without_a_password_or_inactive_cannot_register(agent, supervisor):
    check_save_extension(None, user=agent, number="1001", password="long-secret", active=False)
    Extension.objects.create(user=supervisor, number="1100")  # no HA1: never set
    config = SipConfig.from_settings()
    assert config.phones == {}


def test_prompt_lookup_prefers_the_calls_own_menu_then_every_menu_then_the_folder(tmp_path):
    (tmp_path / "bn").mkdir()
    (tmp_path / "bn" / "menu.wav").write_bytes(b"RIFF")
    config = SipConfig(
        prompts=tmp_path,
        prompt_files={("menu", "bn"): Path("/all/menu-bn.wav"), ("music", ""): Path("/m.wav")},
        menu_prompt_files={
            (NUMBER, "menu", "bn"): Path("/own/menu-bn.wav"),
            (NUMBER, "invalid", ""): Path("/own/invalid.wav"),
        },
    )
    assert config.prompt_path("menu", "bn", NUMBER) == Path("/own/menu-bn.wav")
    assert config.prompt_path("menu", "bn") == Path("/all/menu-bn.wav")
    assert config.prompt_path("invalid", "en", NUMBER) == Path("/own/invalid.wav")
    assert config.prompt_path("music", "", NUMBER) == Path("/m.wav")
    assert config.prompt_path("menu", "en", NUMBER) is None
    del config.prompt_files[("menu", "bn")]
    assert config.prompt_path("menu", "bn", "+880100") == tmp_path / "bn" / "menu.wav"


def test_a_replaced_prompt_leaves_one_row_and_one_file(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = check_save_prompt(menu=None, name="music", language="", data=wav(seconds=0.2))
        second = check_save_prompt(menu=None, name="music", language="", data=wav(seconds=0.4))
    assert first.pk == second.pk
    assert Prompt.objects.get().duration_ms == 400
    assert [p.name for p in (media_root / "prompts").iterdir()] == [Path(second.audio.name).name]


@pytest.mark.django_db(transaction=True)
def test_a_running_sip_side_picks_up_admin_changes_but_keeps_its_ports(agent):
    import dataclasses

    from switchboard.telephony.sip import SipTelephony
    from switchboard.telephony.sip.refresh import refresh_once
    from tests.conftest import run_async

    telephony = SipTelephony(dataclasses.replace(SipConfig.from_settings(), port=5999))
    assert telephony.config.phones == {}
    check_save_extension(None, user=agent, number="1001", password="long-secret")
    check_save_trunk(None, TrunkData(name="carrier", allowed_addresses="203.0.113.7"))
    assert run_async(refresh_once(telephony, SipConfig.from_settings)) is True
    assert telephony.config.port == 5999  # addresses need a restart
    assert set(telephony.config.phones) == {"1001"}
    assert telephony.config.trunk_for("203.0.113.7").name == "carrier"
    assert run_async(refresh_once(telephony, SipConfig.from_settings)) is False
