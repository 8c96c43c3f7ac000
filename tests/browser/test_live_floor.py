"""The live floor end to end: the real server (and, on PostgreSQL with Redis, a separate
engine process), real WebSockets, a real browser per person, a virtual caller."""

import pytest

from tests.browser.live_floor import start_live_floor

pytestmark = pytest.mark.slow

DEMO = {
    "agent1": "agent1-demo-2026",
    "agent2": "agent2-demo-2026",
    "supervisor": "supervisor-demo-2026",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    floor, stop = start_live_floor(tmp_path_factory.mktemp("live-floor"))
    yield floor
    stop()


def _person(browser, live, username):
    context = browser.new_context(base_url=live.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO[username])
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_a_virtual_call_pops_the_callers_card_and_the_call_lands_on_the_timeline(browser, live):
    status, contacts = live.api("GET", "/api/contacts?q=Rahim&limit=1")
    assert status == 200
    contact = contacts["items"][0]
    desk = _person(browser, live, "agent1")
    other_desk = _person(browser, live, "agent2")
    wall = _person(browser, live, "supervisor")
    desk.goto("/desk/")
    other_desk.goto("/desk/")
    wall.goto("/floor/")
    for page in (desk, other_desk, wall):
        page.locator("#connection.ok").wait_for()
    agent1 = desk.locator("#desk").get_attribute("data-user")

    # The agent goes available; the supervisor sees it within a second.
    desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()
    wall.locator(f'tr[data-agent="{agent1}"] [data-state="available"]').wait_for(timeout=1_000)

    # A caller rings, presses 2 (English) then 1 (orders); the desk rings and pops the card.
    status, _ = live.api(
        "POST",
        "/api/floor/virtual-calls",
        {
            "caller": contact["phones"][0]["e164"],
            "digits": ["2", "1"],
            "talk_s": 600,
            "patience_s": 600,
        },
    )
    assert status == 202
    desk.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    desk.locator(f'#pop .pop-card[data-contact="{contact["id"]}"]').wait_for()
    assert contact["display_name"] in desk.locator("#pop").inner_text()
    # The other agent, not available, sees nothing of it.
    assert other_desk.locator("#offer").is_hidden()

    desk.locator("#accept").click()
    desk.locator("#call-controls:not([hidden])").wait_for()
    wall.locator(f'tr[data-agent="{agent1}"] [data-state="on_call"]').wait_for()
    desk.locator("#hang-up").click()
    form = desk.locator("#disposition-form")
    form.locator("button[type=submit]:enabled").wait_for()
    form.locator('input[name="disposition"]').first.check()
    form.locator("#call-notes").fill("Wants the blue saree in size M")
    form.locator("button[type=submit]").click()
    desk.locator("#wrapup .notice.ok").wait_for()
    assert other_desk.locator("#call-controls").is_hidden()

    # The contact's timeline shows the call with its note.
    desk.goto(f"/contacts/{contact['id']}/")
    timeline = desk.locator("#timeline")
    timeline.get_by_text("Wants the blue saree in size M").wait_for()
    status, calls = live.api(
        "GET", f"/api/calls?caller={contact['phones'][0]['e164'].replace('+', '%2B')}"
    )
    [call] = calls["items"]
    assert call["outcome"] == "answered"
    assert call["queue"] == "orders"
    assert call["ivr_choices"] == ["2", "1"]
    assert call["language"] == "en"
    assert call["answered_at"] and call["ended_at"] and call["disposition"]


def test_during_a_virtual_call_the_operator_takes_an_order_with_its_promotion(browser, live):
    status, contacts = live.api("GET", "/api/contacts?q=Sadia&limit=1")
    contact = contacts["items"][0]
    # Only agent2 takes calls in this test.
    other = _person(browser, live, "agent1")
    other.goto("/desk/")
    other.locator("#connection.ok").wait_for()
    other.locator('[data-command="log_out"]').click()
    other.locator('#state[data-state="logged_out"]').wait_for()

    desk = _person(browser, live, "agent2")
    desk.goto("/desk/")
    desk.locator("#connection.ok").wait_for()
    desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()
    status, _ = live.api(
        "POST",
        "/api/floor/virtual-calls",
        {
            "caller": contact["phones"][0]["e164"],
            "digits": ["2", "1"],
            "talk_s": 600,
            "patience_s": 600,
        },
    )
    assert status == 202
    desk.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    desk.locator("#accept").click()
    desk.locator("#call-controls:not([hidden])").wait_for()

    panel = desk.locator("#panel-orders")
    panel.get_by_label("Find a product (name in either script, or SKU)").fill("Pillow cover")
    add = panel.get_by_role("button", name="Add")
    add.first.click()
    panel.locator(".promotion-applied", has_text="Winter bedding week").wait_for()
    panel.get_by_role("button", name="Confirm order").click()
    number = panel.locator(".order-number.big")
    number.wait_for()
    order_number = number.inner_text().strip()
    desk.locator("#hang-up").click()
    form = desk.locator("#disposition-form")
    form.locator("button[type=submit]:enabled").wait_for()
    form.locator('input[name="disposition"]').first.check()
    form.locator("button[type=submit]").click()
    desk.locator("#wrapup .notice.ok").wait_for()

    status, orders = live.api("GET", f"/api/orders?contact={contact['id']}")
    assert status == 200
    [summary] = [o for o in orders["items"] if o["display_number"] == order_number]
    status, order = live.api("GET", f"/api/orders/{summary['number']}")
    assert order["status"] == "confirmed"
    status, calls = live.api(
        "GET", f"/api/calls?caller={contact['phones'][0]['e164'].replace('+', '%2B')}"
    )
    assert order["call_id"] == calls["items"][0]["id"]  # tied to the call it was taken on
    desk.goto(f"/contacts/{contact['id']}/")
    desk.locator(".timeline .entry-order", has_text=order_number).wait_for()


def test_a_forwarded_complaint_arrives_with_its_ticket_on_the_department_members_desk(
    browser, live
):
    status, contacts = live.api("GET", "/api/contacts?q=Karim&limit=1")
    contact = contacts["items"][0]
    # agent1 takes complaints; agent2 is the delivery department's member.
    desk = _person(browser, live, "agent1")
    member = _person(browser, live, "agent2")
    for page in (desk, member):
        page.goto("/desk/")
        page.locator("#connection.ok").wait_for()
    member.locator('[data-command="log_out"]').click()
    member.locator('#state[data-state="logged_out"]').wait_for()
    desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()

    status, _ = live.api(
        "POST",
        "/api/floor/virtual-calls",
        {
            "caller": contact["phones"][0]["e164"],
            "digits": ["2", "2"],
            "talk_s": 600,
            "patience_s": 600,
        },
    )
    desk.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    desk.locator("#accept").click()
    desk.locator("#call-controls:not([hidden])").wait_for()

    panel = desk.locator("#panel-tickets")
    panel.locator("select[name=category]").select_option("delivery")
    panel.locator("select[name=severity]").select_option("high")
    panel.locator("input[name=subject]").fill("Parcel arrived broken")
    panel.locator("[name=demand]").fill("A new glass set")
    panel.locator("form button[type=submit].primary").first.click()
    attached = panel.locator(".attached-ticket")
    attached.wait_for()
    member.locator("#go-available").click()
    member.locator('#state[data-state="available"]').wait_for()
    status, departments = live.api("GET", "/api/departments")
    [delivery] = [d for d in departments if d["code"] == "delivery"]
    forward = attached.locator('form[hx-post*="forward"]')
    forward.locator("select").select_option(str(delivery["id"]))
    forward.locator("button").click()

    # The engine transfers the call to the department's queue; its member is offered it.
    member.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    member.locator("#accept").click()
    member.locator("#call-controls:not([hidden])").wait_for()
    theirs = member.locator("#panel-tickets .attached-ticket")
    theirs.wait_for()
    assert "Parcel arrived broken" in theirs.inner_text()
    assert "A new glass set" in theirs.inner_text()
    status, calls = live.api(
        "GET", f"/api/calls?caller={contact['phones'][0]['e164'].replace('+', '%2B')}"
    )
    [call] = calls["items"]
    assert call["queue"] == "dept_delivery"
    assert call["transfer_chain"]
