from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from switchboard.catalog.models import Product
from switchboard.contacts.models import Activity, ActivityKind
from switchboard.orders.actions import (
    LineInput,
    OrderData,
    OutOfStock,
    check_cancel_order,
    check_change_status,
    check_confirm_order,
    check_create_order,
)
from switchboard.orders.models import NUMBER_ALPHABET, Order, OrderStatus
from tests.shop import make_promotion

pytestmark = pytest.mark.django_db


def order_for(contact, *lines, **extra):
    return OrderData(contact=contact, lines=[LineInput(s, q) for s, q in lines], **extra)


def place(contact, *lines, author=None, **extra):
    return check_create_order(order_for(contact, *lines, **extra), author=author, confirm=True)


def errors_of(exc_info):
    return exc_info.value.message_dict


def test_totals_are_priced_on_the_server_with_the_promotion_per_line(shop, customer, agent):
    make_promotion(
        name_en="Saree week",
        kind="percent",
        value=D("10"),
        scope="categories",
        categories=[shop["SAR-001"].category],
    )
    order = place(customer, ("SAR-001", 2), ("lun-001", "3"), author=agent)
    lines = list(order.lines.order_by("position"))
    assert [(ln.sku, ln.quantity, ln.discount, ln.total) for ln in lines] == [
        ("SAR-001", 2, D("500.00"), D("4500.00")),
        ("LUN-001", 3, D("0.00"), D("1350.00")),
    ]
    assert (order.subtotal, order.discount, order.total) == (
        D("6350.00"),
        D("500.00"),
        D("5850.00"),
    )
    assert list(lines[0].promotions.values())[0]["name"] == "Saree week"
    assert order.currency == "BDT"


def test_the_order_number_is_short_and_unambiguous_and_read_in_two_halves(shop, customer):
    order = place(customer, ("LUN-001", 1))
    assert len(order.number) == 6
    assert set(order.number) <= set(NUMBER_ALPHABET)
    assert not set(order.number) & set("0O1IL5S8BZ2")
    assert order.display_number == f"{order.number[:3]}-{order.number[3:]}"


def test_confirming_takes_the_stock_and_writes_the_history_and_the_timeline(shop, customer, agent):
    order = place(customer, ("SAR-001", 2), author=agent, call=None)
    assert Product.objects.get(sku="SAR-001").stock == 3
    assert order.status == OrderStatus.CONFIRMED
    assert list(order.history.values_list("from_status", "to_status")) == [
        ("", "new"),
        ("new", "confirmed"),
    ]
    entry = Activity.objects.get(contact=customer, kind=ActivityKind.ORDER)
    assert order.display_number in entry.text
    assert entry.data["order_id"] == order.pk


def test_the_order_is_linked_to_the_call(shop, customer, agent):
    from switchboard.calls.models import Call

    call = Call.objects.create(
        caller_number="+8801712345678",
        dialed_number="+8809612345678",
        agent=agent,
        contact=customer,
        arrived_at=timezone.now(),
    )
    order = place(customer, ("LUN-001", 1), author=agent, call=call)
    assert list(call.orders.all()) == [order]


def test_the_last_unit_sold_twice_gives_one_order_and_one_out_of_stock_error(shop, customer):
    place(customer, ("LAST-1", 1))
    with pytest.raises(OutOfStock) as err:
        place(customer, ("LAST-1", 1))
    assert (
        "Out of stock: 0 left of “Nakshi kantha” (LAST-1)" in errors_of(err)["lines.0.quantity"][0]
    )
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="LAST-1").stock == 0


def test_an_out_of_stock_line_takes_nothing_from_the_other_lines(shop, customer):
    with pytest.raises(OutOfStock):
        place(customer, ("SAR-001", 2), ("LAST-1", 2))
    assert Product.objects.get(sku="SAR-001").stock == 5
    assert Order.objects.count() == 0


def test_two_lines_of_the_same_product_count_together_against_the_stock(shop, customer):
    with pytest.raises(OutOfStock):
        place(customer, ("SAR-001", 3), ("SAR-001", 3))


def test_cancelling_a_confirmed_order_puts_the_goods_back(shop, customer, agent):
    order = place(customer, ("SAR-001", 2), ("LAST-1", 1), author=agent)
    check_cancel_order(order, "Caller changed their mind", user=agent)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "Caller changed their mind"
    assert Product.objects.get(sku="SAR-001").stock == 5
    assert Product.objects.get(sku="LAST-1").stock == 1
    assert Activity.objects.filter(contact=customer, text__contains="cancelled").exists()


def test_cancelling_a_new_order_does_not_add_stock(shop, customer, agent):
    order = check_create_order(order_for(customer, ("SAR-001", 2)), author=agent)
    check_cancel_order(order, "Duplicate", user=agent)
    assert Product.objects.get(sku="SAR-001").stock == 5


def test_a_return_puts_the_goods_back(shop, customer, supervisor):
    order = place(customer, ("SAR-001", 1))
    for status in ("packed", "shipped", "delivered", "returned"):
        order = check_change_status(order, status, user=supervisor)
    assert Product.objects.get(sku="SAR-001").stock == 5
    assert [h.to_status for h in order.history.all()][-1] == "returned"


