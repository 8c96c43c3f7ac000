from django.contrib import admin

from switchboard.calls.models import Call


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
