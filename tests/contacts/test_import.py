"""Contact import: bad rows, encodings, duplicates, re-import, crashes, permissions."""

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook

from switchboard.contacts import importing
from switchboard.contacts.importing import (
    ImportFileError,
    check_create_import_job,
    fast_normalize_phone,
    run_import,
)
from switchboard.contacts.models import (
    Contact,
    DuplicatePolicy,
    ImportJob,
    ImportStatus,
    Phone,
)
from switchboard.contacts.phones import InvalidPhone, normalize_phone

HEADER = ["First name", "Last name", "Organization", "Phone", "Email", "Tags", "District"]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name="contacts.csv", policy=DuplicatePolicy.SKIP, user=None):
    return check_create_import_job(
        SimpleUploadedFile(name, data), user=user, duplicate_policy=policy
    )


def import_now(data: bytes, name="contacts.csv", policy=DuplicatePolicy.SKIP, **kwargs):
    job = upload(data, name, policy)
    return run_import(job.pk, **kwargs)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


GOOD = [
    ["Rahim", "Ahmed", "", "01712-345678", "rahim@example.com", "vip", "Dhaka"],
    ["ফাতেমা", "বেগম", "", "+880 1812 345678", "", "", "Sylhet"],
    ["", "", "Dhaka Textiles", "8801912345678", "", "wholesale, retail", ""],
]


@pytest.mark.django_db
def test_good_rows_are_stored_with_phones_emails_tags_and_custom_fields():
    job = import_now(csv_bytes(GOOD))
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count, job.processed_rows) == (3, 0, 3)
    rahim = Contact.objects.get(first_name="Rahim")
    assert rahim.display_name == "Rahim Ahmed"
    assert rahim.search_name == "rahim ahmed"
    assert list(rahim.phones.values_list("e164", flat=True)) == ["+8801712345678"]
    assert list(rahim.emails.values_list("address", flat=True)) == ["rahim@example.com"]
    assert [t.name for t in rahim.tags.all()] == ["vip"]
    assert rahim.custom_fields == {"District": "Dhaka"}
    org = Contact.objects.get(organization="Dhaka Textiles")
    assert org.kind == "organization"
    assert sorted(t.name for t in org.tags.all()) == ["retail", "wholesale"]


@pytest.mark.django_db
def test_an_invalid_phone_is_refused_with_its_line_and_the_reason():
    job = import_now(csv_bytes([GOOD[0], ["Karim", "Uddin", "", "01712-34", "", "", ""]]))
    assert job.created_count == 1
    error = job.row_errors.get()
    assert error.line == 3
    assert "01712-34" in error.reason
    assert "not a valid" in error.reason or "too short" in error.reason
    assert not Contact.objects.filter(first_name="Karim").exists()


@pytest.mark.django_db
def test_a_row_without_any_name_is_refused():
    job = import_now(csv_bytes([["", "", "", "01712-345678", "", "", ""]]))
    error = job.row_errors.get()
    assert (error.line, job.created_count) == (2, 0)
    assert "no name" in error.reason


@pytest.mark.django_db
def test_too_long_names_and_bad_emails_are_refused_with_every_reason():
    job = import_now(csv_bytes([["R" * 101, "Ahmed", "", "01712-345678", "not-an-email", "", ""]]))
    reason = job.row_errors.get().reason
    assert "too long" in reason and "not an email address" in reason
    assert Contact.objects.count() == 0


@pytest.mark.django_db
def test_utf8_with_bom_and_utf16_files_are_read():
    job = import_now(codecs.BOM_UTF8 + csv_bytes(GOOD))
    assert job.encoding == "utf-8-sig" and job.created_count == 3
    Contact.objects.all().delete()
    job = import_now(csv_bytes(GOOD, encoding="utf-16"))
    assert job.encoding == "utf-16" and job.created_count == 3
    assert Contact.objects.filter(first_name="ফাতেমা").exists()


@pytest.mark.django_db
def test_a_file_in_a_wrong_encoding_gets_an_error_naming_the_line():
    data = csv_bytes([GOOD[0]]) + "Zoë,Müller,,01812-345678,,,\n".encode("latin-1")
    with pytest.raises(ImportFileError, match="line 3"):
        upload(data)
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_a_zero_byte_file_gets_a_clear_error_at_upload(supervisor_client):
    with pytest.raises(ImportFileError, match="empty"):
        upload(b"")
    response = supervisor_client.post(
        reverse("contacts:import_upload"),
        {"file": SimpleUploadedFile("empty.csv", b""), "duplicate_policy": "skip"},
    )
    assert response.status_code == 400
    assert "empty" in response.content.decode()
    assert ImportJob.objects.count() == 0


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_xlsx_formula_cell_is_refused_and_never_evaluated():
    data = xlsx_bytes(
        [
            ["Rahim", "Ahmed", "", 8801712345678, "", "", "Dhaka"],
            ["Karim", "Uddin", "", '=HYPERLINK("http://x")', "", "", ""],
            ["Jamal", "=1+1", "", "01812-345678", "", "", ""],
        ]
    )
    job = import_now(data, name="contacts.xlsx")
    assert job.file_format == "xlsx"
    assert job.created_count == 1
    assert Phone.objects.get().e164 == "+8801712345678"  # a number cell reads as digits
    errors = {e.line: e.reason for e in job.row_errors.all()}
    assert set(errors) == {3, 4}
    assert all("formula" in reason for reason in errors.values())


