"""Personas shared by every test: an agent, a second agent, a supervisor, an admin, an outsider.

Tests pick the person they need by name (`agent`, `supervisor` ...) and a logged-in client
for them (`agent_client` ...), instead of building users and mocks by hand.
"""

import os

import pytest

from switchboard.accounts.models import Role

PASSWORD = "correct horse battery staple"


def _make(django_user_model, username, role, **extra):
    from switchboard.accounts.actions import do_create_user

    if role is None:
        return django_user_model.objects.create_user(username=username, password=PASSWORD)
    return do_create_user(username, PASSWORD, role, **extra)


@pytest.fixture
def agent(db, django_user_model):
    return _make(django_user_model, "rahim", Role.AGENT, first_name="Rahim", last_name="Ahmed")


@pytest.fixture
def other_agent(db, django_user_model):
    return _make(django_user_model, "karim", Role.AGENT, first_name="Karim", last_name="Uddin")


@pytest.fixture
def supervisor(db, django_user_model):
    return _make(
        django_user_model, "fatema", Role.SUPERVISOR, first_name="Fatema", last_name="Begum"
    )


@pytest.fixture
def admin_user(db, django_user_model):
    return _make(django_user_model, "admin", Role.ADMIN)


@pytest.fixture
def outsider(db, django_user_model):
    """Signed in, but holding no role at all."""
    return _make(django_user_model, "stranger", None)


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def agent_client(agent):
    from django.test import Client

    return _client_for(Client, agent)


@pytest.fixture
def supervisor_client(supervisor):
    from django.test import Client

    return _client_for(Client, supervisor)


@pytest.fixture
def admin_client_(admin_user):
    from django.test import Client

    return _client_for(Client, admin_user)


@pytest.fixture
def outsider_client(outsider):
    from django.test import Client

    return _client_for(Client, outsider)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English messages unless they switch language on purpose.
    settings.LANGUAGE_CODE = "en"


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [f"switchboard: database={db} channel layer={layer}"]


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="PostgreSQL not configured: set TEST_DATABASE_URL")
    skip_redis = pytest.mark.skip(reason="Redis not configured: set TEST_REDIS_URL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    # Argon2 still, so the stored hashes look as in production, but with a cost fit for tests.
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]


def run_async(coroutine):
    """asyncio.run(), also from a test thread where another loop already runs (Playwright's
    sync API keeps one alive while a browser is open): then in a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
