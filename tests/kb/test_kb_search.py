"""Article search ranks and highlights in Bengali and English, on SQLite and PostgreSQL alike
(the suite runs on both: scripts/run-tests)."""

import pytest
from django.urls import reverse

from switchboard.kb.actions import ArticleData, check_publish_latest, check_save_draft
from switchboard.kb.search import search_articles

pytestmark = pytest.mark.django_db


def titles(text, **kwargs):
    return [hit.article.title for hit in search_articles(text, **kwargs)]


def test_an_english_title_match_ranks_above_a_match_in_the_text(publish):
    publish(
        "Payment methods", "We take cards and bKash. Delivery is paid on arrival.", language="en"
    )
    publish("Delivery times", "Inside Dhaka two days, outside five.", language="en")
    publish("Returns", "Return within seven days.", language="en")
    assert titles("delivery") == ["Delivery times", "Payment methods"]


def test_a_bengali_title_match_ranks_above_a_match_in_the_text(publish):
    publish("মূল্য পরিশোধ", "বিকাশ ও কার্ডে মূল্য নেওয়া হয়। ডেলিভারির সময় নগদ দেওয়া যায়।", language="bn")
    publish("ডেলিভারি কত দিনে হয়?", "ঢাকার ভিতরে দুই দিনে, বাইরে পাঁচ দিনে।", language="bn")
    publish("পণ্য ফেরত", "সাত দিনের মধ্যে ফেরত দেওয়া যায়।", language="bn")
    # The Bengali word is matched as a prefix: "ডেলিভারির" (of delivery) is found too.
    assert titles("ডেলিভারি") == ["ডেলিভারি কত দিনে হয়?", "মূল্য পরিশোধ"]


def test_every_word_must_match_and_a_partial_last_word_finds_as_you_type(publish):
    publish("Delivery times", "Inside Dhaka two days.", language="en")
    publish("Delivery charges", "Outside Dhaka 120 taka.", language="en")
    assert titles("delivery char") == ["Delivery charges"]
    assert titles("DELIVERY dhaka") == ["Delivery charges", "Delivery times"] or titles(
        "DELIVERY dhaka"
    ) == ["Delivery times", "Delivery charges"]
    assert titles("ঢাকা") == []


def test_matches_are_highlighted_and_the_rest_escaped(publish):
    publish("ডেলিভারি <fast> delivery", "অর্ডারের ডেলিভারি ঢাকায় দুই দিনে।", language="bn")
    [hit] = search_articles("ডেলি")
    assert hit.title_html == "<mark>ডেলিভারি</mark> &lt;fast&gt; delivery"
    assert "<mark>ডেলিভারি</mark> ঢাকায়" in hit.snippet_html


def test_drafts_are_not_found_until_published(publish, supervisor):
    article = publish("Warranty", "One year on electronics.", language="en")
    check_save_draft(
        article, ArticleData(title="Warranty", body="Two years on electronics."), author=supervisor
    )
    assert titles("two years") == []
    assert titles("one year") == ["Warranty"]
    check_publish_latest(article)
    assert titles("two years") == ["Warranty"]
    assert titles("one year") == []
    never = check_save_draft(None, ArticleData(title="Secret plan", body="x"), author=supervisor)
    assert titles("secret") == [] and never.article.status == "draft"


def test_the_language_filter_keeps_one_script(publish):
    publish("Delivery", "", language="en", tags="ডেলিভারি")
    publish("ডেলিভারি", "", language="bn", tags="delivery")
    assert titles("delivery", language="bn") == ["ডেলিভারি"]
    assert titles("delivery", language="en") == ["Delivery"]


def test_query_syntax_is_taken_as_words(publish):
    publish("Delivery times", "Inside Dhaka.", language="en")
    for text in ['deliv" OR x', "deliv*", "(deliv) AND NOT", "deliv' & !", "NEAR(deliv)"]:
        search_articles(text)  # no syntax error on either database
    assert titles('"deliv"') == ["Delivery times"]
    assert titles("  ,;. ") == []


def test_the_search_page_answers_as_you_type(agent_client, publish):
    publish("Delivery times", "Inside Dhaka two days.", language="en")
    response = agent_client.get(reverse("kb:search"), {"q": "deli"}, HTTP_HX_REQUEST="true")
    assert "<mark>Delivery</mark> times" in response.content.decode()
    panel = agent_client.get(reverse("kb:panel_search"), {"q": "dhak"}).content.decode()
    assert "<mark>Dhaka</mark>" in panel


def test_the_api_searches_and_publishes(supervisor_client, agent_client):
    created = supervisor_client.post(
        "/api/kb/articles",
        {"title": "ডেলিভারি চার্জ", "body": "ঢাকায় ৬০ টাকা।", "language": "bn", "reasons": ["orders"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    article_id = created.json()["article_id"]
    assert agent_client.get("/api/kb/search", {"q": "ডেলি"}).json() == []
    published = supervisor_client.post(f"/api/kb/articles/{article_id}/publish")
    assert published.json()["status"] == "published"
    [hit] = agent_client.get("/api/kb/search", {"q": "ডেলি"}).json()
    assert hit["title_html"] == "<mark>ডেলিভারি</mark> চার্জ"
    assert [a["id"] for a in agent_client.get("/api/kb/articles", {"reason": "orders"}).json()] == [
        article_id
    ]
    assert (
        agent_client.post(
            "/api/kb/articles", {"title": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
