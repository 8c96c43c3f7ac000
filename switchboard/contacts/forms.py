from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from switchboard.contacts.actions import ContactData
from switchboard.contacts.models import Contact, ContactKind, Tag


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class ContactForm(forms.Form):
    """The contact's fields as a person edits them; phones, emails and tags one per line."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, widget=forms.RadioSelect)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, in any format, e.g. 01712-345678 or +880 1712 345678."),
    )
    emails = forms.CharField(
        label=_("Emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    do_not_call = forms.BooleanField(label=_("Do not call"), required=False)
    recording_consent = forms.BooleanField(
        label=_("Consents to call recording"), required=False, initial=True
    )
    source = forms.CharField(label=_("Source"), max_length=100, required=False)

    @classmethod
    def for_contact(cls, contact: Contact, data=None):
        initial = {
            "kind": contact.kind,
            "last_name": contact.last_name,
            "first_name": contact.first_name,
            "patronymic": contact.patronymic,
            "organization": contact.organization,
            "phones": "\n".join(p.raw for p in contact.phones.all()),
            "emails": "\n".join(e.address for e in contact.emails.all()),
            "address": contact.address,
            "tags": ", ".join(t.name for t in contact.tags.all()),
            "do_not_call": contact.do_not_call,
            "recording_consent": contact.recording_consent,
            "source": contact.source,
        }
        return cls(data, initial=initial)

    def contact_data(self, *, custom_fields=None) -> ContactData:
        d = self.cleaned_data
        return ContactData(
            kind=d["kind"],
            last_name=d["last_name"],
            first_name=d["first_name"],
            patronymic=d["patronymic"],
            organization=d["organization"],
            address=d["address"],
            phones=[line for line in (d["phones"] or "").splitlines() if line.strip()],
            emails=_lines(d["emails"]),
            tags=_lines(d["tags"]),
            custom_fields=custom_fields or {},
            do_not_call=d["do_not_call"],
            recording_consent=d["recording_consent"],
            source=d["source"],
        )

    def add_validation_error(self, exc: ValidationError) -> None:
        """Show an action's ValidationError on the fields it names."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ContactFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, phone or organization"),
                "autocomplete": "off",
            }
        ),
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.all(),
        required=False,
        to_field_name="name",
        empty_label=_("Any tag"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Anyone"))] + list(ContactKind.choices)
    )
    do_not_call = forms.BooleanField(label=_("Only do-not-call"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Contact number to merge into this one"), min_value=1)
