import json

import pytest
from django.core.management import call_command

from switchboard.accounts.actions import do_issue_api_token
from switchboard.contacts.actions import ContactData, check_create_contact, check_merge_contacts
from switchboard.contacts.models import ActivityKind, Contact

pytestmark = pytest.mark.django_db

URL = "/api/contacts"


@pytest.fixture
def rahim():
    return check_create_contact(
        ContactData(
            first_name="রহিম",
            last_name="আহমেদ",
            phones=["01712-345678"],
            emails=["rahim@example.com"],
            tags=["VIP"],
        )
    )


@pytest.fixture
def aarong():
    return check_create_contact(
        ContactData(kind="organization", organization="Aarong Ltd", phones=["029876543"])
    )


@pytest.fixture
def agent_token(agent):
    return do_issue_api_token(agent, "tests")


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(client, method, url, data, **headers):
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **headers
    )


def fields_in_error(response):
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


# Authentication and permissions


def test_a_request_without_credentials_is_refused_with_401(client, rahim):
    response = client.get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_bad_token_is_refused_with_401(client, rahim):
    assert client.get(URL, **bearer("sb_not-a-token")).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused_with_401(client, agent, agent_token):
    agent.is_active = False
    agent.save()
    assert client.get(URL, **bearer(agent_token)).status_code == 401


def test_a_valid_token_lets_the_agent_in(client, agent_token, rahim):
    response = client.get(URL, **bearer(agent_token))
    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_a_signed_in_browser_session_works_too(agent_client, rahim):
    assert agent_client.get(URL).json()["items"][0]["display_name"] == "রহিম আহমেদ"


def test_a_browser_session_must_send_the_csrf_token_to_write(agent):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert browser.get(URL).status_code == 200
    assert send(browser, "post", URL, {"first_name": "Karim"}).status_code == 403
    assert not Contact.objects.exists()


def test_a_token_needs_no_csrf_token(agent_token):
    from django.test import Client

    response = send(
        Client(enforce_csrf_checks=True),
        "post",
        URL,
        {"first_name": "Karim"},
        **bearer(agent_token),
    )
    assert response.status_code == 201


def test_an_outsider_without_the_permission_gets_403(outsider, outsider_client, rahim):
    token = do_issue_api_token(outsider, "tests")
    assert outsider_client.get(URL).status_code == 403
    assert outsider_client.get(f"{URL}/{rahim.pk}").status_code == 403
    assert client_get_with(token, f"{URL}/lookup?phone=01712345678").status_code == 403
    response = send(outsider_client, "post", URL, {"first_name": "Karim"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert (
        send(outsider_client, "post", f"{URL}/{rahim.pk}/notes", {"text": "hi"}).status_code == 403
    )
    assert not Contact.objects.filter(first_name="Karim").exists()


def client_get_with(token, url):
    from django.test import Client

    return Client().get(url, **bearer(token))


# Reading


def test_it_reads_a_contact_with_its_phones_emails_and_tags(agent_client, rahim):
    body = agent_client.get(f"{URL}/{rahim.pk}").json()
    assert body["display_name"] == "রহিম আহমেদ"
    assert body["phones"] == [{"raw": "01712-345678", "e164": "+8801712345678", "kind": "mobile"}]
    assert body["emails"] == ["rahim@example.com"]
    assert body["tags"] == ["VIP"]
    assert body["merged_into_id"] is None


def test_an_unknown_contact_is_404(agent_client):
    response = agent_client.get(f"{URL}/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=হিম", ["রহিম আহমেদ"]),
        ("q=AARONG", ["Aarong Ltd"]),
        ("q=+880 1712 345678", ["রহিম আহমেদ"]),
        ("phone=8801712345678", ["রহিম আহমেদ"]),
        ("phone=345678", ["রহিম আহমেদ"]),
        ("tag=vip", ["রহিম আহমেদ"]),
        ("organization=aarong ltd", ["Aarong Ltd"]),
        ("q=nobody", []),
    ],
)
def test_it_searches_by_name_phone_tag_and_organization(
    agent_client, rahim, aarong, query, expected
):
    from urllib.parse import quote

    key, value = query.split("=", 1)
    body = agent_client.get(f"{URL}?{key}={quote(value)}").json()
    assert [c["display_name"] for c in body["items"]] == expected
    assert body["total"] == len(expected)


