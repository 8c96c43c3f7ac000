"""Click-to-call end to end: the real server with its virtual carrier (every called person
is busy here), an agent's browser with the desk in one tab and a contact's page in another."""

import pytest

from tests.browser.live_floor import start_live_floor

pytestmark = pytest.mark.slow

PASSWORD = "agent1-demo-2026"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    floor, stop = start_live_floor(
        tmp_path_factory.mktemp("click-to-call"),
        extra_env={"SWITCHBOARD_SIM_OUTBOUND_ODDS": "0,1,0", "SWITCHBOARD_SIM_SPEED": "10"},
    )
    yield floor
    stop()


def test_an_agent_calls_a_contact_from_their_page_and_the_busy_outcome_is_recorded(browser, live):
    status, contacts = live.api("GET", "/api/contacts?do_not_call=false&limit=20")
    assert status == 200
    contact = next(c for c in contacts["items"] if c["phones"] and not c["do_not_call"])
    number = contact["phones"][0]["e164"]

    context = browser.new_context(base_url=live.url)
    context.set_default_timeout(10_000)
    desk = context.new_page()
    desk.goto("/accounts/login/")
    desk.locator("#id_username").fill("agent1")
    desk.locator("#id_password").fill(PASSWORD)
    desk.locator("#id_password").press("Enter")
    desk.wait_for_url(lambda url: "/accounts/login/" not in url)
    desk.goto("/desk/")
    desk.locator("#connection.ok").wait_for()
    desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()

    # On the contact's page, the agent reaches the number's call button by keyboard.
    card = context.new_page()
    card.goto(f"/contacts/{contact['id']}/")
    # (agent1 reads Bengali: find the button by what it dials, not by its words)
    button = card.locator(f'form:has(input[name="number"][value="{number}"]) button.dial')
    button.focus()
    button.press("Enter")
    card.wait_for_url(lambda url: url.endswith("/desk/"))
    assert number in card.locator(".messages").inner_text()

    # The desk shows the call, then its outcome, and asks for the disposition.
    outcome = desk.locator('#call-outcome[data-outcome="busy"]')
    outcome.wait_for(timeout=20_000)
    form = desk.locator("#disposition-form")
    form.locator("button[type=submit]:enabled").wait_for()
    form.locator('input[name="disposition"]').first.check()
    form.locator("#call-notes").fill("Line busy: try again after lunch")
    form.locator("button[type=submit]").click()
    desk.locator('#state[data-state="available"]').wait_for(timeout=15_000)

    status, calls = live.api("GET", "/api/calls?outcome=busy")
    assert status == 200
    [record] = calls["items"]
    assert (record["direction"], record["dialed_number"]) == ("outbound", number)
    assert record["contact_id"] == contact["id"] and record["disposition"]
    assert record["notes"] == "Line busy: try again after lunch"
    context.close()


def test_an_agent_transfers_a_caller_to_an_outside_number_and_the_record_says_so(browser, live):
    context = browser.new_context(base_url=live.url)
    context.set_default_timeout(10_000)
    desk = context.new_page()
    desk.goto("/accounts/login/")
    desk.locator("#id_username").fill("agent1")
    desk.locator("#id_password").fill(PASSWORD)
    desk.locator("#id_password").press("Enter")
    desk.wait_for_url(lambda url: "/accounts/login/" not in url)
    desk.goto("/desk/")
    desk.locator("#connection.ok").wait_for()
    if desk.locator("#state").get_attribute("data-state") != "available":
        desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()

    # A patient caller: a random patience (divided by the simulator's speed) could hang up
    # before a loaded browser shows the offer.
    status, _ = live.api(
        "POST",
        "/api/floor/virtual-calls",
        {"digits": ["2", "1"], "talk_s": 600, "patience_s": 600},
    )
    assert status == 202
    desk.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    desk.locator("#accept").click()
    desk.locator("#call-controls:not([hidden])").wait_for()

    # A bad number is refused on the desk, and the call goes on.
    desk.locator("#transfer-number").fill("12")
    desk.locator("#transfer-out").click()
    error = desk.locator("#desk-error:not([hidden])")
    error.wait_for()
    assert "12" in error.inner_text()  # the message quotes what was typed
    assert desk.locator("#call-controls").is_visible()

    desk.locator("#transfer-number").fill("01811-000002")
    desk.locator("#transfer-number").press("Tab")
    desk.keyboard.press("Enter")  # the transfer button, reached by keyboard
    desk.locator('#call-outcome[data-outcome="transferred"]').wait_for()

    status, calls = live.api("GET", "/api/calls?outcome=transferred")
    assert status == 200
    [record] = calls["items"]
    assert [step["to_number"] for step in record["transfer_chain"]] == ["+8801811000002"]
    context.close()
