import pytest
from django.urls import reverse

from switchboard.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_is_shown_to_a_visitor(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert b'name="password"' in response.content


def test_an_agent_logs_in_and_sees_the_contact_list(client, agent):
    response = client.post(
        reverse("accounts:login"), {"username": "rahim", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == agent
    assert b"<h1>Contacts</h1>" in response.content


def test_passwords_are_hashed_with_argon2(agent):
    assert agent.password.startswith("argon2")


def test_repeated_failed_logins_lock_the_account(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "rahim", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "rahim", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_another_user_is_not_locked_out_by_a_colleagues_typos(client, agent, other_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "rahim", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "karim", "password": PASSWORD})
    assert response.status_code == 302


def test_an_agent_cannot_open_the_admin(agent_client):
    response = agent_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_opens_the_admin(admin_client_):
    assert admin_client_.get("/admin/").status_code == 200


def test_the_interface_speaks_bengali_when_the_user_switches(agent_client, agent):
    response = agent_client.post(
        reverse("accounts:switch_language"), {"language": "bn", "next": "/contacts/"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "bn"
    page = agent_client.get("/contacts/").content.decode()
    assert "পরিচিতি" in page  # "Contacts"


def test_switching_to_an_unknown_language_is_refused_with_a_reason(agent_client, agent):
    response = agent_client.post(
        reverse("accounts:switch_language"), {"language": "xx"}, follow=True
    )
    assert "Choose Bengali or English." in response.content.decode()
    agent.refresh_from_db()
    assert agent.language == ""


def test_a_user_sets_their_time_zone(agent_client, agent):
    response = agent_client.post(
        reverse("accounts:preferences"), {"language": "en", "time_zone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Kolkata"


def test_a_bad_time_zone_is_refused_with_the_reason(agent_client, agent):
    response = agent_client.post(
        reverse("accounts:preferences"), {"language": "en", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Mars/Olympus is not a known time zone." in response.content.decode()
    assert User.objects.get(pk=agent.pk).time_zone == ""
