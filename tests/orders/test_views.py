"""The order pages through HTTP: the form from a contact's page, the desk panel, the list
and the detail with status changes and cancellation."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from switchboard.calls.models import Call
from switchboard.catalog.models import Product
from switchboard.orders.actions import LineInput, OrderData, check_create_order
from switchboard.orders.models import Order, OrderStatus
from tests.shop import make_promotion

pytestmark = pytest.mark.django_db


def place(contact, sku="LUN-001", qty=1, author=None):
    return check_create_order(
        OrderData(contact=contact, lines=[LineInput(sku, qty)]), author=author, confirm=True
    )


def form_post(client, contact, lines, **extra):
    data = {
        "contact": contact.pk,
        "line_sku": [s for s, _ in lines],
        "line_qty": [q for _, q in lines],
        "delivery_method": "home",
        "payment_method": "cod",
        **extra,
    }
    return client.post(reverse("orders:form"), data, HTTP_HX_REQUEST="true")


def test_adding_a_product_prices_the_line_with_its_promotion(agent_client, shop, customer):
    make_promotion(
        name_en="Saree week",
        kind="percent",
        value=D("10"),
        scope="products",
        products=[shop["SAR-001"]],
    )
    page = form_post(agent_client, customer, [], add="sar-001").content.decode()
    assert 'name="line_sku" value="SAR-001"' in page
    assert "Saree week: −৳250.00" in page
    assert "৳2,250.00" in page


def test_a_bad_quantity_is_shown_on_its_line_and_nothing_is_placed(agent_client, shop, customer):
    page = form_post(agent_client, customer, [("SAR-001", "-2")], step="confirm").content.decode()
    assert "The quantity is a whole number from 1 to 10000." in page
    assert Order.objects.count() == 0


def test_an_unknown_code_is_shown_next_to_its_field(agent_client, shop, customer):
    page = form_post(agent_client, customer, [("LUN-001", "1")], promo_code="NOPE").content.decode()
    assert "There is no promo code “NOPE”." in page


def test_confirming_from_the_form_shows_the_number_to_read_back(
    agent_client, agent, shop, customer
):
    response = form_post(agent_client, customer, [("LUN-001", "2")], step="confirm")
    order = Order.objects.get()
    assert response["HX-Retarget"] == "#order-widget"
    assert order.display_number in response.content.decode()
    assert order.created_by == agent
    assert order.total == D("900.00")


def test_out_of_stock_at_confirmation_is_a_clear_error_on_the_line(agent_client, shop, customer):
    Product.objects.filter(sku="LAST-1").update(stock=0)
    page = form_post(agent_client, customer, [("LAST-1", "1")], step="confirm").content.decode()
    assert "Out of stock: 0 left of “Nakshi kantha”" in page
    assert Order.objects.count() == 0


def test_the_product_picker_finds_by_either_script_or_sku(agent_client, shop):
    url = reverse("orders:products")
    assert "SAR-001" in agent_client.get(url, {"q": "জামদানি"}).content.decode()
    assert "LUN-001" in agent_client.get(url, {"q": "lun-0"}).content.decode()
    assert "OLD-1" not in agent_client.get(url, {"q": "old"}).content.decode()


def test_the_desk_panel_shows_the_callers_promotions_and_orders(
    agent_client, agent, shop, vip_customer
):
    make_promotion(
        name_en="VIP sarees",
        kind="percent",
        value=D("15"),
        scope="products",
        products=[shop["SAR-001"]],
        tags=["vip"],
    )
    make_promotion(
        name_en="Wholesale only", kind="percent", value=D("20"), scope="order", tags=["wholesale"]
    )
    order = place(vip_customer, author=agent)
    call = Call.objects.create(
        caller_number="+8801812345678",
        dialed_number="+8809612345678",
        agent=agent,
        contact=vip_customer,
        arrived_at=timezone.now(),
    )
    page = agent_client.get(reverse("orders:desk_panel"), {"call": call.pk}).content.decode()
    assert "VIP sarees" in page
    assert "Wholesale only" not in page
    assert order.display_number in page
    assert f'name="call" value="{call.pk}"' in page


def test_the_desk_panel_without_a_call_says_so(agent_client):
    page = agent_client.get(reverse("orders:desk_panel"), {"call": ""}).content.decode()
    assert "No call right now" in page


def test_another_agents_call_is_refused_in_the_panel(client, agent, other_agent, customer):
    call = Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        agent=agent,
        contact=customer,
        arrived_at=timezone.now(),
    )
    client.force_login(other_agent)
    assert client.get(reverse("orders:desk_panel"), {"call": call.pk}).status_code == 403


def test_the_orders_list_filters_by_status_and_contact(agent_client, shop, customer, vip_customer):
    a = place(customer)
    b = place(vip_customer)
    Order.objects.filter(pk=b.pk).update(status=OrderStatus.SHIPPED)
    page = agent_client.get(reverse("orders:list"), {"status": "shipped"}).content.decode()
    assert b.display_number in page and a.display_number not in page
    page = agent_client.get(reverse("orders:list"), {"contact": customer.pk}).content.decode()
    assert a.display_number in page and b.display_number not in page


def test_the_orders_list_takes_the_same_queries_for_3_or_30_orders(
    agent_client, shop, customer, django_assert_max_num_queries
):
    for _ in range(3):
        place(customer)
    agent_client.get(reverse("orders:list"))  # warm the session and permission caches
    with django_assert_max_num_queries(6) as few:
        agent_client.get(reverse("orders:list"))
    for _ in range(27):
        place(customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent_client.get(reverse("orders:list"))


def test_the_detail_page_moves_the_order_along_for_a_supervisor(supervisor_client, shop, customer):
    order = place(customer)
    supervisor_client.post(reverse("orders:status", args=[order.number]), {"status": "packed"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PACKED
    page = supervisor_client.get(reverse("orders:detail", args=[order.display_number.lower()]))
    assert "Packed" in page.content.decode()


def test_an_agent_cancels_their_own_order_with_a_reason(agent_client, agent, shop, customer):
    order = place(customer, sku="SAR-001", author=agent)
    agent_client.post(reverse("orders:cancel", args=[order.number]), {"reason": "Wrong size"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Product.objects.get(sku="SAR-001").stock == 5


def test_an_agent_cannot_cancel_someone_elses_order(agent_client, other_agent, shop, customer):
    order = place(customer, author=other_agent)
    response = agent_client.post(reverse("orders:cancel", args=[order.number]), {"reason": "x"})
    assert response.status_code == 403


def test_an_outsider_sees_no_orders_and_cannot_take_one(outsider_client, customer):
    assert outsider_client.get(reverse("orders:list")).status_code == 403
    assert outsider_client.get(reverse("orders:form"), {"contact": customer.pk}).status_code == 403


def test_the_contact_page_offers_a_new_order(agent_client, customer):
    page = agent_client.get(reverse("contacts:detail", args=[customer.pk])).content.decode()
    assert f"{reverse('orders:form')}?contact={customer.pk}" in page
