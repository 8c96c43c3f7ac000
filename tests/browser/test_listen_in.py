"""The floor's Listen / Whisper / Barge in, in a real browser, by keyboard. On the
virtual carrier (no audio) the engine refuses, and the page says why; the audio itself is
tested over SIP (tests/telephony/sip/test_monitor*.py)."""

import pytest

from tests.browser.live_floor import start_live_floor
from tests.browser.test_live_floor import _person

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    floor, stop = start_live_floor(tmp_path_factory.mktemp("listen-in"))
    yield floor
    stop()


def test_a_supervisor_reaches_listen_by_keyboard_and_is_told_the_virtual_carrier_cannot(
    browser, live
):
    desk = _person(browser, live, "agent1")
    wall = _person(browser, live, "supervisor")
    desk.goto("/desk/")
    wall.goto("/floor/")
    for page in (desk, wall):
        page.locator("#connection.ok").wait_for()
    desk.locator("#go-available").click()
    desk.locator('#state[data-state="available"]').wait_for()
    status, _ = live.api(
        "POST",
        "/api/floor/virtual-calls",
        {"digits": ["2", "1"], "talk_s": 600, "patience_s": 600},
    )
    assert status == 202
    desk.locator("#offer:not([hidden])").wait_for(timeout=30_000)
    row = wall.locator("#call-table tr[data-call]")
    # Ringing: nothing to listen to yet.
    assert row.locator('[data-role="monitor"]:visible').count() == 0
    desk.locator("#accept").click()
    desk.locator("#call-controls:not([hidden])").wait_for()

    listen = row.locator('[data-role="monitor"][data-mode="listen"]')
    listen.wait_for()  # shown once the call is connected
    visible = row.locator('[data-role="monitor"]:visible')
    assert [visible.nth(i).get_attribute("data-mode") for i in range(visible.count())] == [
        "listen",
        "whisper",
        "barge",
    ]
    listen.focus()
    wall.keyboard.press("Enter")
    error = wall.locator("#floor-error")
    error.wait_for()
    # The demo supervisor reads Bengali: the refusal names SIP in either language.
    assert "SIP" in error.inner_text()
    desk.locator("#hang-up").click()
