"""Who may see an order: anyone who may view orders (a caller's orders are looked up by
whoever answers); changing one is decided in actions (check_cancel_order ...)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from switchboard.orders.models import Order, normalize_order_number


def orders_for_user(user):
    if not user.is_authenticated or not user.has_perm("orders.view_order"):
        raise PermissionDenied
    return Order.objects.all()


def get_order_for_user(user, number: str, *, perm: str = "orders.view_order") -> Order:
    """The order by its number (in any case, with or without the dash)."""
    if not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied
    try:
        return Order.objects.select_related("contact", "call", "created_by").get(
            number=normalize_order_number(number)
        )
    except Order.DoesNotExist:
        raise Http404 from None
