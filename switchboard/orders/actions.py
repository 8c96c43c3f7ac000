"""Operations on orders. Views, the API, the desk panel and the bench call these; nothing
else saves an order.

`check_*` validates raw input and raises ValidationError naming the field
("lines.2.quantity", "promo_code" ...); `do_*` opens the transaction and writes.
Totals are always priced here, from the catalog, whatever the client computed.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from switchboard.catalog.models import Product, Promotion
from switchboard.catalog.promotions import contact_tags, promotions_for_tags, rules
from switchboard.contacts.actions import do_add_activity
from switchboard.contacts.models import ActivityKind
from switchboard.core import pricing
from switchboard.orders._stock import OutOfStock, put_back, take_stock  # noqa: F401 (part of the API)
from switchboard.orders.models import (
    AGENT_CANCELLABLE,
    HOLDS_STOCK,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    new_order_number,
)

MAX_QUANTITY = 10_000
MAX_LINES = 100


@dataclass
class LineInput:
    sku: str
    quantity: object  # as typed: "2", 2, "-1", "" ...


@dataclass
class OrderData:
    contact: object
    lines: list[LineInput] = field(default_factory=list)
    call: object = None
    promo_code: str = ""
    delivery_address: str = ""
    delivery_method: str = DeliveryMethod.HOME
    payment_method: str = PaymentMethod.CASH_ON_DELIVERY
    notes: str = ""


@dataclass
class CleanOrder:
    data: OrderData
    products: list[Product]
    quantities: list[int]
    promo_code: str


def _quantity(raw) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_QUANTITY else None


def check_lines(lines: list[LineInput]) -> tuple[list[Product], list[int]]:
    """The products and quantities of the lines; ValidationError by line otherwise."""
    errors: dict[str, list[str]] = {}
    if not lines:
        errors["lines"] = [_("Add at least one product.")]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [_("An order holds at most %(n)d lines.") % {"n": MAX_LINES}]
    skus = [(line.sku or "").strip().upper() for line in lines]
    found = {p.sku: p for p in Product.objects.filter(sku__in=set(skus)).select_related("category")}
    products, quantities = [], []
    for i, (sku, line) in enumerate(zip(skus, lines, strict=True)):
        product = found.get(sku)
        if not sku:
            errors[f"lines.{i}.sku"] = [_("Choose a product.")]
        elif product is None:
            errors[f"lines.{i}.sku"] = [_("No product has the SKU “%(sku)s”.") % {"sku": sku}]
        elif not product.active:
            errors[f"lines.{i}.sku"] = [_("“%(name)s” is not on sale.") % {"name": product.name}]
        quantity = _quantity(line.quantity)
        if quantity is None:
            errors[f"lines.{i}.quantity"] = [
                _("The quantity is a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}
            ]
        products.append(product)
        quantities.append(quantity or 0)
    if errors:
        raise ValidationError(errors)
    return products, quantities


def check_promo_code(code: str, contact, now=None) -> str:
    """The code, normalized, if a live promotion open to this contact has it."""
    code = pricing.normalize_code(code)
    if not code:
        return ""
    now = now or timezone.now()
    promotions = list(
        Promotion.objects.filter(code=code, active=True).prefetch_related("segment_tags")
    )
    if not promotions:
        raise ValidationError(
            {"promo_code": [_("There is no promo code “%(code)s”.") % {"code": code}]}
        )
    if not any(p.is_live(now) for p in promotions):
        raise ValidationError(
            {
                "promo_code": [
                    _(
                        "The promo code “%(code)s” is not valid now: it has expired or not started yet."
                    )
                    % {"code": code}
                ]
            }
        )
    tags = contact_tags(contact)
    if not any(
        not p.segment_tags.all() or {t.name for t in p.segment_tags.all()} & tags
        for p in promotions
    ):
        raise ValidationError(
            {
                "promo_code": [
                    _("The promo code “%(code)s” is not for this customer.") % {"code": code}
                ]
            }
        )
    return code


def check_order_data(data: OrderData) -> CleanOrder:
    """Validate an order before it is created; every problem is reported, by field."""
    errors: dict[str, list[str]] = {}
    if data.contact is None or getattr(data.contact, "merged_into_id", None):
        errors["contact"] = [_("Choose the customer (a contact that was not merged away).")]
    products, quantities = [], []
    try:
        products, quantities = check_lines(data.lines)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    code = ""
    if "contact" not in errors:
        try:
            code = check_promo_code(data.promo_code, data.contact)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if data.delivery_method not in DeliveryMethod.values:
        errors["delivery_method"] = [_("Choose a delivery method.")]
    if data.payment_method not in PaymentMethod.values:
        errors["payment_method"] = [_("Choose a payment method.")]
    data.delivery_address = (data.delivery_address or "").strip()
    if not data.delivery_address and data.contact is not None:
        data.delivery_address = (data.contact.address or "").strip()
    if not data.delivery_address and data.delivery_method != DeliveryMethod.PICKUP:
        errors["delivery_address"] = [_("Give the delivery address.")]
    data.notes = (data.notes or "").strip()
    if len(data.notes) > 2000:
        errors["notes"] = [_("At most %(limit)d characters.") % {"limit": 2000}]
    if errors:
        raise ValidationError(errors)
    return CleanOrder(data=data, products=products, quantities=quantities, promo_code=code)


def price(products, quantities, contact, promo_code: str = "", now=None) -> pricing.Quote:
    """The server's price for these lines, for this customer, now (also the form's preview)."""
    now = now or timezone.now()
    tags = contact_tags(contact)
    lines = [
        pricing.Line(
            key=p.sku,
            quantity=q,
            unit_price=p.price,
            category=p.category.code if p.category_id else "",
        )
        for p, q in zip(products, quantities, strict=True)
    ]
    promotions = promotions_for_tags(tags, now)
    names = {str(p.pk): p.name for p in promotions}
    quote = pricing.quote(
        lines,
        rules(promotions),
        now=now,
        tags=tags,
        codes=frozenset([promo_code]) if promo_code else frozenset(),
    )
    quote.names = names
    return quote


def _applied(amounts: dict[str, Decimal], names: dict[str, str]) -> dict:
    return {key: {"name": names.get(key, key), "amount": str(v)} for key, v in amounts.items()}


def _write_prices(order: Order, lines: list[OrderLine], quote: pricing.Quote) -> None:
    for line, priced in zip(lines, quote.lines, strict=True):
        line.unit_price = priced.line.unit_price
        line.discount = priced.discount
        line.total = priced.total
        line.promotions = _applied(priced.applied, quote.names)
    order.subtotal, order.discount, order.total = quote.subtotal, quote.discount, quote.total
    order.promotions = _applied(quote.applied, quote.names)


def _record(order: Order, from_status: str, author, note: str = "") -> None:
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=order.status, note=note, author=author
    )


@transaction.atomic
def do_create_order(clean: CleanOrder, *, author=None, confirm: bool = False) -> Order:
    """Create the order (status new), priced now; with `confirm`, confirm it in the same
    transaction, so an out-of-stock line leaves no order behind."""
    data = clean.data
    order = Order(
        contact=data.contact,
        call=data.call,
        delivery_address=data.delivery_address,
        delivery_method=data.delivery_method,
        payment_method=data.payment_method,
        notes=data.notes,
        promo_code=clean.promo_code,
        currency=settings.SWITCHBOARD["CURRENCY"],
        created_by=author,
    )
    lines = [
        OrderLine(product=p, sku=p.sku, name=p.name_en[:200], quantity=q, position=i)
        for i, (p, q) in enumerate(zip(clean.products, clean.quantities, strict=True))
    ]
    quote = price(clean.products, clean.quantities, data.contact, clean.promo_code)
    _write_prices(order, lines, quote)
    for _attempt in range(5):
        order.number = new_order_number()
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            if Order.objects.filter(number=order.number).exists():
                continue
            raise
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    _record(order, "", author)
    if confirm:
        # Priced a moment ago in this same transaction: no need to price again.
        return _confirm(order, author, lines=lines, quote=quote)
    _timeline(order, author, _("Order %(number)s taken, not confirmed yet: %(total)s."))
    return order


def check_create_order(data: OrderData, *, author=None, confirm: bool = False) -> Order:
    return do_create_order(check_order_data(data), author=author, confirm=confirm)


def check_confirm_order(order: Order, *, author=None) -> Order:
    if order.status != OrderStatus.NEW:
        raise ValidationError(
            {
                "status": [
                    _("Only a new order can be confirmed; this one is %(status)s.")
                    % {"status": order.get_status_display()}
                ]
            }
        )
    return do_confirm_order(order, author=author)


@transaction.atomic
def do_confirm_order(order: Order, *, author=None) -> Order:
    order = Order.objects.select_for_update().select_related("contact").get(pk=order.pk)
    if order.status != OrderStatus.NEW:
        raise ValidationError({"status": [_("This order was already confirmed or cancelled.")]})
    return _confirm(order, author)


def _confirm(order: Order, author, *, lines=None, quote=None) -> Order:
    """Re-price with today's catalog (unless just priced), take the stock, confirm.
    Inside a transaction."""
    if quote is None:
        lines = list(order.lines.select_related("product__category").order_by("position", "id"))
        code = order.promo_code and check_promo_code(order.promo_code, order.contact)
        products = [ln.product for ln in lines]
        quote = price(products, [ln.quantity for ln in lines], order.contact, code)
        _write_prices(order, lines, quote)
        OrderLine.objects.bulk_update(lines, ["unit_price", "discount", "total", "promotions"])
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = timezone.now()
    order.save()
    _record(order, OrderStatus.NEW, author)
    _timeline(order, author, _("Order %(number)s confirmed: %(total)s."))
    # Last, so the product rows stay locked only until the commit that follows; an
    # out-of-stock line rolls back everything above.
    take_stock(lines)
    return order


def may_cancel(user, order: Order) -> bool:
    if not order.can_move_to(OrderStatus.CANCELLED):
        return False
    if user.has_perm("orders.cancel_order"):
        return True
    return (
        user.has_perm("orders.cancel_own_order")
        and order.created_by_id == user.pk
        and order.status in AGENT_CANCELLABLE
    )


def check_cancel_order(order: Order, reason: str, *, user) -> Order:
    if not may_cancel(user, order):
        if order.can_move_to(OrderStatus.CANCELLED):
            raise PermissionDenied
        raise ValidationError(
            {
                "status": [
                    _("A %(status)s order cannot be cancelled.")
                    % {"status": order.get_status_display()}
                ]
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most %(limit)d characters.") % {"limit": 2000}]})
    return do_cancel_order(order, reason, author=user)


@transaction.atomic
def do_cancel_order(order: Order, reason: str, *, author=None) -> Order:
    """Cancel; goods already taken off the shelf go back to stock."""
    order = Order.objects.select_for_update().select_related("contact").get(pk=order.pk)
    if not order.can_move_to(OrderStatus.CANCELLED):
        raise ValidationError({"status": [_("This order can no longer be cancelled.")]})
    before = order.status
    if before in HOLDS_STOCK:
        put_back(order)
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    order.save()
    _record(order, before, author, reason)
    _timeline(order, author, _("Order %(number)s cancelled: %(reason)s"), reason=reason)
    return order


def check_change_status(order: Order, status: str, *, user, note: str = "") -> Order:
    """Move an order along (packed, shipped, delivered, returned): supervisors' work."""
    if not user.has_perm("orders.change_order"):
        raise PermissionDenied
    if status == OrderStatus.CANCELLED:
        return check_cancel_order(order, note, user=user)
    if status == OrderStatus.CONFIRMED:
        return check_confirm_order(order, author=user)
    if status not in OrderStatus.values or not order.can_move_to(status):
        raise ValidationError(
            {
                "status": [
                    _("A %(status)s order cannot become “%(to)s”.")
                    % {"status": order.get_status_display(), "to": status}
                ]
            }
        )
    return do_change_status(order, status, author=user, note=(note or "").strip()[:2000])


@transaction.atomic
def do_change_status(order: Order, status: str, *, author=None, note: str = "") -> Order:
    order = Order.objects.select_for_update().select_related("contact").get(pk=order.pk)
    if not order.can_move_to(status):
        raise ValidationError({"status": [_("Someone changed this order meanwhile; reload it.")]})
    before = order.status
    if status == OrderStatus.RETURNED:
        put_back(order)
    order.status = status
    order.save()
    _record(order, before, author, note)
    if status == OrderStatus.RETURNED:
        _timeline(order, author, _("Order %(number)s returned."))
    return order


def _timeline(order: Order, author, template: str, **extra) -> None:
    text = template % {
        "number": order.display_number,
        "total": f"{order.total:,.2f} {order.currency}",
        **extra,
    }
    do_add_activity(
        order.contact,
        ActivityKind.ORDER,
        text,
        author=author,
        data={"order_id": order.pk, "number": order.number, "status": order.status},
    )