def test_a_cancellation_needs_a_reason(shop, customer, agent):
    order = place(customer, ("LUN-001", 1), author=agent)
    with pytest.raises(ValidationError) as err:
        check_cancel_order(order, "  ", user=agent)
    assert "reason" in errors_of(err)


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ((("SAR-001", -1),), "lines.0.quantity"),
        ((("SAR-001", 0),), "lines.0.quantity"),
        ((("SAR-001", "two"),), "lines.0.quantity"),
        ((("SAR-001", "1.5"),), "lines.0.quantity"),
        ((("LUN-001", 1), ("NOPE-9", 1)), "lines.1.sku"),
        ((("OLD-1", 1),), "lines.0.sku"),
        ((), "lines"),
    ],
)
def test_bad_lines_are_refused_naming_the_field(shop, customer, lines, field):
    with pytest.raises(ValidationError) as err:
        place(customer, *lines)
    assert field in errors_of(err)
    assert Order.objects.count() == 0


def test_an_unknown_promo_code_is_refused(shop, customer):
    with pytest.raises(ValidationError) as err:
        place(customer, ("LUN-001", 1), promo_code="NOSUCH")
    assert "There is no promo code “NOSUCH”." in errors_of(err)["promo_code"]


def test_an_expired_promo_code_is_refused(shop, customer):
    past = timezone.now() - timedelta(days=10)
    make_promotion(
        code="EID10",
        kind="percent",
        value=D("10"),
        scope="order",
        starts_at=past,
        ends_at=past + timedelta(days=3),
    )
    with pytest.raises(ValidationError) as err:
        place(customer, ("LUN-001", 1), promo_code="eid10")
    assert "expired" in errors_of(err)["promo_code"][0]


def test_a_valid_promo_code_applies_to_the_whole_order(shop, customer):
    make_promotion(
        code="EID200", kind="fixed", value=D("200"), scope="order", min_order_total=D("1000")
    )
    order = place(customer, ("LUN-001", 3), promo_code=" eid200 ")
    assert order.promo_code == "EID200"
    assert order.total == D("1150.00")
    without = place(customer, ("LUN-001", 3))
    assert without.total == D("1350.00")


def test_a_segment_promotion_reaches_tagged_contacts_only(shop, customer, vip_customer):
    make_promotion(
        kind="percent", value=D("15"), scope="products", products=[shop["SAR-001"]], tags=["vip"]
    )
    assert place(vip_customer, ("SAR-001", 1)).discount == D("375.00")
    assert place(customer, ("SAR-001", 1)).discount == D("0.00")


def test_a_code_for_a_segment_is_refused_to_others(shop, customer):
    make_promotion(code="VIPONLY", kind="percent", value=D("5"), scope="order", tags=["vip"])
    with pytest.raises(ValidationError) as err:
        place(customer, ("LUN-001", 1), promo_code="VIPONLY")
    assert "not for this customer" in errors_of(err)["promo_code"][0]


def test_the_delivery_address_comes_from_the_contact_unless_a_new_one_is_given(shop, customer):
    assert place(customer, ("LUN-001", 1)).delivery_address.startswith("House 5")
    assert (
        place(customer, ("LUN-001", 1), delivery_address="Office, Gulshan 1").delivery_address
        == "Office, Gulshan 1"
    )


def test_confirmation_reprices_with_the_catalog_of_the_moment(shop, customer):
    order = check_create_order(order_for(customer, ("LUN-001", 2)))
    Product.objects.filter(sku="LUN-001").update(price=D("500.00"))
    order = check_confirm_order(order)
    assert order.total == D("1000.00")


def test_an_agent_cancels_their_own_order_before_packing_only(
    shop, customer, agent, other_agent, supervisor
):
    order = place(customer, ("LUN-001", 1), author=agent)
    with pytest.raises(PermissionDenied):
        check_cancel_order(order, "Not mine", user=other_agent)
    check_change_status(order, "packed", user=supervisor)
    order.refresh_from_db()
    with pytest.raises(PermissionDenied):
        check_cancel_order(order, "Too late", user=agent)
    check_cancel_order(order, "Supervisor may", user=supervisor)


def test_an_agent_cannot_move_an_order_along(shop, customer, agent):
    order = place(customer, ("LUN-001", 1), author=agent)
    with pytest.raises(PermissionDenied):
        check_change_status(order, "packed", user=agent)


def test_a_status_cannot_jump_the_lifecycle(shop, customer, supervisor):
    order = place(customer, ("LUN-001", 1))
    with pytest.raises(ValidationError) as err:
        check_change_status(order, "delivered", user=supervisor)
    assert "status" in errors_of(err)
    order = check_change_status(order, "packed", user=supervisor)
    order = check_change_status(order, "shipped", user=supervisor)
    with pytest.raises(ValidationError):
        check_cancel_order(order, "too late", user=supervisor)
