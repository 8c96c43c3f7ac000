from django import forms
from django.utils.translation import gettext_lazy as _

from switchboard.acd.models import Queue
from switchboard.kb.actions import ArticleData
from switchboard.kb.models import Category, Language


class ArticleForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("**bold**, *italic*, lists with “- ”, links as [text](https://…)."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=300)
    reasons = forms.CharField(
        label=_("Answers call reasons"),
        required=False,
        max_length=300,
        help_text=_("IVR reasons or disposition codes, e.g. “orders, complaints”."),
    )
    queues = forms.ModelMultipleChoiceField(
        label=_("Answers calls of queues"), queryset=Queue.objects.all(), required=False
    )

    @classmethod
    def for_article(cls, article, version=None, data=None):
        source = version or article
        return cls(
            data,
            initial={
                "language": article.language,
                "title": source.title,
                "body": source.body,
                "category": article.category_id,
                "tags": article.tags,
                "reasons": ", ".join(article.reason_list),
                "queues": list(article.queues.all()),
            },
        )

    def article_data(self) -> ArticleData:
        d = self.cleaned_data
        return ArticleData(
            title=d["title"],
            body=d["body"],
            language=d["language"],
            category=d["category"],
            tags=d["tags"],
            reasons=d["reasons"],
            queues=list(d["queues"]),
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge base"), required=False, max_length=200)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Both"))] + list(Language.choices), required=False
    )
