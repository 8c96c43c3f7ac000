"""An operator takes an order on the desk for the caller of the current call."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from switchboard.acd.models import AgentProfile
from switchboard.calls.models import Call
from switchboard.orders.models import Order
from tests.shop import customer, make_promotion, shop, vip_customer  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_takes_an_order_on_the_desk_and_reads_back_its_number(
    page,
    log_in,
    agent,
    shop,  # noqa: F811
    vip_customer,  # noqa: F811 (fixtures of tests/shop.py)
):
    AgentProfile.objects.create(user=agent)
    make_promotion(
        name_en="VIP sarees",
        kind="percent",
        value=D("15"),
        scope="categories",
        categories=[shop["SAR-001"].category],
        tags=["vip"],
    )
    call = Call.objects.create(
        caller_number="+8801812345678",
        dialed_number="+8809612345678",
        agent=agent,
        contact=vip_customer,
        arrived_at=timezone.now(),
    )
    log_in(agent, "/desk/")
    panel = page.locator("#panel-orders")
    panel.get_by_text("No call right now").wait_for()

    # What desk.js does when the engine connects a call to this desk.
    page.evaluate(
        """(id) => { document.getElementById("desk").dataset.call = id;
                     htmx.trigger(document.body, "deskcall", {call: id}); }""",
        str(call.pk),
    )
    panel.get_by_text("VIP sarees").first.wait_for()

    search = panel.get_by_label("Find a product (name in either script, or SKU)")
    search.click()
    page.keyboard.type("জামদানি")
    add = panel.get_by_role("button", name="Add")
    add.wait_for()
    add.focus()
    page.keyboard.press("Enter")
    panel.locator(".promotion-applied", has_text="VIP sarees: −৳375.00").wait_for()
    assert panel.locator(".order-total").inner_text() == "৳2,125.00"

    panel.get_by_label("Quantity").fill("2")
    panel.get_by_label("Quantity").press("Tab")
    panel.locator(".order-total", has_text="৳4,250.00").wait_for()

    panel.get_by_role("button", name="Confirm order").click()
    number = panel.locator(".order-number.big")
    number.wait_for()
    order = Order.objects.get()
    assert number.inner_text() == order.display_number
    assert order.call_id == call.pk and order.total == D("4250.00")

    page.goto(f"/contacts/{vip_customer.pk}/")
    assert page.locator(".timeline .entry-order", has_text=order.display_number).is_visible()
    page.goto("/orders/")
    assert page.get_by_role("link", name=order.display_number).is_visible()
