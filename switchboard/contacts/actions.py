"""Operations on contacts. Views, the API, the importer and later the engine call these;
nothing else saves a contact.

`check_*` validates raw input and raises ValidationError naming the field;
`do_*` opens the transaction and writes.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from switchboard.contacts.models import (
    Activity,
    ActivityKind,
    Contact,
    ContactKind,
    Email,
    Phone,
    PhoneKind,
    Tag,
)
from switchboard.contacts.phones import InvalidPhone, normalize_phone


@dataclass
class ContactData:
    """Everything a form, an API call or an import row can say about a contact."""

    kind: str = ContactKind.PERSON
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    organization: str = ""
    address: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom_fields: dict = field(default_factory=dict)
    do_not_call: bool = False
    recording_consent: bool = True
    source: str = ""


@dataclass
class CleanContact:
    data: ContactData
    e164s: list[tuple[str, str]]  # (as entered, E.164)
    emails: list[str]
    tags: list[str]


def check_contact_data(data: ContactData) -> CleanContact:
    """Validate a contact's data; raise ValidationError with every problem, by field."""
    errors: dict[str, list[str]] = {}
    for name in ("last_name", "first_name", "patronymic", "organization", "address", "source"):
        setattr(data, name, (getattr(data, name) or "").strip())
    if data.kind not in ContactKind.values:
        errors.setdefault("kind", []).append(_("Choose person or organization."))
    if data.kind == ContactKind.ORGANIZATION and not data.organization:
        errors.setdefault("organization", []).append(_("An organization needs its name."))
    if data.kind == ContactKind.PERSON and not (
        data.last_name or data.first_name or data.patronymic
    ):
        errors.setdefault("first_name", []).append(
            _("Give at least one of last name, first name or patronymic.")
        )
    limits = {
        "last_name": 100,
        "first_name": 100,
        "patronymic": 100,
        "organization": 200,
        "source": 100,
    }
    for name, limit in limits.items():
        if len(getattr(data, name)) > limit:
            errors.setdefault(name, []).append(
                _("At most %(limit)d characters.") % {"limit": limit}
            )
    e164s: list[tuple[str, str]] = []
    seen = set()
    for raw in data.phones:
        if not (raw or "").strip():
            continue
        try:
            e164 = normalize_phone(raw)
        except InvalidPhone as exc:
            errors.setdefault("phones", []).append(str(exc))
            continue
        if e164 not in seen:
            seen.add(e164)
            e164s.append((raw.strip(), e164))
    emails = []
    for address in data.emails:
        address = (address or "").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors.setdefault("emails", []).append(
                _("“%(value)s” is not an email address.") % {"value": address}
            )
            continue
        if address.lower() not in {e.lower() for e in emails}:
            emails.append(address)
    tags = sorted({t.strip()[:64] for t in data.tags if t and t.strip()})
    if not isinstance(data.custom_fields, dict):
        errors.setdefault("custom_fields", []).append(_("Custom fields must be names with values."))
    if errors:
        raise ValidationError(errors)
    return CleanContact(data=data, e164s=e164s, emails=emails, tags=tags)


def _tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    return [existing[n] for n in names]


def _apply_fields(contact: Contact, data: ContactData) -> None:
    for name in (
        "kind",
        "last_name",
        "first_name",
        "patronymic",
        "organization",
        "address",
        "custom_fields",
        "do_not_call",
        "recording_consent",
    ):
        setattr(contact, name, getattr(data, name))


@transaction.atomic
def do_create_contact(clean: CleanContact, *, author=None, owner=None) -> Contact:
    contact = Contact(source=clean.data.source, owner=owner)
    _apply_fields(contact, clean.data)
    contact.save()
    Phone.objects.bulk_create(
        [
            Phone(contact=contact, raw=raw, e164=e164, kind=PhoneKind.MOBILE)
            for raw, e164 in clean.e164s
        ]
    )
    Email.objects.bulk_create([Email(contact=contact, address=a) for a in clean.emails])
    if clean.tags:
        contact.tags.set(_tags(clean.tags))
    return contact


def check_create_contact(data: ContactData, *, author=None, owner=None) -> Contact:
    return do_create_contact(check_contact_data(data), author=author, owner=owner)


