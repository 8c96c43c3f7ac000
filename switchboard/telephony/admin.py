"""Admin for telephony: extensions and trunks with a password field (only the HA1 is kept),
prompts with an upload that is checked and converted. Every save goes through actions.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from switchboard.telephony import actions
from switchboard.telephony.models import Extension, Prompt, Trunk

PASSWORD_HELP = _(
    "Only a digest hash of it is stored; it cannot be shown again. Leave empty to keep the "
    "current one."
)


def _password_field(label):
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )


class ExtensionForm(forms.ModelForm):
    password = _password_field(_("SIP password"))

    class Meta:
        model = Extension
        fields = ["user", "number", "active"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        existing = self.instance if self.instance.pk else None
        if existing is not None:
            # The form has already copied the new number onto the instance: compare with the saved one.
            existing = Extension.objects.get(pk=existing.pk)
        try:
            cleaned["number"] = actions.validate_extension(
                existing,
                user=cleaned.get("user"),
                number=cleaned.get("number", ""),
                password=cleaned.get("password") or None,
            )
        except ValidationError as exc:
            _add_errors(self, exc)
        return cleaned


TRUNK_FIELDS = [
    "name",
    "active",
    "inbound_mode",
    "allowed_addresses",
    "username",
    "outbound_host",
    "outbound_port",
    "caller_id",
]


class TrunkForm(forms.ModelForm):
    password = _password_field(_("registration password"))

    class Meta:
        model = Trunk
        fields = TRUNK_FIELDS
        widgets = {"allowed_addresses": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        existing = Trunk.objects.get(pk=self.instance.pk) if self.instance.pk else None
        data = actions.TrunkData(**{f: cleaned.get(f) for f in TRUNK_FIELDS})
        try:
            self.trunk_data = actions.validate_trunk(existing, data, cleaned.get("password"))
        except ValidationError as exc:
            _add_errors(self, exc)
        return cleaned


class PromptForm(forms.ModelForm):
    class Meta:
        model = Prompt
        fields = ["menu", "name", "language", "audio"]
        widgets = {"audio": forms.ClearableFileInput(attrs={"accept": ".wav,audio/wav"})}

    def clean(self):
        cleaned = super().clean()
        upload = self.files.get("audio")
        if self.errors:
            return cleaned
        if upload is None and not self.instance.pk:
            self.add_error("audio", _("Upload a WAV file."))
            return cleaned
        duplicate = Prompt.objects.filter(
            menu=cleaned.get("menu"), name=cleaned.get("name"), language=cleaned.get("language")
        ).exclude(pk=self.instance.pk)
        if duplicate.exists():
            self.add_error(
                "name", _("This menu already has this prompt in this language: change that one.")
            )
            return cleaned
        if upload is not None:
            try:
                self.audio = actions.validate_prompt(
                    name=cleaned.get("name", ""),
                    language=cleaned.get("language", ""),
                    data=upload.read(),
                )
            except ValidationError as exc:
                _add_errors(self, exc)
        return cleaned


def _add_errors(form, exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    form = ExtensionForm
    list_display = ("number", "user", "active", "has_password")
    list_filter = ("active",)
    search_fields = ("number", "user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)

    @admin.display(boolean=True, description=_("password set"))
    def has_password(self, obj):
        return obj.has_password

    def get_readonly_fields(self, request, obj=None):
        # A phone changes hands by giving the new person an extension of their own.
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = actions.do_save_extension(
            Extension.objects.get(pk=obj.pk) if change else None,
            user=form.cleaned_data.get("user"),
            number=form.cleaned_data["number"],
            active=form.cleaned_data["active"],
            password=form.cleaned_data.get("password") or None,
        )
        obj.pk, obj.ha1 = saved.pk, saved.ha1


@admin.register(Trunk)
class TrunkAdmin(admin.ModelAdmin):
    form = TrunkForm
    list_display = ("name", "inbound_mode", "outbound_host", "caller_id", "active")
    list_filter = ("inbound_mode", "active")
    search_fields = ("name", "username", "outbound_host", "caller_id")

    def save_model(self, request, obj, form, change):
        saved = actions.do_save_trunk(
            Trunk.objects.get(pk=obj.pk) if change else None,
            form.trunk_data,
            form.cleaned_data.get("password") or None,
        )
        obj.pk = saved.pk


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    form = PromptForm
    list_display = ("name", "language", "menu", "duration_ms", "generated", "listen")
    list_filter = ("name", "language", "generated")
    readonly_fields = ("listen", "duration_ms", "generated")

    @admin.display(description=_("listen"))
    def listen(self, obj):
        if obj is None or not obj.pk:
            return "-"
        url = reverse("admin:telephony_prompt_audio", args=[obj.pk])
        label = _("Play %(prompt)s") % {"prompt": obj}
        return format_html(
            '<audio controls preload="none" src="{}" aria-label="{}"></audio>', url, label
        )

    def get_urls(self):
        audio = path(
            "<int:prompt_id>/audio/",
            self.admin_site.admin_view(self.audio_view),
            name="telephony_prompt_audio",
        )
        return [audio, *super().get_urls()]

    def audio_view(self, request, prompt_id: int):
        """The WAV itself, for the admin's player (media files are not served publicly)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        prompt = get_object_or_404(Prompt, pk=prompt_id)
        try:
            handle = prompt.audio.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, content_type="audio/wav")

    def save_model(self, request, obj, form, change):
        audio = getattr(form, "audio", None)
        if audio is None:  # only the menu, name or language changed
            actions.do_move_prompt(
                Prompt.objects.get(pk=obj.pk),
                menu=form.cleaned_data["menu"],
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
            )
            return
        if change:
            old = Prompt.objects.get(pk=obj.pk)
            if (old.menu_id, old.name, old.language) != (obj.menu_id, obj.name, obj.language):
                actions.do_delete_prompt(old)
        data, info = audio
        saved = actions.do_save_prompt(
            menu=form.cleaned_data["menu"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            audio=data,
            duration_ms=info.duration_ms,
            generated=False,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.do_delete_prompt(obj)

    def delete_queryset(self, request, queryset):
        for prompt in queryset:
            actions.do_delete_prompt(prompt)
