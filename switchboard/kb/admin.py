from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from switchboard.kb.actions import do_publish
from switchboard.kb.models import Article, ArticleFeedback, ArticleVersion, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_bn")


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    fields = ("number", "title", "author", "created_at", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Titles and texts change through versions (the site's editor); here, classification."""

    list_display = ("title", "language", "category", "status", "reasons", "published_at")
    list_filter = ("status", "language", "category")
    search_fields = ("title", "tags", "reasons")
    filter_horizontal = ("queues",)
    readonly_fields = ("title", "body", "status", "published_at", "created_at", "updated_at")
    fields = (
        "title",
        "language",
        "category",
        "tags",
        "reasons",
        "queues",
        "status",
        "body",
        "published_at",
    )
    inlines = [ArticleVersionInline]

    def has_add_permission(self, request):
        return False  # new articles are written on the site, as drafts


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "title", "author", "created_at", "published_at")
    raw_id_fields = ("article", "author")
    actions = ["publish"]

    @admin.action(description=_("Publish the selected versions"), permissions=["change"])
    def publish(self, request, queryset):
        for version in queryset.select_related("article"):
            do_publish(version, author=request.user)
        messages.success(request, _("Published."))


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ("article", "user", "helpful", "call", "created_at")
    list_filter = ("helpful",)
    raw_id_fields = ("article", "user", "call")
