"""Stock moves of orders: taken at confirmation, put back on cancellation or return.

Both run inside the caller's transaction.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from switchboard.catalog.models import Product
from switchboard.orders.models import Order, OrderLine


class OutOfStock(ValidationError):
    """Not enough left of a product to confirm: one order gets the last unit, the other this."""


def take_stock(lines: list[OrderLine]) -> None:
    """Decrement stock for every counted product, or raise OutOfStock and change nothing.

    Rows are locked in id order (so two orders of the same products cannot deadlock),
    and each decrement is conditional (`stock >= qty`), so even without the lock two
    sales can never take the same last unit.
    """
    wanted: dict[int, int] = defaultdict(int)
    first_line: dict[int, int] = {}
    for i, line in enumerate(lines):
        wanted[line.product_id] += line.quantity
        first_line.setdefault(line.product_id, i)
    locked = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(pk__in=wanted, stock__isnull=False)
        .order_by("pk")
    }
    errors = {}
    for pid in sorted(locked):
        taken = Product.objects.filter(pk=pid, stock__gte=wanted[pid]).update(
            stock=F("stock") - wanted[pid]
        )
        if not taken:
            left = Product.objects.filter(pk=pid).values_list("stock", flat=True).first() or 0
            errors[f"lines.{first_line[pid]}.quantity"] = [
                _("Out of stock: %(left)d left of “%(name)s” (%(sku)s), %(wanted)d wanted.")
                % {
                    "left": left,
                    "name": locked[pid].name,
                    "sku": locked[pid].sku,
                    "wanted": wanted[pid],
                }
            ]
    if errors:
        # The transaction rolls back the decrements made before the failing line.
        raise OutOfStock(errors)


def put_back(order: Order) -> None:
    back: dict[int, int] = defaultdict(int)
    for line in order.lines.all():
        back[line.product_id] += line.quantity
    list(Product.objects.select_for_update().filter(pk__in=back).order_by("pk"))
    for pid in sorted(back):
        Product.objects.filter(pk=pid, stock__isnull=False).update(stock=F("stock") + back[pid])
