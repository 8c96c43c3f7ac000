from django import forms
from django.contrib import admin

from switchboard.contacts.models import Activity, Contact, Email, Phone, Tag
from switchboard.contacts.phones import InvalidPhone, normalize_phone


class PhoneForm(forms.ModelForm):
    """Phones typed in admin are normalized like everywhere else, or refused with the reason."""

    class Meta:
        model = Phone
        fields = ("raw", "kind")

    def clean_raw(self):
        raw = self.cleaned_data["raw"]
        try:
            self.instance.e164 = normalize_phone(raw)
        except InvalidPhone as exc:
            raise forms.ValidationError(str(exc)) from None
        return raw


class PhoneInline(admin.TabularInline):
    model = Phone
    form = PhoneForm
    extra = 0
    fields = ("raw", "e164", "kind")
    readonly_fields = ("e164",)


class EmailInline(admin.TabularInline):
    model = Email
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("display_name", "kind", "organization", "do_not_call", "owner", "updated_at")
    list_filter = ("kind", "do_not_call", "recording_consent", "tags")
    search_fields = ("display_name", "organization", "phones__e164")
    readonly_fields = ("display_name", "merged_into", "created_at", "updated_at")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("tags",)
    inlines = [PhoneInline, EmailInline]
    list_select_related = ("owner",)
    show_full_result_count = False


@admin.register(Phone)
class PhoneAdmin(admin.ModelAdmin):
    form = PhoneForm
    list_display = ("e164", "raw", "kind", "contact")
    search_fields = ("e164", "raw")
    raw_id_fields = ("contact",)


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("address", "contact")
    search_fields = ("address",)
    raw_id_fields = ("contact",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("contact", "kind", "author", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("contact",)
    search_fields = ("text",)


from switchboard.contacts import admin_import  # noqa: F401,E402  (registers the import models)