def test_it_pages_with_limit_and_offset_and_gives_the_total(agent_client):
    for i in range(7):
        check_create_contact(ContactData(first_name=f"Customer {i}"))
    body = agent_client.get(f"{URL}?limit=3&offset=3").json()
    assert body["total"] == 7
    assert (body["limit"], body["offset"]) == (3, 3)
    assert [c["first_name"] for c in body["items"]] == ["Customer 3", "Customer 4", "Customer 5"]


def test_a_limit_out_of_range_is_422(agent_client):
    assert agent_client.get(f"{URL}?limit=0").status_code == 422
    assert agent_client.get(f"{URL}?limit=100000").status_code == 422
    assert agent_client.get(f"{URL}?offset=-1").status_code == 422


def test_a_phone_filter_with_too_few_digits_is_422(agent_client):
    assert ("query", "phone") in fields_in_error(agent_client.get(f"{URL}?phone=12"))


def test_the_list_does_not_show_merged_contacts(agent_client, rahim):
    other = check_create_contact(ContactData(first_name="Rahim", phones=["01812-000111"]))
    check_merge_contacts(rahim, other)
    body = agent_client.get(URL).json()
    assert [c["id"] for c in body["items"]] == [rahim.pk]
    assert agent_client.get(f"{URL}/{other.pk}").json()["merged_into_id"] == rahim.pk


def test_the_list_costs_the_same_queries_for_three_contacts_or_thirty(
    agent_client, django_assert_max_num_queries
):
    def add(count):
        for i in range(count):
            check_create_contact(
                ContactData(first_name=f"Karim {i}", phones=[f"0171200{i:04d}"], tags=["a", "b"])
            )

    add(3)
    # Session, user, permissions (2), the SQLite index probe, count, page, phones, emails, tags.
    with django_assert_max_num_queries(10):
        assert len(agent_client.get(f"{URL}?q=karim").json()["items"]) == 3
    add(27)
    with django_assert_max_num_queries(10):
        assert len(agent_client.get(f"{URL}?q=karim").json()["items"]) == 30


# Looking up by phone


@pytest.mark.parametrize("phone", ["01712-345678", "+880 1712 345678", "8801712345678"])
def test_lookup_finds_the_contact_by_phone_in_any_format(client, agent_token, rahim, phone):
    from urllib.parse import quote

    response = client.get(f"{URL}/lookup?phone={quote(phone)}", **bearer(agent_token))
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [rahim.pk]


def test_lookup_of_an_unknown_number_finds_nobody(agent_client, rahim):
    response = agent_client.get(f"{URL}/lookup?phone=01812345678")
    assert response.status_code == 200
    assert response.json() == []


def test_lookup_of_an_invalid_number_is_422_with_the_reason(agent_client):
    errors = fields_in_error(agent_client.get(f"{URL}/lookup?phone=12345"))
    assert "not a valid phone number" in errors[("query", "phone")]


def test_lookup_without_a_phone_is_422(agent_client):
    assert ("query", "phone") in fields_in_error(agent_client.get(f"{URL}/lookup"))


# Writing