@transaction.atomic
def do_update_contact(contact: Contact, clean: CleanContact, *, author=None) -> Contact:
    """Replace the contact's fields, phones, emails and tags with the given ones."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _apply_fields(contact, clean.data)
    if clean.data.source:
        contact.source = clean.data.source
    contact.save()
    wanted = {e164: raw for raw, e164 in clean.e164s}
    contact.phones.exclude(e164__in=wanted).delete()
    have = set(contact.phones.values_list("e164", flat=True))
    Phone.objects.bulk_create(
        [Phone(contact=contact, raw=raw, e164=e) for e, raw in wanted.items() if e not in have]
    )
    contact.emails.exclude(address__in=clean.emails).delete()
    have_emails = set(contact.emails.values_list("address", flat=True))
    Email.objects.bulk_create(
        [Email(contact=contact, address=a) for a in clean.emails if a not in have_emails]
    )
    contact.tags.set(_tags(clean.tags))
    return contact


def check_update_contact(contact: Contact, data: ContactData, *, author=None) -> Contact:
    return do_update_contact(contact, check_contact_data(data), author=author)


def do_add_activity(
    contact: Contact, kind: str, text: str = "", *, author=None, data=None
) -> Activity:
    """Append an entry to a contact's timeline (notes here; calls, orders, tickets elsewhere)."""
    return Activity.objects.create(
        contact=contact, kind=kind, text=text, author=author, data=data or {}
    )


def check_add_note(contact: Contact, text: str, *, author) -> Activity:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if len(text) > 10000:
        raise ValidationError({"text": _("A note holds at most 10,000 characters.")})
    return do_add_activity(contact, ActivityKind.NOTE, text, author=author)


def find_by_phone(raw: str) -> list[Contact]:
    """Contacts having this number, whatever format it is written in (the caller-ID lookup).

    Raises InvalidPhone when the text cannot be a phone number.
    """
    e164 = normalize_phone(raw)
    return list(
        Contact.objects.active().filter(phones__e164=e164).distinct().order_by("-updated_at", "id")
    )


def find_duplicates(contact: Contact) -> list[Contact]:
    """Other contacts that share a phone with this one, or the same organization name."""
    condition = Q(phones__e164__in=contact.phones.values("e164"))
    if contact.organization:
        condition |= Q(organization__iexact=contact.organization)
    return list(Contact.objects.active().filter(condition).exclude(pk=contact.pk).distinct())


def check_merge_contacts(keep: Contact, other: Contact, *, author=None) -> Contact:
    if keep.pk == other.pk:
        raise ValidationError(_("A contact cannot be merged with itself."))
    if keep.merged_into_id or other.merged_into_id:
        raise ValidationError(_("One of these contacts was already merged into another."))
    return do_merge_contacts(keep, other, author=author)


@transaction.atomic
def do_merge_contacts(keep: Contact, other: Contact, *, author=None) -> Contact:
    """Fold `other` into `keep`: every phone, email, tag, activity and blank field moves over.

    `other` stays as a tombstone pointing at `keep`, so links to it still resolve.
    """
    keep = Contact.objects.select_for_update().get(pk=keep.pk)
    other = Contact.objects.select_for_update().get(pk=other.pk)
    for name in ("last_name", "first_name", "patronymic", "organization", "address"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    keep.custom_fields = {**other.custom_fields, **keep.custom_fields}
    # Consent is the stricter of the two: a "do not call" recorded on either one stands.
    keep.do_not_call = keep.do_not_call or other.do_not_call
    keep.recording_consent = keep.recording_consent and other.recording_consent
    if keep.owner_id is None:
        keep.owner_id = other.owner_id
    keep.save()
    have = set(keep.phones.values_list("e164", flat=True))
    other.phones.filter(e164__in=have).delete()
    other.phones.update(contact=keep)
    have_emails = {a.lower() for a in keep.emails.values_list("address", flat=True)}
    for email in list(other.emails.all()):
        if email.address.lower() in have_emails:
            email.delete()
        else:
            email.contact = keep
            email.save(update_fields=["contact"])
    keep.tags.add(*other.tags.all())
    other.activities.update(contact=keep)
    other.merged_into = keep
    other.save(update_fields=["merged_into", "updated_at"])
    do_add_activity(
        keep,
        ActivityKind.MERGE,
        _("Merged with “%(name)s” (#%(id)d).") % {"name": other.display_name, "id": other.pk},
        author=author,
        data={"merged_id": other.pk},
    )
    return keep
