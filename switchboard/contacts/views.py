from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from switchboard.contacts.models import Contact


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_list(request):
    contacts = Contact.objects.active()[:50]
    return render(request, "contacts/list.html", {"contacts": contacts})
