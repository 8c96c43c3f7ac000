import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from switchboard.tickets.actions import TicketData
from switchboard.tickets.models import Category, Department, Severity, Status, TicketKind

_ORDER_SEPARATORS = re.compile(r"[\s,;]+")


class TicketForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TicketKind.choices, initial=TicketKind.COMPLAINT
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    orders = forms.CharField(
        label=_("Orders concerned"),
        required=False,
        help_text=_("Order numbers, separated by commas or spaces."),
    )
    demand = forms.CharField(
        label=_("Customer's demand"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def ticket_data(self, *, contact=None, call=None) -> TicketData:
        d = self.cleaned_data
        return TicketData(
            kind=d["kind"],
            category=d["category"],
            severity=d["severity"],
            subject=d["subject"],
            description=d["description"],
            orders=[o for o in _ORDER_SEPARATORS.split(d["orders"]) if o],
            demand=d["demand"],
            contact=contact,
            call=call,
        )

    def add_validation_error(self, exc) -> None:
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class ForwardForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), empty_label=None
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.filter(departments__isnull=False).distinct(),
        required=False,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    text = forms.CharField(
        label=_("Resolution told to the customer, or a comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution told to the customer"), widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkListFilter(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open")), ("all", _("All"))] + list(Status.choices),
        required=False,
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
