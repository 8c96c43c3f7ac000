"""The order form's running price: what the operator sees while adding lines.

Lines that cannot be priced yet (an unknown SKU, a bad quantity) are shown with their
error and left out of the totals; confirming re-checks everything in actions.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from switchboard.catalog.models import Product
from switchboard.orders.actions import _quantity, check_promo_code, price


@dataclass
class Row:
    index: int
    sku: str
    quantity: object
    product: Product | None = None
    priced: object = None
    errors: list[str] = field(default_factory=list)
    promotions: list[tuple[str, object]] = field(default_factory=list)


def build(form, contact) -> dict:
    skus = {line.sku.strip().upper() for line in form.lines}
    found = {p.sku: p for p in Product.objects.filter(sku__in=skus).select_related("category")}
    rows = []
    for i, line in enumerate(form.lines):
        sku = line.sku.strip().upper()
        row = Row(index=i, sku=sku, quantity=line.quantity, product=found.get(sku))
        row.errors = list(form.line_errors.get(i, []))
        rows.append(row)
    code = ""
    raw_code = form.data.get("promo_code", "") if form.is_bound else ""
    if raw_code.strip():
        try:
            code = check_promo_code(raw_code, contact)
        except ValidationError as exc:
            if "promo_code" not in form.errors:
                form.add_error("promo_code", exc.message_dict["promo_code"])
    priceable = [
        r for r in rows if r.product is not None and r.product.active and _quantity(r.quantity)
    ]
    quote = price(
        [r.product for r in priceable], [_quantity(r.quantity) for r in priceable], contact, code
    )
    for row, priced in zip(priceable, quote.lines, strict=True):
        row.priced = priced
        row.promotions = [(quote.names.get(k, k), v) for k, v in priced.applied.items()]
    applied = [(quote.names.get(k, k), v) for k, v in quote.applied.items()]
    return {"rows": rows, "quote": quote, "applied": applied}
