"""Take the README's screenshots of the desk and the floor from a running demo.

    .venv/bin/python scripts/screenshots.py

Starts the product on a scratch database (bots on, a busy virtual carrier), lets an
agent take a virtual call, and saves docs/img/desk.png and docs/img/floor.png.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.live_floor import start_live_floor  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        floor, stop = start_live_floor(Path(tmp), calls_per_hour=1500, bots=True, language="en")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                desk = _log_in(browser, floor, "agent1", "agent1-demo-2026")
                wall = _log_in(browser, floor, "supervisor", "supervisor-demo-2026")
                desk.goto("/desk/")
                desk.locator("#connection.ok").wait_for()
                desk.locator("#go-available").click()
                status, contacts = floor.api("GET", "/api/contacts?q=Rahim&limit=1")
                floor.api("POST", "/api/floor/virtual-calls", {
                    "caller": contacts["items"][0]["phones"][0]["e164"], "digits": ["2", "1"], "talk_s": 900,
                })
                desk.locator("#offer:not([hidden])").wait_for(timeout=60_000)
                desk.locator("#accept").click()
                desk.locator("#call-controls:not([hidden])").wait_for()
                time.sleep(4)
                desk.screenshot(path=str(ROOT / "docs/img/desk.png"), full_page=True)
                wall.goto("/floor/")
                time.sleep(8)
                wall.screenshot(path=str(ROOT / "docs/img/floor.png"), full_page=True)
                browser.close()
        finally:
            stop()


def _log_in(browser, floor, username, password):
    page = browser.new_context(base_url=floor.url, viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


if __name__ == "__main__":
    main()
