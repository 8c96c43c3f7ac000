"""Whatever an article's author writes, the page shows no script, handler or javascript: link."""

import pytest
from django.urls import reverse

from switchboard.kb.rendering import plain_text, render_markdown

pytestmark = pytest.mark.django_db

EVIL = """# Offer

<script>alert("owned")</script>
[click me](javascript:alert(1)) and [also](JaVaScRiPt:alert(2))
<img src="x" onerror="alert(3)">
<a href="https://example.com" onclick="alert(4)">site</a>
<div onmouseover="alert(5)" style="position:fixed">hover</div>
<iframe src="https://evil.example"></iframe>
<svg onload="alert(6)"></svg>
**Bold** and a [good link](https://deshibazar.example/offer).
"""


def test_scripts_event_handlers_and_javascript_links_are_stripped():
    html = render_markdown(EVIL)
    lowered = html.lower()
    for bad in (
        "<script",
        "alert(",
        "javascript:",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "<iframe",
        "style=",
        "<svg",
        "<img",
    ):
        assert bad not in lowered, bad
    assert "<strong>Bold</strong>" in html
    assert 'href="https://deshibazar.example/offer"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_the_article_page_shows_the_sanitized_text(agent_client, publish):
    article = publish("Offer", EVIL, language="en")
    page = agent_client.get(reverse("kb:detail", args=[article.pk])).content.decode()
    assert "alert(" not in page and "javascript:" not in page.lower()
    assert "<h1>Offer</h1>" in article.html
    assert "alert" not in plain_text(article.html)


def test_an_agent_cannot_read_a_draft_or_write(agent_client, supervisor):
    from switchboard.kb.actions import ArticleData, check_save_draft

    version = check_save_draft(None, ArticleData(title="Draft", body="x"), author=supervisor)
    assert agent_client.get(reverse("kb:detail", args=[version.article_id])).status_code == 404
    assert agent_client.get(reverse("kb:create")).status_code == 403


def test_a_supervisor_writes_and_publishes_from_the_page(supervisor_client):
    response = supervisor_client.post(
        reverse("kb:create"),
        {
            "language": "bn",
            "title": "রিটার্ন নীতি",
            "body": "সাত দিনের মধ্যে **ফেরত**।",
            "reasons": "Orders, info",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    from switchboard.kb.models import Article

    article = Article.objects.get()
    assert article.is_published and "<strong>ফেরত</strong>" in article.html
    assert article.reason_list == ["orders", "info"]
