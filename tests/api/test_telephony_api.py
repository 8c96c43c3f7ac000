"""/api/telephony: administrators manage extensions, trunks and prompts (the roles table);
supervisors may list extensions; agents see nothing. Passwords go in, never out."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from switchboard.accounts.models import Role
from switchboard.telephony.models import Extension, Prompt, Trunk
from tests.conftest import PASSWORD
from tests.telephony.test_prompt_audio import wav

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_admin_client(django_user_model):
    """An administrator by role only (not a superuser): the roles table decides."""
    from switchboard.accounts.actions import do_create_user

    user = do_create_user("ops", PASSWORD, Role.ADMIN)
    user.is_superuser = False
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_gives_an_operator_a_phone_and_sets_its_password(role_admin_client, agent):
    created = role_admin_client.post(
        "/api/telephony/extensions",
        {"user_id": agent.pk, "number": "1001", "password": "long-secret"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        "id": body["id"],
        "user_id": agent.pk,
        "username": "rahim",
        "number": "1001",
        "active": True,
        "has_password": True,
    }
    changed = role_admin_client.post(
        f"/api/telephony/extensions/{body['id']}/password",
        {"password": "another-secret"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    expected = hashlib.md5(b"1001:switchboard:another-secret").hexdigest()
    assert Extension.objects.get().ha1 == expected
    assert "another-secret" not in changed.content.decode()
    patched = role_admin_client.patch(
        f"/api/telephony/extensions/{body['id']}",
        {"active": False},
        content_type="application/json",
    )
    assert patched.json()["active"] is False
    listed = role_admin_client.get("/api/telephony/extensions").json()
    assert [e["number"] for e in listed] == ["1001"]


def test_bad_extension_input_names_the_field(role_admin_client, agent):
    response = role_admin_client.post(
        "/api/telephony/extensions",
        {"user_id": agent.pk, "number": "ext-1", "password": "short"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {tuple(e["loc"])[-1] for e in response.json()["detail"]}
    assert fields == {"number", "password"}
    assert not Extension.objects.exists()


def test_a_supervisor_lists_extensions_but_cannot_change_telephony(supervisor_client, agent):
    assert supervisor_client.get("/api/telephony/extensions").status_code == 200
    created = supervisor_client.post(
        "/api/telephony/extensions",
        {"user_id": agent.pk, "number": "1001", "password": "long-secret"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert supervisor_client.get("/api/telephony/trunks").status_code == 403


def test_an_agent_sees_no_telephony_settings(agent_client):
    for path in ("extensions", "trunks", "prompts"):
        assert agent_client.get(f"/api/telephony/{path}").status_code == 403


def test_an_administrator_adds_ip_and_registration_trunks(role_admin_client):
    bad = role_admin_client.post(
        "/api/telephony/trunks",
        {"name": "carrier", "allowed_addresses": ["203.0.113.0/24", "10.0.0.999"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    [error] = bad.json()["detail"]
    assert error["loc"][-1] == "allowed_addresses" and "10.0.0.999" in error["msg"]
    ip = role_admin_client.post(
        "/api/telephony/trunks",
        {
            "name": "carrier",
            "allowed_addresses": ["203.0.113.0/24"],
            "outbound_host": "203.0.113.1",
            "caller_id": "09612345678",
        },
        content_type="application/json",
    )
    assert ip.status_code == 201, ip.content
    assert ip.json()["caller_id"] == "+8809612345678"
    registering = role_admin_client.post(
        "/api/telephony/trunks",
        {
            "name": "gateway",
            "inbound_mode": "registration",
            "username": "gw",
            "password": "gateway-secret",
        },
        content_type="application/json",
    )
    assert registering.status_code == 201
    assert registering.json()["has_password"] is True
    trunk_id = registering.json()["id"]
    renamed = role_admin_client.put(
        f"/api/telephony/trunks/{trunk_id}",
        {"name": "gateway", "inbound_mode": "registration", "username": "gw2"},
        content_type="application/json",
    )
    assert renamed.status_code == 422  # a new username needs the password again
    assert Trunk.objects.get(pk=trunk_id).username == "gw"


def test_an_administrator_uploads_a_prompt_and_lists_it(role_admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("hello.wav", wav(seconds=0.25), content_type="audio/wav")
    response = role_admin_client.post(
        "/api/telephony/prompts", {"audio": upload, "name": "greeting", "language": "bn"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["duration_ms"] == 250
    assert response.json()["menu_id"] is None
    refused = role_admin_client.post(
        "/api/telephony/prompts",
        {"audio": SimpleUploadedFile("x.wav", b"nope"), "name": "menu", "language": "en"},
    )
    assert refused.status_code == 422
    assert "not a WAV file" in refused.json()["detail"][0]["msg"]
    listed = role_admin_client.get("/api/telephony/prompts").json()
    assert [(p["name"], p["language"]) for p in listed] == [("greeting", "bn")]
    assert Prompt.objects.count() == 1


def test_the_telephony_endpoints_are_in_the_openapi_schema(role_admin_client):
    paths = role_admin_client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/telephony/extensions",
        "/api/telephony/extensions/{extension_id}",
        "/api/telephony/extensions/{extension_id}/password",
        "/api/telephony/trunks",
        "/api/telephony/trunks/{trunk_id}",
        "/api/telephony/prompts",
    ):
        assert path in paths
    upload = paths["/api/telephony/prompts"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_a_prompt_removed_through_the_api_takes_its_file_along(
    role_admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from switchboard.telephony.actions import check_save_prompt

    settings.MEDIA_ROOT = tmp_path
    prompt = check_save_prompt(menu=None, name="music", language="", data=wav())
    with django_capture_on_commit_callbacks(execute=True):
        response = role_admin_client.delete(f"/api/telephony/prompts/{prompt.pk}")
    assert response.status_code == 204
    assert not Prompt.objects.exists()
    assert list((tmp_path / "prompts").iterdir()) == []
    assert role_admin_client.delete(f"/api/telephony/prompts/{prompt.pk}").status_code == 404


def test_listing_extensions_costs_the_same_queries_for_one_or_many(
    role_admin_client, agent, other_agent, supervisor, django_assert_num_queries
):
    from switchboard.telephony.actions import check_save_extension

    check_save_extension(None, user=agent, number="1001", password="long-secret")
    role_admin_client.get("/api/telephony/extensions")  # sessions, permissions cached
    with django_assert_num_queries(5) as one:
        role_admin_client.get("/api/telephony/extensions")
    check_save_extension(None, user=other_agent, number="1002", password="long-secret")
    check_save_extension(None, user=supervisor, number="1100", password="long-secret")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(role_admin_client.get("/api/telephony/extensions").json()) == 3
