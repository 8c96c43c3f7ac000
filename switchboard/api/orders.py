"""/api/orders: list, read, create (optionally confirmed at once), confirm, cancel, move along.

Every write goes through switchboard.orders.actions: totals are priced on the server and
whatever the client thinks a line costs is ignored. Bad input is a 422 naming the field,
e.g. `["body", "payload", "lines", 1, "quantity"]`; out of stock at confirmation too.
"""

from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from switchboard.api.contacts import INPUT_ERRORS, ErrorOut
from switchboard.calls.access import get_call_for_user
from switchboard.contacts.access import get_contact_for_user
from switchboard.orders.access import get_order_for_user, orders_for_user
from switchboard.orders.actions import (
    LineInput,
    OrderData,
    check_cancel_order,
    check_change_status,
    check_confirm_order,
    check_create_order,
)
from switchboard.orders.models import DeliveryMethod, Order, OrderStatus, PaymentMethod

router = Router(tags=["orders"])

MAX_LIMIT = 200


class LineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal
    promotions: dict


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    note: str
    author_id: int | None
    at: datetime


class OrderOut(Schema):
    number: str = Field(description="Six characters; read back as ABC-DEF (display_number).")
    display_number: str
    contact_id: int
    call_id: str | None
    status: OrderStatus
    delivery_address: str
    delivery_method: DeliveryMethod
    payment_method: PaymentMethod
    notes: str
    promo_code: str
    currency: str
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    promotions: dict
    cancel_reason: str
    created_by_id: int | None
    created_at: datetime
    confirmed_at: datetime | None
    lines: list[LineOut]
    history: list[StatusChangeOut]

    @staticmethod
    def resolve_call_id(obj) -> str | None:
        return str(obj.call_id) if obj.call_id else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_history(obj):
        return list(obj.history.all())


class OrderSummary(Schema):
    number: str
    display_number: str
    contact_id: int
    status: OrderStatus
    currency: str
    total: Decimal
    created_at: datetime


class OrderPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[OrderSummary]


class OrderFilters(Schema):
    status: OrderStatus | None = None
    contact: int | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class LineIn(Schema):
    sku: str
    quantity: int


class OrderIn(Schema):
    contact_id: int
    call_id: str | None = Field(None, description="The call the order was taken on.")
    lines: list[LineIn]
    promo_code: str = ""
    delivery_address: str = Field("", description="Empty: the contact's address.")
    delivery_method: DeliveryMethod = DeliveryMethod.HOME
    payment_method: PaymentMethod = PaymentMethod.CASH_ON_DELIVERY
    notes: str = ""
    confirm: bool = Field(False, description="Confirm at once (takes the stock).")


class CancelIn(Schema):
    reason: str


class StatusIn(Schema):
    status: OrderStatus
    note: str = ""


ERRORS = {401: ErrorOut, 403: ErrorOut}
ONE = {200: OrderOut, 404: ErrorOut, **INPUT_ERRORS}


@contextmanager
def _field_errors():
    """An action's ValidationError as a 422 whose loc follows the dotted field name."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        errors = []
        for name, messages in exc.message_dict.items():
            loc = ["body", "payload"] + [int(p) if p.isdigit() else p for p in name.split(".")]
            errors += [{"loc": loc, "msg": m, "type": "value_error"} for m in messages]
        raise NinjaValidationError(errors) from None


def _full(order: Order) -> Order:
    return Order.objects.filter(pk=order.pk).prefetch_related("lines", "history").get()


@router.get("", response={200: OrderPage, **INPUT_ERRORS}, summary="List orders, newest first")
def list_orders(request, filters: Query[OrderFilters]):
    queryset = orders_for_user(request.user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.contact:
        queryset = queryset.filter(contact_id=filters.contact)
    total = queryset.count()
    items = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get("/{number}", response={200: OrderOut, 404: ErrorOut, **ERRORS}, summary="Read an order")
def get_order(request, number: str):
    return _full(get_order_for_user(request.user, number))


@router.post("", response={201: OrderOut, 404: ErrorOut, **INPUT_ERRORS}, summary="Take an order")
def create_order(request, payload: OrderIn):
    from django.core.exceptions import PermissionDenied

    if not request.user.has_perm("orders.add_order"):
        raise PermissionDenied
    contact = get_contact_for_user(request.user, payload.contact_id)
    call = get_call_for_user(request.user, payload.call_id) if payload.call_id else None
    data = OrderData(
        contact=contact,
        call=call,
        lines=[LineInput(line.sku, line.quantity) for line in payload.lines],
        promo_code=payload.promo_code,
        delivery_address=payload.delivery_address,
        delivery_method=payload.delivery_method,
        payment_method=payload.payment_method,
        notes=payload.notes,
    )
    with _field_errors():
        order = check_create_order(data, author=request.user, confirm=payload.confirm)
    return Status(201, _full(order))


@router.post("/{number}/confirm", response=ONE, summary="Confirm an order (takes the stock)")
def confirm_order(request, number: str):
    order = get_order_for_user(request.user, number, perm="orders.add_order")
    with _field_errors():
        order = check_confirm_order(order, author=request.user)
    return _full(order)


@router.post("/{number}/cancel", response=ONE, summary="Cancel an order, with the reason")
def cancel_order(request, number: str, payload: CancelIn):
    order = get_order_for_user(request.user, number)
    with _field_errors():
        order = check_cancel_order(order, payload.reason, user=request.user)
    return _full(order)


@router.post("/{number}/status", response=ONE, summary="Move an order along its lifecycle")
def change_status(request, number: str, payload: StatusIn):
    order = get_order_for_user(request.user, number)
    with _field_errors():
        order = check_change_status(order, payload.status, user=request.user, note=payload.note)
    return _full(order)
