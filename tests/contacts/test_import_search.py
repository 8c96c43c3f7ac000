"""Imported contacts are found by search at once: a bulk import indexes its batches itself
(the search triggers stand aside for the importing connection only), on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from switchboard.contacts import _search_index
from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.contacts.models import Contact, ImportStatus
from switchboard.contacts.search import search_contacts
from tests.contacts.test_import import GOOD, CrashingWriter, csv_bytes, import_now, upload

pytestmark = pytest.mark.django_db(transaction=True)

MANY = [[f"Name{i:03d}", "Ahmed", "", f"0171{i:07d}", "", "", ""] for i in range(35)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _found(text: str) -> list[str]:
    return sorted(
        search_contacts(Contact.objects.all(), text).values_list("display_name", flat=True)
    )


@pytest.mark.parametrize("parse_in_process", [False, True], ids=["one-process", "two-processes"])
def test_imported_contacts_are_found_by_name_part_and_phone_part(parse_in_process):
    job = import_now(csv_bytes(GOOD + MANY), batch_size=10, parse_in_process=parse_in_process)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 38
    assert _found("ahim") == ["Rahim Ahmed"]
    assert _found("তেমা") == ["ফাতেমা বেগম"]
    assert _found("textil") == ["Dhaka Textiles"]
    assert _found("345678") == ["Dhaka Textiles", "Rahim Ahmed", "ফাতেমা বেগম"]
    assert _found("10000034") == ["Name034 Ahmed"]
    assert _found("name02") == [f"Name02{i} Ahmed" for i in range(10)]


def test_after_an_import_the_same_connection_indexes_contacts_through_the_triggers():
    import_now(csv_bytes(GOOD), batch_size=2)
    check_create_contact(ContactData(first_name="Jamal", phones=["01612-777888"]))
    assert _found("amal") == ["Jamal"]
    assert _found("777888") == ["Jamal"]


def test_a_crashed_import_leaves_the_triggers_working():
    job = upload(csv_bytes(MANY))
    with pytest.raises(OSError):
        from switchboard.contacts.importing import run_import

        run_import(job.pk, batch_size=10, writer=CrashingWriter(fail_on=2))
    assert len(_found("ahmed")) == 10
    check_create_contact(ContactData(first_name="Jamal", phones=["01612-777888"]))
    assert _found("amal") == ["Jamal"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pragma_table_list WHERE schema = 'temp'")
            assert _search_index.PAUSE_TABLE not in {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(not _search_index.PAUSABLE, reason="SQLite older than 3.37")
def test_the_triggers_stand_aside_only_inside_bulk_indexing():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite search triggers")
    from django.db import transaction

    with transaction.atomic(), _search_index.bulk_indexing(connection):
        quiet = check_create_contact(ContactData(first_name="Quietname", phones=["01612-111222"]))
        assert _found("quietn") == []
        assert _found("111222") == []
        # Every row inserted here must be indexed before the transaction ends: deleting a
        # row its external-content FTS table never saw would corrupt the table.
        _search_index.index_rows(connection, "contacts_contact", quiet.pk, quiet.pk)
        phone = quiet.phones.get()
        _search_index.index_rows(connection, "contacts_phone", phone.pk, phone.pk)
        assert _found("quietn") == ["Quietname"]
        assert _found("111222") == ["Quietname"]
    check_create_contact(ContactData(first_name="Loudname", phones=["01612-333444"]))
    assert _found("loudn") == ["Loudname"]