def test_it_creates_a_contact(client, agent, agent_token):
    response = send(
        client,
        "post",
        URL,
        {"first_name": "Karim", "last_name": "Uddin", "phones": ["01911-222333"], "tags": ["new"]},
        **bearer(agent_token),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["display_name"] == "Karim Uddin"
    assert body["phones"][0]["e164"] == "+8801911222333"
    assert body["tags"] == ["new"]
    assert Contact.objects.get(pk=body["id"]).search_name == "karim uddin"


def test_creating_a_contact_without_a_name_is_422_naming_the_field(agent_client):
    errors = fields_in_error(send(agent_client, "post", URL, {"phones": ["01712345678"]}))
    assert ("body", "payload", "first_name") in errors
    assert not Contact.objects.exists()


def test_creating_an_organization_without_its_name_is_422(agent_client):
    errors = fields_in_error(send(agent_client, "post", URL, {"kind": "organization"}))
    assert ("body", "payload", "organization") in errors


def test_an_invalid_phone_is_422_with_the_reason(agent_client):
    response = send(agent_client, "post", URL, {"first_name": "Karim", "phones": ["12345"]})
    errors = fields_in_error(response)
    assert "not a valid phone number" in errors[("body", "payload", "phones")]


def test_a_field_of_the_wrong_type_is_422_in_the_same_shape(agent_client):
    response = send(agent_client, "post", URL, {"first_name": "Karim", "phones": "01712345678"})
    assert ("body", "payload", "phones") in fields_in_error(response)
    response = send(agent_client, "post", URL, {"first_name": "Karim", "kind": "robot"})
    assert ("body", "payload", "kind") in fields_in_error(response)


def test_a_body_that_is_not_json_is_refused_with_400(agent_client):
    response = agent_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_put_replaces_the_whole_contact(agent_client, rahim):
    response = send(
        agent_client,
        "put",
        f"{URL}/{rahim.pk}",
        {"first_name": "Rahim", "last_name": "Ahmed", "phones": ["01812-000111"]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Rahim Ahmed"
    assert [p["e164"] for p in body["phones"]] == ["+8801812000111"]
    assert body["emails"] == [] and body["tags"] == []


def test_patch_changes_only_the_fields_sent(agent_client, rahim):
    response = send(agent_client, "patch", f"{URL}/{rahim.pk}", {"do_not_call": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["do_not_call"] is True
    assert body["display_name"] == "রহিম আহমেদ"
    assert body["phones"][0]["raw"] == "01712-345678"
    assert body["emails"] == ["rahim@example.com"] and body["tags"] == ["VIP"]


def test_patch_with_a_bad_phone_is_422_and_changes_nothing(agent_client, rahim):
    response = send(agent_client, "patch", f"{URL}/{rahim.pk}", {"phones": ["abc"]})
    assert ("body", "payload", "phones") in fields_in_error(response)
    assert rahim.phones.get().e164 == "+8801712345678"


def test_updating_an_unknown_contact_is_404(agent_client):
    assert send(agent_client, "patch", f"{URL}/424242", {"first_name": "X"}).status_code == 404


def test_updating_a_merged_contact_is_409(agent_client, rahim):
    other = check_create_contact(ContactData(first_name="Rahim"))
    check_merge_contacts(rahim, other)
    response = send(agent_client, "patch", f"{URL}/{other.pk}", {"first_name": "X"})
    assert response.status_code == 409
    assert str(rahim.pk) in response.json()["detail"]


def test_it_adds_a_note_to_the_timeline(client, agent, agent_token, rahim):
    response = send(
        client,
        "post",
        f"{URL}/{rahim.pk}/notes",
        {"text": "Wants the blue saree."},
        **bearer(agent_token),
    )
    assert response.status_code == 201
    assert response.json()["author_id"] == agent.pk
    note = rahim.activities.get()
    assert (note.kind, note.text) == (ActivityKind.NOTE, "Wants the blue saree.")
    timeline = client.get(f"{URL}/{rahim.pk}/activities", **bearer(agent_token)).json()
    assert [a["text"] for a in timeline] == ["Wants the blue saree."]


def test_an_empty_note_is_422(agent_client, rahim):
    errors = fields_in_error(send(agent_client, "post", f"{URL}/{rahim.pk}/notes", {"text": "  "}))
    assert ("body", "payload", "text") in errors


# Documentation and tokens


def test_every_endpoint_is_in_the_openapi_schema_with_its_types(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/contacts"]) == {"get", "post"}
    assert set(paths["/api/contacts/{contact_id}"]) == {"get", "put", "patch"}
    assert set(paths["/api/contacts/lookup"]) == {"get"}
    assert set(paths["/api/contacts/{contact_id}/notes"]) == {"post"}
    assert set(paths["/api/contacts/{contact_id}/activities"]) == {"get"}
    components = schema["components"]["schemas"]
    assert {"ContactOut", "ContactIn", "ContactPatch", "ContactPage", "NoteIn"} <= set(components)
    listing = paths["/api/contacts"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "q",
        "phone",
        "tag",
        "organization",
        "limit",
        "offset",
    }
    assert {"200", "401", "403", "422"} <= set(listing["responses"])
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_opens(client):
    assert client.get("/api/docs").status_code == 200


def test_issue_token_prints_a_token_that_works(client, agent, capsys):
    call_command("issue_token", "rahim", "PBX screen pop")
    token = capsys.readouterr().out.strip()
    assert token.startswith("sb_")
    assert client.get(URL, **bearer(token)).status_code == 200
    assert agent.api_tokens.get().name == "PBX screen pop"


def test_issue_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issue_token", "nobody", "x")
