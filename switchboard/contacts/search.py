from django.db.models import Q


def search_contacts(queryset, text):
    text = (text or "").strip().casefold()
    if not text:
        return queryset
    return queryset.filter(
        Q(search_name__contains=text) | Q(phones__e164__contains=text)
    ).distinct()
