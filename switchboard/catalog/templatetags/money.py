"""`{{ amount|money }}`: an amount with the currency of the settings (or of an order)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

register = template.Library()

SYMBOLS = {"BDT": "৳", "INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


@register.filter
def money(value, currency=None):
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    code = currency or settings.SWITCHBOARD["CURRENCY"]
    return f"{SYMBOLS.get(code, code + ' ')}{amount:,.2f}"
