"""Orders taken on the phone: lines priced on the server, a number to read back, a status history."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L, 5/S, 8/B, 2/Z: letters and digits a caller cannot mishear or misread.
NUMBER_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
NUMBER_LENGTH = 6


def new_order_number() -> str:
    """Six characters, shown as ABC-DEF: about 244 million numbers."""
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def normalize_order_number(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


# Where each status may go next. Goods leave the shelf at confirmation and come back on a
# cancellation after it, or on a return.
TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.NEW: {OrderStatus.CONFIRMED, OrderStatus.CANCELLED},
    OrderStatus.CONFIRMED: {OrderStatus.PACKED, OrderStatus.CANCELLED},
    OrderStatus.PACKED: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED, OrderStatus.RETURNED},
    OrderStatus.DELIVERED: {OrderStatus.RETURNED},
    OrderStatus.CANCELLED: set(),
    OrderStatus.RETURNED: set(),
}
# Statuses in which the goods are out of stock (taken off the shelf for this order).
HOLDS_STOCK = {
    OrderStatus.CONFIRMED,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
}
# An agent may cancel an order they took until it is packed; after that a supervisor does.
AGENT_CANCELLABLE = {OrderStatus.NEW, OrderStatus.CONFIRMED}


class DeliveryMethod(models.TextChoices):
    HOME = "home", _("Home delivery")
    COURIER = "courier", _("Courier (other cities)")
    PICKUP = "pickup", _("Pick up at a branch")


class PaymentMethod(models.TextChoices):
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")
    MOBILE_MONEY = "mobile", _("Mobile money (bKash, Nagad)")
    CARD = "card", _("Card on delivery")


class Order(models.Model):
    number = models.CharField(_("number"), max_length=12, unique=True, editable=False)
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("contact"),
    )
    call = models.ForeignKey(
        "calls.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("call"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.NEW
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    delivery_method = models.CharField(
        _("delivery"), max_length=8, choices=DeliveryMethod.choices, default=DeliveryMethod.HOME
    )
    payment_method = models.CharField(
        _("payment"),
        max_length=8,
        choices=PaymentMethod.choices,
        default=PaymentMethod.CASH_ON_DELIVERY,
    )
    notes = models.TextField(_("notes"), blank=True)
    promo_code = models.CharField(_("promo code"), max_length=32, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2, default=0)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    # Promotion id -> {"name": ..., "amount": "..."}: what each took off, as priced.
    promotions = models.JSONField(_("promotions"), default=dict, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders_taken",
        verbose_name=_("taken by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("cancel_own_order", _("Can cancel orders they took, before packing")),
            ("cancel_order", _("Can cancel any order")),
        ]
        indexes = [
            models.Index(fields=["contact", "-created_at"], name="order_contact_idx"),
            models.Index(fields=["status", "-created_at"], name="order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        """ABC-DEF: read in two halves over the phone."""
        half = len(self.number) // 2
        return f"{self.number[:half]}-{self.number[half:]}"

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    @property
    def next_statuses(self) -> list[str]:
        """Forward moves (cancel and return have their own forms, with a reason)."""
        order = list(OrderStatus.values)
        return sorted(
            (s for s in TRANSITIONS[self.status] if s not in {OrderStatus.CANCELLED}),
            key=order.index,
        )


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    # As sold: later changes to the catalog do not rewrite an order.
    sku = models.CharField(_("SKU"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    promotions = models.JSONField(_("promotions"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "position", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def gross(self):
        return self.unit_price * self.quantity


class OrderStatusChange(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="history", verbose_name=_("order")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=OrderStatus.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
