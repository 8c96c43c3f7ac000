from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from switchboard.contacts.access import contacts_for_user, get_contact_for_user
from switchboard.contacts.actions import (
    check_add_note,
    check_create_contact,
    check_merge_contacts,
    check_update_contact,
    find_duplicates,
)
from switchboard.contacts.forms import ContactFilterForm, ContactForm, MergeForm, NoteForm
from switchboard.contacts.models import Activity, Phone
from switchboard.contacts.search import search_contacts


def filtered_contacts(user, params):
    """The contacts a user may list, narrowed by the list page's filters (also used by export)."""
    form = ContactFilterForm(params or None)
    contacts = contacts_for_user(user)
    if form.is_valid():
        data = form.cleaned_data
        contacts = search_contacts(contacts, data["q"])
        if data["tag"]:
            contacts = contacts.filter(tags=data["tag"])
        if data["kind"]:
            contacts = contacts.filter(kind=data["kind"])
        if data["do_not_call"]:
            contacts = contacts.filter(do_not_call=True)
    return form, contacts


@login_required
def contact_list(request):
    form, contacts = filtered_contacts(request.user, request.GET)
    contacts = contacts.prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("id")), "tags"
    ).order_by("display_name", "id")
    page = Paginator(contacts, settings.SWITCHBOARD["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "contacts/partials/results.html" if request.htmx else "contacts/list.html"
    return render(request, template, context)


@login_required
def contact_detail(request, contact_id):
    contact = get_contact_for_user(request.user, contact_id)
    if contact.merged_into_id:
        messages.info(request, _("This contact was merged into another one."))
        return redirect("contacts:detail", contact.merged_into_id)
    timeline = (
        Activity.objects.filter(contact=contact)
        .select_related("author")
        .order_by("-created_at", "-id")[:100]
    )
    context = {
        "contact": contact,
        "phones": contact.phones.all(),
        "emails": contact.emails.all(),
        "tags": contact.tags.all(),
        "timeline": timeline,
        "duplicates": find_duplicates(contact),
        "note_form": NoteForm(),
        "can_edit": request.user.has_perm("contacts.change_contact"),
        "can_merge": request.user.has_perm("contacts.merge_contacts"),
    }
    return render(request, "contacts/detail.html", context)


@login_required
def contact_create(request):
    if not request.user.has_perm("contacts.add_contact"):
        raise PermissionDenied
    form = ContactForm(
        request.POST or None, initial={"kind": "person", "phones": request.GET.get("phone", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = check_create_contact(
                form.contact_data(), author=request.user, owner=request.user
            )
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("contacts:detail", contact.pk)
    return render(request, "contacts/form.html", {"form": form, "contact": None})


@login_required
def contact_edit(request, contact_id):
    contact = get_contact_for_user(request.user, contact_id, perm="contacts.change_contact")
    form = ContactForm.for_contact(contact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_update_contact(
                contact, form.contact_data(custom_fields=contact.custom_fields), author=request.user
            )
        except ValidationError as exc:
            form.add_validation_error(exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("contacts:detail", contact.pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def add_note(request, contact_id):
    contact = get_contact_for_user(request.user, contact_id, perm="contacts.add_activity")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            check_add_note(contact, form.cleaned_data["text"], author=request.user)
        except ValidationError as exc:
            form.add_error("text", exc)
    if request.htmx:
        timeline = contact.activities.select_related("author").order_by("-created_at", "-id")[:100]
        note_form = form if form.errors else NoteForm()
        return render(
            request,
            "contacts/partials/timeline.html",
            {"contact": contact, "timeline": timeline, "note_form": note_form},
        )
    if form.errors:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("contacts:detail", contact.pk)


@login_required
def merge(request, contact_id):
    contact = get_contact_for_user(request.user, contact_id, perm="contacts.merge_contacts")
    form = MergeForm(request.POST or request.GET or None)
    other = None
    if form.is_valid():
        other = get_contact_for_user(
            request.user, form.cleaned_data["other"], perm="contacts.merge_contacts"
        )
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                check_merge_contacts(contact, other, author=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The contacts are merged."))
                return redirect("contacts:detail", contact.pk)
    context = {
        "contact": contact,
        "other": other,
        "form": form,
        "duplicates": find_duplicates(contact),
    }
    return render(request, "contacts/merge.html", context)
