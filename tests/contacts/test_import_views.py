"""The import pages and the export, through HTTP, as each persona."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.contacts.models import Contact, ImportJob, ImportStatus, Tag

CSV = b"Name,Phone,Organization,Note\nRahim Ahmed,01712-345678,,likes blue\nKarim,12,,\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_agent_cannot_import_or_export(agent_client):
    for name in ("contacts:import_list", "contacts:import_upload", "contacts:export_csv"):
        assert agent_client.get(reverse(name)).status_code == 403
    response = agent_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("c.csv", CSV), "duplicate_policy": "skip"},
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_an_outsider_cannot_see_someone_elses_import(outsider_client, supervisor_client):
    supervisor_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("c.csv", CSV), "duplicate_policy": "skip"},
    )
    job = ImportJob.objects.get()
    assert outsider_client.get(reverse("contacts:import_detail", args=[job.pk])).status_code == 403


def test_the_supervisor_uploads_maps_previews_and_starts_an_import(
    supervisor_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = supervisor_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("c.csv", CSV), "duplicate_policy": "skip", "source": "Fair"},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:import_detail", args=[job.pk])
    assert job.mapping == {"0": "first_name", "1": "phone", "2": "organization", "3": "custom"}

    page = supervisor_client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert 'for="id_col_0"' in text  # every select has its label
    assert "new contact" in text and "too short" in text  # the preview says what would happen

    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            reverse("contacts:import_detail", args=[job.pk]),
            {
                "col_0": "first_name",
                "col_1": "phone",
                "col_2": "",
                "col_3": "custom",
                "action": "start",
            },
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count) == (1, 1)
    rahim = Contact.objects.get()
    assert (rahim.source, rahim.custom_fields) == ("Fair", {"Note": "likes blue"})

    status = supervisor_client.get(reverse("contacts:import_status", args=[job.pk]))
    assert 'value="100"' in status.content.decode()
    assert reverse("contacts:import_errors_csv", args=[job.pk]) in status.content.decode()
    assert "hx-trigger" not in status.content.decode()  # finished: the page stops polling


def test_a_mapping_without_any_name_column_is_refused(supervisor_client):
    supervisor_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("c.csv", CSV), "duplicate_policy": "skip"},
    )
    job = ImportJob.objects.get()
    response = supervisor_client.post(
        reverse("contacts:import_detail", args=[job.pk]),
        {"col_0": "custom", "col_1": "phone", "col_2": "", "col_3": "", "action": "start"},
    )
    assert response.status_code == 400
    assert "at least one column to a name" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


@pytest.mark.django_db(transaction=True)
def test_an_import_enqueued_on_the_database_backend_runs_in_a_worker(supervisor_client, settings):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    supervisor_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("c.csv", CSV), "duplicate_policy": "skip"},
    )
    job = ImportJob.objects.get()
    supervisor_client.post(
        reverse("contacts:import_detail", args=[job.pk]),
        {"col_0": "first_name", "col_1": "phone", "col_2": "", "col_3": "", "action": "start"},
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Contact.objects.get().display_name == "Rahim Ahmed"


def _contact(first, phone, org="", tag=None, **extra):
    contact = check_create_contact(
        ContactData(
            first_name=first,
            organization=org,
            phones=[phone],
            tags=[tag] if tag else [],
            **extra,
        )
    )
    return contact


def _export(client, **params):
    response = client.get(reverse("contacts:export_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_contains_the_filtered_contacts_and_neutralizes_formula_cells(supervisor_client):
    _contact("Rahim", "01712-345678", tag="vip")
    _contact('=HYPERLINK("http://evil")', "01812-345678", org="@Evil", tag="vip")
    _contact("Karim", "01912-345678")
    rows = _export(supervisor_client, tag="vip")
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Last name", "First name", "Patronymic", "Organization", "Phone"]
    assert sorted(r[4] for r in body) == ["'+8801712345678", "'+8801812345678"]
    evil = next(r for r in body if "HYPERLINK" in r[1])
    assert evil[1].startswith("'=") and evil[3] == "'@Evil"
    assert len(_export(supervisor_client, q="karim")) == 2


def _first_names(rows):
    return sorted(r[1] or r[3] for r in rows[1:])


def test_export_uses_the_filters_of_the_list_page(supervisor_client):
    _contact("Rahim", "01712-345678", tag="vip", do_not_call=True)
    _contact("Karim", "01812-999000")
    _contact("", "01912-345678", org="Dhaka Textiles", kind="organization")
    assert _first_names(_export(supervisor_client, q="ahi")) == ["Rahim"]
    assert _first_names(_export(supervisor_client, q="999000")) == ["Karim"]
    assert _first_names(_export(supervisor_client, q="+880 1812-999000")) == ["Karim"]
    assert _first_names(_export(supervisor_client, kind="organization")) == ["Dhaka Textiles"]
    assert _first_names(_export(supervisor_client, do_not_call="on")) == ["Rahim"]
    assert _first_names(_export(supervisor_client, tag="vip", q="rahim")) == ["Rahim"]
    assert _first_names(_export(supervisor_client, q="nobody")) == []
    assert len(_export(supervisor_client)) == 4


def test_export_refuses_filters_it_cannot_read(supervisor_client):
    _contact("Rahim", "01712-345678")
    response = supervisor_client.get(reverse("contacts:export_csv"), {"tag": "no-such-tag"})
    assert response.status_code == 400


def test_the_list_page_links_to_the_export_with_its_filters(supervisor_client, agent_client):
    _contact("Rahim", "01712-345678", tag="vip")
    page = supervisor_client.get(reverse("contacts:list"), {"q": "rah", "tag": "vip"})
    link = reverse("contacts:export_csv") + "?q=rah&amp;tag=vip"
    assert link in page.content.decode()
    partial = supervisor_client.get(reverse("contacts:list"), {"q": "rah"}, HTTP_HX_REQUEST="true")
    assert reverse("contacts:export_csv") + "?q=rah" in partial.content.decode()
    assert (
        reverse("contacts:export_csv")
        not in agent_client.get(reverse("contacts:list")).content.decode()
    )


def test_an_exported_file_imports_back_without_changing_anything(supervisor_client):
    from switchboard.contacts.importing import check_create_import_job, run_import

    _contact("Rahim", "01712-345678", tag="vip")
    Tag.objects.get_or_create(name="vip")
    rows = _export(supervisor_client)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    job = check_create_import_job(
        SimpleUploadedFile("export.csv", buffer.getvalue().encode()),
        user=None,
        duplicate_policy="update",
    )
    job = run_import(job.pk)
    assert (job.created_count, job.updated_count, job.error_count) == (0, 0, 0)
    assert Contact.objects.count() == 1
