"""A few demo orders, so a caller's history and the orders list are not empty.

Idempotent: does nothing once any order exists.
"""

from django.db import transaction

from switchboard.accounts.models import User
from switchboard.contacts.models import Contact
from switchboard.orders.actions import LineInput, OrderData, check_create_order
from switchboard.orders.models import Order

ORDERS = [
    # (lines, promo code, delivery)
    ([("SAR-002", 2), ("SAL-004", 2)], "", "home"),
    ([("MEN-003", 3), ("MEN-007", 2)], "", "courier"),
    ([("SAR-001", 1), ("BED-002", 1)], "EID300", "home"),
]


@transaction.atomic
def load(out) -> None:
    if Order.objects.exists():
        return
    author = User.objects.filter(username="agent1").first()
    contacts = list(Contact.objects.active().exclude(address="")[: len(ORDERS)])
    if len(contacts) < len(ORDERS):
        contacts = list(Contact.objects.active()[: len(ORDERS)])
    for contact, (lines, code, delivery) in zip(contacts, ORDERS, strict=False):
        check_create_order(
            OrderData(
                contact=contact,
                lines=[LineInput(sku, qty) for sku, qty in lines],
                promo_code=code,
                delivery_method=delivery,
                delivery_address=contact.address or "Dhanmondi 27, Dhaka",
            ),
            author=author,
            confirm=True,
        )
    out.write(f"Orders: {Order.objects.count()} demo orders.")
