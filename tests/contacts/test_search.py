import pytest
from django.db import connection

from switchboard.contacts import _search_index, search
from switchboard.contacts.actions import (
    ContactData,
    check_create_contact,
    check_merge_contacts,
    check_update_contact,
)
from switchboard.contacts.models import Contact
from switchboard.contacts.phones import InvalidPhone
from switchboard.contacts.search import (
    filter_by_organization,
    filter_by_phone,
    filter_by_tag,
    search_contacts,
)

pytestmark = pytest.mark.django_db


def make(first="", last="", *, organization="", kind="person", phones=(), tags=()):
    return check_create_contact(
        ContactData(
            kind=kind,
            first_name=first,
            last_name=last,
            organization=organization,
            phones=list(phones),
            tags=list(tags),
        )
    )


def names(queryset):
    return sorted(c.display_name for c in queryset)


def found(text):
    return names(search_contacts(Contact.objects.active(), text))


@pytest.fixture
def people():
    return {
        "rahim_bn": make("রহিম", "আহমেদ", phones=["01712-345678"], tags=["VIP"]),
        "rahim_en": make(
            "Rahim", "Ahmed", organization="Aarong Ltd", phones=["+880 1812 999000"], tags=["vip"]
        ),
        "fatema": make("Fatema", "Begum", phones=["01911-222333"], tags=["wholesale"]),
        "aarong": make(kind="organization", organization="Aarong Ltd", phones=["029876543"]),
        "padma": make(kind="organization", organization="পদ্মা ফ্যাশন"),
    }


def test_it_finds_a_bengali_name_by_a_part_of_it(people):
    assert found("হিম") == ["রহিম আহমেদ"]
    assert found("আহমেদ") == ["রহিম আহমেদ"]
    assert found("ফ্যাশন") == ["পদ্মা ফ্যাশন"]


def test_it_finds_a_latin_name_by_a_part_of_it_in_any_case(people):
    assert found("ahme") == ["Rahim Ahmed"]
    assert found("AHMED") == ["Rahim Ahmed"]
    assert found("  aHmEd  ") == ["Rahim Ahmed"]


def test_every_word_must_match_in_any_order(people):
    assert found("ahmed rahim") == ["Rahim Ahmed"]
    assert found("ahmed begum") == []


def test_a_short_word_narrows_a_search_by_a_long_one(people):
    assert found("rahim ah") == ["Rahim Ahmed"]
    assert found("rahim xy") == []


def test_a_text_too_short_for_trigrams_matches_the_start_of_the_name(people):
    assert found("fa") == ["Fatema Begum"]
    assert found("FA") == ["Fatema Begum"]
    assert found("র") == ["রহিম আহমেদ"]
    assert found("em") == []


def test_when_too_many_match_to_rank_they_come_newest_first(people, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 0)
    newer = make("Ahmed", "Karim", tags=["VIP"])
    queryset = search_contacts(Contact.objects.active(), "ahm")
    assert [c.display_name for c in queryset] == ["Ahmed Karim", "Rahim Ahmed"]
    assert queryset.count() == 2
    assert list(filter_by_tag(queryset, "vip")) == [newer, people["rahim_en"]]
    assert [c.display_name for c in search_contacts(Contact.objects.active(), "ahm ka")] == [
        "Ahmed Karim"
    ]


def test_it_finds_contacts_by_their_organization(people):
    assert found("aarong") == ["Aarong Ltd", "Rahim Ahmed"]


def test_names_starting_with_the_text_come_first(people):
    make("Ahmed", "Karim")
    result = [c.display_name for c in search_contacts(Contact.objects.active(), "ahmed")]
    assert result == ["Ahmed Karim", "Rahim Ahmed"]


@pytest.mark.parametrize(
    "text", ["01712-345678", "+880 1712 345678", "8801712345678", "01712345678", "০১৭১২৩৪৫৬৭৮"]
)
def test_it_finds_a_phone_written_in_any_format(people, text):
    assert found(text) == ["রহিম আহমেদ"]


def test_it_finds_phones_by_a_part_of_their_digits(people):
    assert found("345678") == ["রহিম আহমেদ"]
    assert found("999-000") == ["Rahim Ahmed"]
    assert found("01911") == ["Fatema Begum"]
    assert found("876543") == ["Aarong Ltd"]


