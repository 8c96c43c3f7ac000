"""Background work of the contacts app, run by the django-tasks worker (`serve` runs one)."""

from django_tasks import task

from switchboard.contacts.importing import run_import


@task()
def import_contacts(job_id: int) -> dict:
    """Import an uploaded contact file; the job row carries progress, counts and any failure."""
    job = run_import(job_id)
    return {
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "errors": job.error_count,
    }
