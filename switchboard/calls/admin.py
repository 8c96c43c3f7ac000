from django.contrib import admin

from switchboard.calls.models import Call, CallMonitoring


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
    )
    list_filter = ("direction", "outcome", "queue")
    search_fields = ("caller_number", "dialed_number", "id")
    date_hierarchy = "arrived_at"
    raw_id_fields = ("contact", "agent")
    list_select_related = ("queue", "agent")
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False  # call records are never deleted by hand


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