def test_a_landline_number_is_found_whole_or_in_part(people):
    assert found("02-9876543") == ["Aarong Ltd"]
    assert names(filter_by_phone(Contact.objects.all(), "987654")) == ["Aarong Ltd"]


def test_a_phone_filter_with_too_few_digits_says_so(people):
    with pytest.raises(InvalidPhone):
        filter_by_phone(Contact.objects.all(), "01")


def test_it_filters_by_tag_in_any_case(people):
    assert names(filter_by_tag(Contact.objects.active(), "VIP")) == ["Rahim Ahmed", "রহিম আহমেদ"]
    assert names(filter_by_tag(Contact.objects.active(), "Wholesale")) == ["Fatema Begum"]
    assert names(filter_by_tag(Contact.objects.active(), "nobody")) == []


def test_it_filters_by_organization_in_any_case(people):
    assert names(filter_by_organization(Contact.objects.active(), "aarong ltd")) == [
        "Aarong Ltd",
        "Rahim Ahmed",
    ]
    assert names(filter_by_organization(Contact.objects.active(), "পদ্মা ফ্যাশন")) == ["পদ্মা ফ্যাশন"]
    # The whole name, not a part of it.
    assert names(filter_by_organization(Contact.objects.active(), "aarong")) == []


def test_filters_and_search_combine(people):
    queryset = filter_by_tag(search_contacts(Contact.objects.active(), "rahim"), "vip")
    assert names(queryset) == ["Rahim Ahmed"]


def test_an_empty_search_filters_nothing(people):
    assert len(found("")) == len(people)
    assert len(found("   ")) == len(people)


def test_merged_contacts_are_not_found(people):
    keep = make("Fatema", "Khatun")
    check_merge_contacts(keep, people["fatema"])
    assert found("fatema") == ["Fatema Khatun"]
    # Its phone moved to the contact it was merged into.
    assert found("01911-222333") == ["Fatema Khatun"]
    assert found("begum") == []


def test_search_sees_a_renamed_contact_under_its_new_name_only(people):
    contact = people["fatema"]
    check_update_contact(contact, ContactData(first_name="Nasrin", last_name="Sultana"))
    assert found("fatema") == []
    assert found("sultana") == ["Nasrin Sultana"]


def test_search_forgets_a_deleted_contact(people):
    people["rahim_en"].delete()
    assert found("ahmed") == []
    assert found("999000") == []


def test_text_that_means_something_to_the_index_is_taken_literally(people):
    make("O'Brien", 'Said "Hi"')
    assert found('"hi"') == ['O\'Brien Said "Hi"']
    assert found("o'brien") == ['O\'Brien Said "Hi"']
    assert found("100%") == []
    assert found("a_b*c OR d") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_triggers_dropped_by_a_table_rebuild_are_put_back_and_the_index_refilled(people):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER contacts_contact_fts_ai")
    make("Tasnim", "Rahman")
    assert found("tasnim") == []

    rebuilt = _search_index.repair(connection)

    assert rebuilt == [_search_index.SQLITE_NAME_FTS]
    assert found("tasnim") == ["Tasnim Rahman"]
    assert _search_index.repair(connection) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables")
def test_the_sqlite_index_agrees_with_the_table(people):
    check_update_contact(people["fatema"], ContactData(first_name="Nasrin"))
    people["padma"].delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_search_index.SQLITE_NAME_FTS}({_search_index.SQLITE_NAME_FTS},"
            " rank) VALUES ('integrity-check', 1)"
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_postgres_can_answer_the_substring_condition_from_the_trigram_index(people):
    # The condition search_contacts puts on search_name (Django casts it to ::text).
    queryset = Contact.objects.filter(search_name__contains="ahmed").order_by()
    # On a table this small the planner prefers any scan; leave it only the bitmap scans
    # a GIN index gives, and check it can answer the condition from the trigram index.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            plan = queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
            cursor.execute("SET enable_indexscan = on")
    assert "contact_search_trgm" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_sqlite_is_told_that_active_contacts_are_not_a_selective_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'contacts_contact'")
        stats = dict(cursor.fetchall())
        plan = " ".join(
            row[3]
            for row in cursor.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM contacts_contact"
                " WHERE merged_into_id IS NULL ORDER BY display_name, id LIMIT 50"
            ).fetchall()
        )
    assert any("merged_into" in name and stat == "1000000 1000000" for name, stat in stats.items())
    assert "contact_name_idx" in plan
    assert "TEMP B-TREE" not in plan
