from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from switchboard.acd.models import (
    AgentProfile,
    AgentSkill,
    AgentStatus,
    BreakReason,
    Disposition,
    IvrMenu,
    IvrOption,
    Queue,
    QueueSkill,
    Skill,
)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn")
    search_fields = ("code", "name_en", "name_bn")


class QueueSkillInline(admin.TabularInline):
    model = QueueSkill
    extra = 0


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_en",
        "name_bn",
        "priority",
        "strategy",
        "sl_target_percent",
        "sl_target_seconds",
        "record_calls",
    )
    list_filter = ("strategy", "record_calls")
    search_fields = ("code", "name_en", "name_bn")
    filter_horizontal = ("dispositions",)
    inlines = [QueueSkillInline]


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn", "difficult", "ordering")
    list_editable = ("ordering",)


@admin.register(BreakReason)
class BreakReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn")


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "sip_extension", "auto_answer", "is_bot")
    list_filter = ("is_bot", "auto_answer")
    search_fields = ("user__username", "user__sip_extension__number")
    raw_id_fields = ("user",)
    inlines = [AgentSkillInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user__sip_extension")

    @admin.display(description=_("SIP extension"), ordering="user__sip_extension__number")
    def sip_extension(self, profile) -> str:
        extension = getattr(profile.user, "sip_extension", None)
        return extension.number if extension is not None else ""


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin):
    list_display = ("agent", "state", "reason", "since")
    list_filter = ("state",)
    readonly_fields = ("agent", "state", "reason", "since", "call")

    def has_add_permission(self, request):
        return False  # the engine writes these


class IvrOptionInline(admin.TabularInline):
    model = IvrOption
    extra = 0


@admin.register(IvrMenu)
class IvrMenuAdmin(admin.ModelAdmin):
    list_display = ("dialed_number", "default_queue", "ask_language", "record_calls", "active")
    inlines = [IvrOptionInline]
