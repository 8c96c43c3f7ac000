import contextlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from switchboard.orders.actions import LineInput
from switchboard.orders.models import DeliveryMethod, OrderStatus, PaymentMethod


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any"))] + OrderStatus.choices, required=False
    )
    contact = forms.IntegerField(label=_("Contact #"), required=False, min_value=1)
    q = forms.CharField(
        label=_("Order number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class OrderForm(forms.Form):
    """The order being taken: lines as parallel lists `line_sku` / `line_qty`, the rest
    as plain fields. Nothing here is priced; the server prices on every change."""

    promo_code = forms.CharField(label=_("Promo code"), required=False, max_length=32)
    delivery_method = forms.ChoiceField(
        label=_("Delivery"), choices=DeliveryMethod.choices, initial=DeliveryMethod.HOME
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH_ON_DELIVERY
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the contact's address."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.lines: list[LineInput] = []
        if data is not None:
            skus = data.getlist("line_sku")
            quantities = data.getlist("line_qty")
            self.lines = [
                LineInput(sku=s, quantity=q) for s, q in zip(skus, quantities, strict=False) if s
            ]
        self.line_errors: dict[int, list[str]] = {}

    def add_line(self, sku: str) -> None:
        sku = (sku or "").strip().upper()
        for line in self.lines:
            if line.sku.strip().upper() == sku:
                try:
                    line.quantity = int(line.quantity) + 1
                except (TypeError, ValueError):
                    line.quantity = 1
                return
        self.lines.append(LineInput(sku=sku, quantity=1))

    def remove_line(self, index: str) -> None:
        with contextlib.suppress(ValueError, IndexError):
            del self.lines[int(index)]

    def add_validation_error(self, exc: ValidationError) -> None:
        """Put an action's errors next to their fields: lines by number, the rest by name."""
        for name, messages in exc.message_dict.items():
            if name.startswith("lines."):
                index = int(name.split(".")[1])
                self.line_errors.setdefault(index, []).extend(messages)
            elif name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            else:
                for message in messages:
                    self.add_error(None, message)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=OrderStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
