import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from switchboard.contacts.actions import (
    ContactData,
    check_add_note,
    check_create_contact,
    check_merge_contacts,
    find_by_phone,
    find_duplicates,
)
from switchboard.contacts.models import Activity, Contact, ContactKind, Phone

pytestmark = pytest.mark.django_db


def make(first="Rahim", last="Ahmed", phones=("01712-345678",), **extra):
    return check_create_contact(
        ContactData(first_name=first, last_name=last, phones=list(phones), **extra)
    )


def test_a_person_needs_at_least_one_name():
    with pytest.raises(ValidationError) as err:
        check_create_contact(ContactData(phones=["01712345678"]))
    assert "first_name" in err.value.error_dict
    assert Contact.objects.count() == 0


def test_a_patronymic_alone_is_a_name():
    contact = check_create_contact(ContactData(patronymic="Abdullah"))
    assert contact.display_name == "Abdullah"


def test_an_organization_needs_its_name():
    with pytest.raises(ValidationError) as err:
        check_create_contact(ContactData(kind=ContactKind.ORGANIZATION, first_name="Rahim"))
    assert "organization" in err.value.error_dict


def test_an_invalid_phone_is_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError) as err:
        make(phones=["01712345678", "12"])
    assert "is not a valid phone number" in str(err.value.error_dict["phones"])
    assert Contact.objects.count() == 0
    assert Phone.objects.count() == 0


def test_the_phone_is_kept_as_entered_and_in_e164():
    contact = make(phones=["01712-345678"])
    phone = contact.phones.get()
    assert (phone.raw, phone.e164) == ("01712-345678", "+8801712345678")


@pytest.mark.parametrize("typed", ["01712-345678", "+880 1712 345678", "8801712345678"])
def test_lookup_by_phone_finds_the_contact_in_any_format(typed):
    contact = make(phones=["01712345678"])
    assert find_by_phone(typed) == [contact]


def test_two_contacts_sharing_a_phone_are_flagged_as_duplicates():
    first = make()
    second = make(first="R.", last="Ahmed", phones=["+8801712345678"])
    other = make(first="Karim", phones=["01812345678"])
    assert find_duplicates(first) == [second]
    assert other not in find_duplicates(first)


def test_two_organizations_with_the_same_name_are_flagged_as_duplicates():
    a = check_create_contact(
        ContactData(kind=ContactKind.ORGANIZATION, organization="Padma Traders")
    )
    b = check_create_contact(
        ContactData(kind=ContactKind.ORGANIZATION, organization="padma traders")
    )
    assert find_duplicates(a) == [b]


def test_merging_keeps_every_phone_note_and_activity(agent):
    keep = make(phones=["01712345678"], emails=["rahim@example.com"], tags=["vip"])
    other = make(
        first="Rahim",
        last="",
        phones=["01712345678", "01812345678"],
        patronymic="Abdul",
        tags=["wholesale"],
        do_not_call=True,
    )
    check_add_note(keep, "Asked about sarees", author=agent)
    check_add_note(other, "Complained about delivery", author=agent)

    merged = check_merge_contacts(keep, other, author=agent)

    assert sorted(merged.phones.values_list("e164", flat=True)) == [
        "+8801712345678",
        "+8801812345678",
    ]
    assert set(merged.tags.values_list("name", flat=True)) == {"vip", "wholesale"}
    texts = set(Activity.objects.filter(contact=merged).values_list("text", flat=True))
    assert {"Asked about sarees", "Complained about delivery"} <= texts
    assert merged.patronymic == "Abdul"
    assert merged.do_not_call is True
    other.refresh_from_db()
    assert other.merged_into == merged
    assert find_by_phone("01812345678") == [merged]


def test_a_contact_cannot_be_merged_twice():
    keep, other, third = make(), make(phones=["01812345678"]), make(phones=["01912345678"])
    check_merge_contacts(keep, other)
    with pytest.raises(ValidationError):
        check_merge_contacts(third, Contact.objects.get(pk=other.pk))


def test_the_list_page_searches_bengali_names(agent_client):
    make(first="রহিম", last="আহমেদ", phones=["01712345678"])
    make(first="Karim", last="Uddin", phones=["01812345678"])
    page = agent_client.get(reverse("contacts:list"), {"q": "হিম"}).content.decode()
    assert "রহিম আহমেদ" in page
    assert "Karim" not in page


def test_the_list_page_runs_a_fixed_number_of_queries(agent_client, django_assert_max_num_queries):
    for i in range(30):
        make(first=f"Person{i}", phones=[f"017123456{i:02d}"], tags=["vip", "new"])
    with django_assert_max_num_queries(12):
        response = agent_client.get(reverse("contacts:list"))
    assert response.status_code == 200


def test_an_agent_creates_a_contact_from_the_form(agent_client, agent):
    response = agent_client.post(
        reverse("contacts:create"),
        {
            "kind": "person",
            "first_name": "Sadia",
            "last_name": "Islam",
            "phones": "01712-345678",
            "emails": "",
            "tags": "vip, new",
            "recording_consent": "on",
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.owner == agent
    assert set(contact.tags.values_list("name", flat=True)) == {"vip", "new"}


def test_the_form_shows_the_reason_for_an_invalid_phone(agent_client):
    response = agent_client.post(
        reverse("contacts:create"),
        {
            "kind": "person",
            "first_name": "Sadia",
            "phones": "12345",
        },
    )
    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_note_appears_on_the_timeline(agent_client):
    contact = make()
    agent_client.post(
        reverse("contacts:add_note", args=[contact.pk]), {"text": "Wants a callback at 5pm"}
    )
    page = agent_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Wants a callback at 5pm" in page


def test_an_empty_note_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        check_add_note(make(), "   ", author=None)


def test_an_agent_cannot_merge_but_a_supervisor_can(agent_client, supervisor_client):
    keep, other = make(), make(phones=["01712345678", "01812345678"])
    url = reverse("contacts:merge", args=[keep.pk])
    assert agent_client.post(url, {"other": other.pk, "confirm": "yes"}).status_code == 403
    assert supervisor_client.post(url, {"other": other.pk, "confirm": "yes"}).status_code == 302
    assert Contact.objects.get(pk=other.pk).merged_into_id == keep.pk


def test_an_old_link_to_a_merged_contact_leads_to_the_kept_one(agent_client):
    keep, other = make(), make(phones=["01812345678"])
    check_merge_contacts(keep, other)
    response = agent_client.get(reverse("contacts:detail", args=[other.pk]))
    assert response["Location"] == reverse("contacts:detail", args=[keep.pk])


def test_a_user_without_a_role_sees_no_contacts(outsider_client):
    assert outsider_client.get(reverse("contacts:list")).status_code == 403
