from django.contrib import admin

from switchboard.scripts.models import Script, ScriptRun, ScriptStep


class ScriptStepInline(admin.StackedInline):
    model = ScriptStep
    extra = 0
    fields = (
        ("order", "key", "kind", "required"),
        "text_en",
        "text_bn",
        ("answer_type", "choices"),
        ("next_key", "branches"),
    )


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn", "queue", "campaign", "active")
    list_filter = ("active", "queue")
    inlines = [ScriptStepInline]


@admin.register(ScriptStep)
class ScriptStepAdmin(admin.ModelAdmin):
    list_display = ("script", "order", "key", "kind", "required", "next_key")
    list_filter = ("script",)


@admin.register(ScriptRun)
class ScriptRunAdmin(admin.ModelAdmin):
    list_display = (
        "script",
        "agent",
        "call",
        "started_at",
        "finished_at",
        "required_done",
        "required_total",
    )
    list_filter = ("script",)
    raw_id_fields = ("call", "agent")
    readonly_fields = ("started_at",)
