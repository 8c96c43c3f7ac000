"""Pages of the contact import (upload, map and preview, progress, refused rows) and the export.

Who may do what is decided in contacts/access.py; the work is done in contacts/importing.py.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from switchboard.contacts.access import check_can_export, check_can_import, get_import_job_for_user
from switchboard.contacts.exporting import export_csv_lines
from switchboard.contacts.importing import (
    FIELDS,
    ImportFileError,
    check_create_import_job,
    check_mapping,
    csv_line,
    do_start_import,
    error_rows_csv,
    preview,
)
from switchboard.contacts.models import DuplicatePolicy, ImportJob, ImportStatus
from switchboard.contacts.views import filtered_contacts


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row must name the columns. CSV in UTF-8 or UTF-16."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    duplicate_policy = forms.ChoiceField(
        label=_("When a row matches a known contact (same phone or organization)"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.SKIP,
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Written on every imported contact, e.g. “Trade fair 2026”."),
    )


def _mapping_from_post(job: ImportJob, data) -> dict[str, str]:
    return {str(i): data.get(f"col_{i}", "") for i in range(len(job.headers))}


def _columns(job: ImportJob, mapping: dict[str, str]) -> list[dict]:
    return [
        {"index": i, "header": header, "name": f"col_{i}", "value": mapping.get(str(i), "")}
        for i, header in enumerate(job.headers)
    ]


@login_required
@require_GET
def import_list(request):
    check_can_import(request.user)
    jobs = ImportJob.objects.select_related("created_by")[:50]
    return render(request, "contacts/import_list.html", {"jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    check_can_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = check_create_import_job(
                    form.cleaned_data["file"],
                    user=request.user,
                    duplicate_policy=form.cleaned_data["duplicate_policy"],
                    source=form.cleaned_data["source"],
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("contacts:import_detail", job_id=job.pk)
        status = 400
    return render(request, "contacts/import_upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, job_id):
    job = get_import_job_for_user(request.user, job_id)
    context = {"job": job, "fields": FIELDS}
    if job.status != ImportStatus.UPLOADED:
        return render(request, "contacts/import_detail.html", context)
    mapping = job.mapping
    errors: list[str] = []
    if request.method == "POST":
        mapping = _mapping_from_post(job, request.POST)
        try:
            mapping = check_mapping(mapping, job.headers)
        except ValidationError as exc:
            errors = exc.messages
        else:
            if request.POST.get("action") == "start":
                try:
                    do_start_import(job, mapping)
                except ValidationError as exc:
                    errors = exc.messages
                else:
                    return redirect("contacts:import_detail", job_id=job.pk)
    context.update(
        columns=_columns(job, mapping),
        mapping_errors=errors,
        preview=[] if errors else preview(job, mapping),
    )
    return render(request, "contacts/import_detail.html", context, status=400 if errors else 200)


@login_required
@require_GET
def import_status(request, job_id):
    """The progress bar and summary; the page polls it while the job runs."""
    job = get_import_job_for_user(request.user, job_id)
    return render(request, "contacts/partials/import_status.html", {"job": job})


def _streaming_csv(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def import_errors_csv(request, job_id):
    job = get_import_job_for_user(request.user, job_id)

    def lines():
        yield "\ufeff"  # so Excel opens Bengali text as UTF-8
        for row in error_rows_csv(job):
            yield csv_line(row)

    return _streaming_csv(lines(), f"import-{job.pk}-errors.csv")


@login_required
@require_GET
def export_csv(request):
    check_can_export(request.user)
    form, queryset = filtered_contacts(request.user, request.GET)
    if form.is_bound and not form.is_valid():
        # The list page would show everything for a filter it cannot read; an export must not.
        problems = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        return HttpResponseBadRequest(
            gettext("The filters cannot be read: %(problems)s") % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _streaming_csv(export_csv_lines(queryset), f"contacts-{stamp}.csv")
