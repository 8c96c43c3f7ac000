from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from switchboard.calls.models import Call, CallMonitoring, Recording, RecordingStatus


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = (
        "arrived_at",
        "direction",
        "caller_number",
        "dialed_number",
        "queue",
        "agent",
        "outcome",
        "wait_seconds",
        "talk_seconds",
        "hold_seconds",
    )
    list_filter = ("direction", "outcome", "queue")
    search_fields = ("caller_number", "dialed_number", "id")
    date_hierarchy = "arrived_at"
    raw_id_fields = ("contact", "agent")
    list_select_related = ("queue", "agent")
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False  # call records are never deleted by hand


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    """Read-only: recordings are made by the engine and its background worker."""

    list_display = ("created_at", "call", "status", "duration_seconds", "channels", "call_page")
    list_filter = ("status",)
    search_fields = ("call__id", "call__caller_number")
    raw_id_fields = ("call",)
    list_select_related = ("call",)
    date_hierarchy = "created_at"
    actions = ["convert_again"]

    @admin.action(description=_("Convert the failed recordings again"))
    def convert_again(self, request, queryset):
        from switchboard.calls.tasks import convert_recording

        failed = list(queryset.filter(status=RecordingStatus.FAILED).values_list("pk", flat=True))
        for pk in failed:
            convert_recording.enqueue(pk)
        self.message_user(
            request,
            ngettext(
                "%(count)d recording queued for conversion.",
                "%(count)d recordings queued for conversion.",
                len(failed),
            )
            % {"count": len(failed)},
        )

    @admin.display(description=_("call page"))
    def call_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.call.get_absolute_url(), _("Play"))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallMonitoring)
class CallMonitoringAdmin(admin.ModelAdmin):
    """Who listened to which call, and when: a log, read only."""

    list_display = (
        "requested_at",
        "supervisor",
        "call",
        "mode",
        "started_at",
        "ended_at",
        "end_reason",
    )
    list_filter = ("mode", "end_reason")
    search_fields = ("call__id", "call__caller_number", "supervisor__username")
    date_hierarchy = "requested_at"
    raw_id_fields = ("call", "supervisor")
    list_select_related = ("call", "supervisor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
