"""/api/contacts: list and search, read, create, update, look up by phone, add a note.

Every write goes through switchboard.contacts.actions and every read through
switchboard.contacts.access, like the pages do.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from switchboard.contacts.access import contacts_for_user, get_contact_for_user
from switchboard.contacts.actions import (
    ContactData,
    check_add_note,
    check_create_contact,
    check_update_contact,
    find_by_phone,
)
from switchboard.contacts.models import Activity, Contact, ContactKind, Phone, PhoneKind
from switchboard.contacts.phones import InvalidPhone
from switchboard.contacts.search import (
    filter_by_organization,
    filter_by_phone,
    filter_by_tag,
    search_contacts,
)

router = Router(tags=["contacts"])

MAX_LIMIT = 200


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldError]


class PhoneOut(Schema):
    raw: str = Field(description="As it was entered.")
    e164: str
    kind: PhoneKind


class ContactOut(Schema):
    id: int
    kind: ContactKind
    display_name: str
    last_name: str
    first_name: str
    patronymic: str
    organization: str
    address: str
    phones: list[PhoneOut]
    emails: list[str]
    tags: list[str]
    custom_fields: dict[str, Any]
    do_not_call: bool
    recording_consent: bool
    source: str
    owner_id: int | None
    merged_into_id: int | None = Field(
        description="Set when this contact was merged into another one."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_emails(obj) -> list[str]:
        return [e.address for e in obj.emails.all()]

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ContactPage(Schema):
    total: int = Field(description="How many contacts match, on all pages.")
    limit: int
    offset: int
    items: list[ContactOut]


class ContactIn(Schema):
    """A whole contact. A person needs one of the names; an organization its name."""

    kind: ContactKind = ContactKind.PERSON
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    organization: str = ""
    address: str = ""
    phones: list[str] = Field(default_factory=list, description="In any format.")
    emails: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    do_not_call: bool = False
    recording_consent: bool = True
    source: str = ""


class ContactPatch(Schema):
    """Only the fields sent change; a list sent replaces the whole list."""

    kind: ContactKind | None = None
    last_name: str | None = None
    first_name: str | None = None
    patronymic: str | None = None
    organization: str | None = None
    address: str | None = None
    phones: list[str] | None = None
    emails: list[str] | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    do_not_call: bool | None = None
    recording_consent: bool | None = None
    source: str | None = None


class ContactFilters(Schema):
    q: str = Field("", description="A part of a name or organization, in any script, or a phone.")
    phone: str = Field("", description="A phone in any format, or at least 3 of its digits.")
    tag: str = ""
    organization: str = Field("", description="The whole organization name, in any case.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class NoteIn(Schema):
    text: str


class ActivityOut(Schema):
    id: int
    kind: str
    text: str
    author_id: int | None
    created_at: datetime


ERRORS = {401: ErrorOut, 403: ErrorOut}
INPUT_ERRORS = {**ERRORS, 422: ValidationErrorOut}


def _with_details(queryset):
    """What ContactOut reads, in three more queries however long the page is."""
    return queryset.prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("id")), "emails", "tags"
    )


def _contact(request, contact_id: int, perm: str = "contacts.view_contact") -> Contact:
    return get_contact_for_user(request.user, contact_id, perm=perm)


def _full(contact: Contact) -> Contact:
    return _with_details(Contact.objects.filter(pk=contact.pk)).get()


def _phone_error(exc: InvalidPhone) -> NinjaValidationError:
    # The same 422 shape as ninja's own validation errors.
    return NinjaValidationError(
        [{"loc": ["query", "phone"], "msg": str(exc), "type": "invalid_phone"}]
    )


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@router.get("", response={200: ContactPage, **INPUT_ERRORS}, summary="List and search contacts")
def list_contacts(request, filters: Query[ContactFilters]):
    """Contacts matching every filter given, by name; with `q`, names starting with it come
    first (when thousands match, the newest come first instead)."""
    queryset = contacts_for_user(request.user)
    queryset = search_contacts(queryset, filters.q)
    if filters.phone.strip():
        try:
            queryset = filter_by_phone(queryset, filters.phone)
        except InvalidPhone as exc:
            raise _phone_error(exc) from None
    queryset = filter_by_tag(queryset, filters.tag)
    queryset = filter_by_organization(queryset, filters.organization)
    total = queryset.count()
    page = _with_details(queryset[filters.offset : filters.offset + filters.limit])
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": list(page)}


@router.get(
    "/lookup",
    response={200: list[ContactOut], **INPUT_ERRORS},
    summary="Find contacts by phone (caller ID)",
)
def lookup_contacts(request, phone: str):
    """Every active contact with this number, written in any format; newest first."""
    _require(request, "contacts.view_contact")
    try:
        found = find_by_phone(phone)
    except InvalidPhone as exc:
        raise _phone_error(exc) from None
    by_id = {c.pk: c for c in _with_details(Contact.objects.filter(pk__in=[c.pk for c in found]))}
    return [by_id[c.pk] for c in found]


@router.post("", response={201: ContactOut, **INPUT_ERRORS}, summary="Create a contact")
def create_contact(request, payload: ContactIn):
    _require(request, "contacts.add_contact")
    contact = check_create_contact(ContactData(**payload.dict()), author=request.user)
    return Status(201, _full(contact))


@router.get(
    "/{int:contact_id}",
    response={200: ContactOut, 404: ErrorOut, **ERRORS},
    summary="Read a contact",
)
def get_contact(request, contact_id: int):
    return _full(_contact(request, contact_id))


@router.put(
    "/{int:contact_id}",
    response={200: ContactOut, 404: ErrorOut, 409: ErrorOut, **INPUT_ERRORS},
    summary="Replace a contact",
)
def replace_contact(request, contact_id: int, payload: ContactIn):
    contact = _changeable(request, contact_id)
    check_update_contact(contact, ContactData(**payload.dict()), author=request.user)
    return _full(contact)


@router.patch(
    "/{int:contact_id}",
    response={200: ContactOut, 404: ErrorOut, 409: ErrorOut, **INPUT_ERRORS},
    summary="Change some fields of a contact",
)
def update_contact(request, contact_id: int, payload: ContactPatch):
    contact = _changeable(request, contact_id)
    data = _data_of(_full(contact))
    for name, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(data, name, value)
    check_update_contact(contact, data, author=request.user)
    return _full(contact)


@router.post(
    "/{int:contact_id}/notes",
    response={201: ActivityOut, 404: ErrorOut, **INPUT_ERRORS},
    summary="Add a note to a contact's timeline",
)
def add_note(request, contact_id: int, payload: NoteIn):
    contact = _contact(request, contact_id, perm="contacts.add_activity")
    return Status(201, check_add_note(contact, payload.text, author=request.user))


@router.get(
    "/{int:contact_id}/activities",
    response={200: list[ActivityOut], 404: ErrorOut, **ERRORS},
    summary="A contact's timeline, newest first",
)
def list_activities(request, contact_id: int, limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    contact = _contact(request, contact_id)
    _require(request, "contacts.view_activity")
    return list(Activity.objects.filter(contact=contact)[:limit])


def _changeable(request, contact_id: int) -> Contact:
    contact = _contact(request, contact_id, perm="contacts.change_contact")
    if contact.merged_into_id:
        raise HttpError(
            409,
            _("This contact was merged into #%(id)d; change that one.")
            % {"id": contact.merged_into_id},
        )
    return contact


def _data_of(contact: Contact) -> ContactData:
    return ContactData(
        kind=contact.kind,
        last_name=contact.last_name,
        first_name=contact.first_name,
        patronymic=contact.patronymic,
        organization=contact.organization,
        address=contact.address,
        phones=[p.raw for p in contact.phones.all()],
        emails=[e.address for e in contact.emails.all()],
        tags=[t.name for t in contact.tags.all()],
        custom_fields=dict(contact.custom_fields),
        do_not_call=contact.do_not_call,
        recording_consent=contact.recording_consent,
        source=contact.source,
    )
