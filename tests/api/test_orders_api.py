import json
from decimal import Decimal as D

import pytest

from switchboard.accounts.actions import do_issue_api_token
from switchboard.catalog.models import Product
from switchboard.orders.models import Order
from tests.shop import make_promotion

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_issue_api_token(user, 'tests')}"}


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def fields_in_error(response):
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


def new_order(client, customer, lines, headers=None, **extra):
    payload = {"contact_id": customer.pk, "lines": lines, **extra}
    return post(client, "/api/orders", payload, **(headers or {}))


def test_an_order_is_created_priced_on_the_server_and_confirmed(client, agent, shop, customer):
    make_promotion(
        name_en="Lungi 3 for 2",
        kind="n_for_m",
        buy_quantity=3,
        pay_quantity=2,
        scope="products",
        products=[shop["LUN-001"]],
    )
    response = new_order(
        client,
        customer,
        [{"sku": "LUN-001", "quantity": 3, "unit_price": "1.00"}],
        confirm=True,
        headers=bearer(agent),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    assert D(body["total"]) == D("900.00")
    assert D(body["lines"][0]["discount"]) == D("450.00")
    assert [h["to_status"] for h in body["history"]] == ["new", "confirmed"]
    assert body["display_number"] == f"{body['number'][:3]}-{body['number'][3:]}"


def test_bad_lines_are_422s_naming_the_line_and_the_field(agent_client, shop, customer):
    response = new_order(
        agent_client,
        customer,
        [
            {"sku": "LUN-001", "quantity": 1},
            {"sku": "NOPE", "quantity": 1},
            {"sku": "SAR-001", "quantity": -2},
        ],
        promo_code="GONE",
    )
    errors = fields_in_error(response)
    assert errors[("body", "payload", "lines", 1, "sku")] == "No product has the SKU “NOPE”."
    assert ("body", "payload", "lines", 2, "quantity") in errors
    assert errors[("body", "payload", "promo_code")] == "There is no promo code “GONE”."
    assert Order.objects.count() == 0


def test_confirming_without_stock_is_a_422_on_the_line(agent_client, shop, customer):
    created = new_order(agent_client, customer, [{"sku": "LAST-1", "quantity": 1}]).json()
    Product.objects.filter(sku="LAST-1").update(stock=0)
    response = agent_client.post(f"/api/orders/{created['number']}/confirm")
    assert "Out of stock" in fields_in_error(response)[("body", "payload", "lines", 0, "quantity")]
    assert Order.objects.get().status == "new"


def test_an_order_is_read_listed_and_cancelled(agent_client, shop, customer, vip_customer):
    number = new_order(
        agent_client, customer, [{"sku": "SAR-001", "quantity": 2}], confirm=True
    ).json()["number"]
    new_order(agent_client, vip_customer, [{"sku": "LUN-001", "quantity": 1}])
    assert (
        agent_client.get(f"/api/orders/{number[:3]}-{number[3:].lower()}").json()["number"]
        == number
    )
    page = agent_client.get(f"/api/orders?contact={customer.pk}").json()
    assert [o["number"] for o in page["items"]] == [number]
    assert agent_client.get("/api/orders?status=new").json()["total"] == 1
    response = post(agent_client, f"/api/orders/{number}/cancel", {"reason": "Changed mind"})
    assert response.json()["status"] == "cancelled"
    assert Product.objects.get(sku="SAR-001").stock == 5


def test_an_agent_cannot_move_an_order_along_but_a_supervisor_can(
    agent_client, supervisor_client, shop, customer
):
    number = new_order(
        agent_client, customer, [{"sku": "LUN-001", "quantity": 1}], confirm=True
    ).json()["number"]
    assert (
        post(agent_client, f"/api/orders/{number}/status", {"status": "packed"}).status_code == 403
    )
    response = post(supervisor_client, f"/api/orders/{number}/status", {"status": "packed"})
    assert response.json()["status"] == "packed"
    errors = fields_in_error(
        post(supervisor_client, f"/api/orders/{number}/status", {"status": "delivered"})
    )
    assert ("body", "payload", "status") in errors


def test_a_cancellation_without_a_reason_is_a_422(agent_client, shop, customer):
    number = new_order(agent_client, customer, [{"sku": "LUN-001", "quantity": 1}]).json()["number"]
    assert ("body", "payload", "reason") in fields_in_error(
        post(agent_client, f"/api/orders/{number}/cancel", {"reason": ""})
    )


def test_orders_need_a_login_a_role_and_a_known_number(
    client, outsider_client, agent_client, customer
):
    assert client.get("/api/orders").status_code == 401
    assert outsider_client.get("/api/orders").status_code == 403
    assert new_order(outsider_client, customer, [{"sku": "X", "quantity": 1}]).status_code == 403
    assert agent_client.get("/api/orders/ZZZZZZ").status_code == 404


def test_the_catalog_api_searches_products_in_either_script(agent_client, shop):
    body = agent_client.get("/api/catalog/products", {"q": "লুঙ্গি"}).json()
    assert [p["sku"] for p in body["items"]] == ["LUN-001"]
    assert body["items"][0]["currency"] == "BDT"
    assert agent_client.get("/api/catalog/products/sar-001").json()["name_bn"] == "জামদানি শাড়ি"
    assert agent_client.get("/api/catalog/products/NOPE").status_code == 404
    assert agent_client.get("/api/catalog/products?limit=0").status_code == 422


def test_the_promotions_api_lists_what_is_open_to_a_contact(
    agent_client, shop, customer, vip_customer
):
    make_promotion(name_en="Everyone", kind="percent", value=D("5"), scope="order")
    make_promotion(name_en="VIP", kind="percent", value=D("10"), scope="order", tags=["vip"])
    names = lambda r: sorted(p["name_en"] for p in r.json())  # noqa: E731
    assert names(agent_client.get("/api/catalog/promotions")) == ["Everyone", "VIP"]
    assert names(agent_client.get(f"/api/catalog/promotions?contact={customer.pk}")) == ["Everyone"]
    assert names(agent_client.get(f"/api/catalog/promotions?contact={vip_customer.pk}")) == [
        "Everyone",
        "VIP",
    ]
    assert agent_client.get("/api/catalog/promotions?contact=999999").status_code == 404
