import pytest

from switchboard.contacts.actions import ContactData, check_create_contact
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_agent_logs_in_by_keyboard_and_sees_the_contact_list_in_both_languages(
    page, agent
):
    check_create_contact(ContactData(first_name="রহিম", last_name="আহমেদ", phones=["01712345678"]))
    check_create_contact(ContactData(first_name="Karim", last_name="Uddin", phones=["01812345678"]))

    page.goto("/")
    page.get_by_label("Username").fill("rahim")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Contacts").wait_for()
    assert page.get_by_role("link", name="রহিম আহমেদ").is_visible()

    page.get_by_role("button", name="বাংলা").click()
    page.get_by_role("heading", name="পরিচিতি").wait_for()
    assert page.locator("html").get_attribute("lang") == "bn"


def test_search_narrows_the_list_as_the_agent_types(page, log_in, agent):
    check_create_contact(ContactData(first_name="রহিম", last_name="আহমেদ", phones=["01712345678"]))
    check_create_contact(ContactData(first_name="Karim", last_name="Uddin", phones=["01812345678"]))
    log_in(agent, "/contacts/")
    page.keyboard.press("/")
    page.keyboard.type("karim")
    page.get_by_role("link", name="রহিম আহমেদ").wait_for(state="detached")
    assert page.get_by_role("link", name="Karim Uddin").is_visible()
    assert "q=karim" in page.url
