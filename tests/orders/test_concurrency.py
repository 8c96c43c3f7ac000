"""Two operators sell the last unit at the same moment, each on their own connection."""

import threading

import pytest
from django.db import connections

from switchboard.catalog.models import Product
from switchboard.orders.actions import LineInput, OrderData, OutOfStock, check_create_order
from switchboard.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(customer, sku, operators):
    barrier = threading.Barrier(operators)
    outcomes = []

    def operator():
        try:
            barrier.wait()
            order = check_create_order(
                OrderData(contact=customer, lines=[LineInput(sku, 1)]), confirm=True
            )
            outcomes.append(("order", order.number))
        except OutOfStock as exc:
            outcomes.append(("out of stock", exc.message_dict["lines.0.quantity"][0]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=operator) for _ in range(operators)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_operators_selling_the_last_unit_get_one_order_and_one_out_of_stock(shop, customer):
    outcomes = _race(customer, "LAST-1", 2)
    assert sorted(kind for kind, _ in outcomes) == ["order", "out of stock"]
    assert "0 left of “Nakshi kantha”" in dict(outcomes)["out of stock"]
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="LAST-1").stock == 0


def test_twenty_operators_racing_for_five_units_sell_exactly_five(shop, customer):
    outcomes = _race(customer, "SAR-001", 20)
    assert [kind for kind, _ in outcomes].count("order") == 5
    assert [kind for kind, _ in outcomes].count("out of stock") == 15
    assert Product.objects.get(sku="SAR-001").stock == 0