@pytest.mark.django_db
def test_skip_policy_skips_known_phones_and_duplicates_within_the_file():
    Contact.objects.create(first_name="Old")
    Phone.objects.create(contact=Contact.objects.get(), raw="01712345678", e164="+8801712345678")
    rows = [
        ["Rahim", "Ahmed", "", "+880 1712-345678", "", "", ""],  # known phone
        ["Karim", "Uddin", "", "01812-345678", "", "", ""],
        ["Karim", "U.", "", "8801812345678", "", "", ""],  # same phone as the row above
        ["", "", "Dhaka Textiles", "", "", "", ""],
        ["", "", "Dhaka Textiles", "", "", "", ""],  # same organization
    ]
    job = import_now(csv_bytes(rows))
    assert (job.created_count, job.skipped_count) == (2, 3)
    assert Contact.objects.count() == 3


@pytest.mark.django_db
def test_update_policy_updates_the_known_contact_and_adds_its_new_phone():
    import_now(csv_bytes([["Rahim", "", "", "01712-345678", "", "vip", ""]]))
    rows = [["Rahim", "Ahmed", "", "01712-345678; 01812-345678", "r@example.com", "", "Dhaka"]]
    job = import_now(csv_bytes(rows), policy=DuplicatePolicy.UPDATE)
    assert (job.created_count, job.updated_count) == (0, 1)
    rahim = Contact.objects.get()
    assert rahim.display_name == "Rahim Ahmed"
    assert sorted(rahim.phones.values_list("e164", flat=True)) == [
        "+8801712345678",
        "+8801812345678",
    ]
    assert rahim.custom_fields == {"District": "Dhaka"}
    assert [t.name for t in rahim.tags.all()] == ["vip"]  # kept, never removed


@pytest.mark.django_db
def test_create_policy_creates_a_namesake_sharing_a_phone_but_not_a_repeat():
    import_now(csv_bytes([["Rahim", "Ahmed", "", "01712-345678", "", "", ""]]))
    rows = [
        ["Rahim", "Ahmed", "", "01712-345678", "", "", ""],  # the same contact again
        ["Amina", "Ahmed", "", "01712-345678", "", "", ""],  # shares the family phone
    ]
    job = import_now(csv_bytes(rows), policy=DuplicatePolicy.CREATE)
    assert (job.created_count, job.skipped_count) == (1, 1)
    assert Phone.objects.filter(e164="+8801712345678").count() == 2


@pytest.mark.parametrize("policy", DuplicatePolicy.values)
@pytest.mark.django_db
def test_re_importing_the_same_file_changes_nothing(policy):
    rows = GOOD + [["Jamal", "", "", "", "", "", ""], ["Bad", "", "", "123", "", "", ""]]
    first = import_now(csv_bytes(rows), policy=policy)
    assert first.created_count == 4
    before = sorted(Contact.objects.values_list("id", "display_name", "updated_at"))
    phones = Phone.objects.count()
    again = import_now(csv_bytes(rows), policy=policy)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 4)
    assert again.error_count == 1
    assert sorted(Contact.objects.values_list("id", "display_name", "updated_at")) == before
    assert Phone.objects.count() == phones


class CrashingWriter:
    """The real batch writer that fails on its n-th batch, like a disk or a bug would."""

    def __init__(self, fail_on: int):
        self.fail_on = fail_on
        self.calls = 0

    def __call__(self, job, plan, bad, counts):
        self.calls += 1
        importing.write_batch(job, plan, bad, counts)
        if self.calls == self.fail_on:
            raise OSError("disk full")


@pytest.mark.django_db(transaction=True)
def test_a_crash_mid_import_leaves_whole_batches_and_marks_the_job_failed():
    rows = [[f"Name{i}", "", "", f"0171{i:07d}", "", "", ""] for i in range(25)]
    job = upload(csv_bytes(rows))
    with pytest.raises(OSError):
        run_import(job.pk, batch_size=10, writer=CrashingWriter(fail_on=2))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "disk full" in job.failure
    assert job.processed_rows == job.created_count == Contact.objects.count() == 10
    assert Phone.objects.count() == 10


@pytest.mark.django_db
def test_bad_rows_download_as_csv_with_line_numbers(supervisor_client):
    job = import_now(csv_bytes([GOOD[0], ["", "", "", "=cmd|' /C calc'!A0", "", "", ""]]))
    response = supervisor_client.get(reverse("contacts:import_errors_csv", args=[job.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["line", "reason"]
    assert rows[1][0] == "3"
    assert rows[1][2 + 3].startswith("'=")  # the formula-like cell comes back neutralized


@pytest.mark.slow
@pytest.mark.django_db
def test_a_file_with_ten_thousand_rows_imports_every_good_row():
    rows = [[f"Name{i}", "Ahmed", "", f"017{i:08d}", "", "", ""] for i in range(10_000)]
    rows[500][3] = "12"
    job = import_now(csv_bytes(rows))
    assert (job.processed_rows, job.created_count, job.error_count) == (10_000, 9_999, 1)
    assert job.row_errors.get().line == 502
    assert Contact.objects.count() == 9_999


BD_PHONES = st.builds(
    lambda prefix, operator, rest, sep: f"{prefix}1{operator}{sep}{rest}",
    st.sampled_from(["0", "+880", "880", "", "+880 ", "00880"]),
    st.sampled_from("0123456789"),
    st.text("0123456789", min_size=6, max_size=10),
    st.sampled_from(["", "-", " "]),
)


@hsettings(max_examples=300, deadline=None)
@given(BD_PHONES)
def test_the_fast_phone_path_agrees_with_phonenumbers(raw):
    try:
        expected = normalize_phone(raw, "BD")
    except InvalidPhone:
        expected = None
    try:
        got = fast_normalize_phone(raw, "BD")
    except InvalidPhone:
        got = None
    assert got == expected
