from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Contact(models.Model):
    """A person (any of last, first, patronymic name) or an organization (its name)."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=ContactKind.choices, default=ContactKind.PERSON
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    # Derived from the name fields on save; what lists show and what search reads.
    display_name = models.CharField(_("name"), max_length=400, editable=False)
    # display_name and organization, case-folded: the column the trigram indexes cover.
    search_name = models.CharField(max_length=700, editable=False, db_index=False)
    address = models.TextField(_("address"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", verbose_name=_("tags"))
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    do_not_call = models.BooleanField(_("do not call"), default=False)
    recording_consent = models.BooleanField(_("consents to recording"), default=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
        verbose_name=_("owner"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        verbose_name=_("merged into"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [
            ("export_contacts", _("Can export contacts")),
            ("import_contacts", _("Can import contacts")),
            ("merge_contacts", _("Can merge contacts")),
        ]
        indexes = [
            models.Index(fields=["organization"], name="contact_org_idx"),
            models.Index(fields=["display_name", "id"], name="contact_name_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        if self.kind == ContactKind.ORGANIZATION and not self.organization.strip():
            raise ValidationError({"organization": _("An organization needs its name.")})
        if self.kind == ContactKind.PERSON and not self.has_person_name():
            raise ValidationError(_("Give at least one of last name, first name or patronymic."))

    def has_person_name(self) -> bool:
        return any(n.strip() for n in (self.last_name, self.first_name, self.patronymic))

    def refresh_names(self) -> None:
        self.display_name, self.search_name = compute_names(
            self.kind, self.first_name, self.patronymic, self.last_name, self.organization
        )

    def save(self, *args, **kwargs):
        self.refresh_names()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "display_name", "search_name"}
        super().save(*args, **kwargs)


def compute_names(kind, first_name, patronymic, last_name, organization) -> tuple[str, str]:
    """The (display_name, search_name) pair of a contact; also used by the bulk importer."""
    person = " ".join(p.strip() for p in (first_name, patronymic, last_name) if p and p.strip())
    organization = (organization or "").strip()
    display = organization if kind == ContactKind.ORGANIZATION else person or organization
    search = " ".join(filter(None, [display, organization if organization != display else ""]))
    return display[:400], search.casefold()[:700]


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    OTHER = "other", _("Other")


class Phone(models.Model):
    """A phone as it was entered, and its E.164 form that lookups use."""

    # No index of its own: the unique (contact, e164) constraint's index starts with it,
    # and one index fewer per phone is a tenth of the time of a big import.
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="phones",
        verbose_name=_("contact"),
        db_index=False,
    )
    raw = models.CharField(_("number as entered"), max_length=64)
    e164 = models.CharField(_("number (E.164)"), max_length=20, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PhoneKind.choices, default=PhoneKind.MOBILE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(fields=["contact", "e164"], name="phone_once_per_contact")
        ]

    def __str__(self) -> str:
        return self.e164


class Email(models.Model):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="emails", verbose_name=_("contact")
    )
    address = models.EmailField(_("email"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        constraints = [
            models.UniqueConstraint(fields=["contact", "address"], name="email_once_per_contact")
        ]

    def __str__(self) -> str:
        return self.address


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    ORDER = "order", _("Order")
    TICKET = "ticket", _("Ticket")
    SURVEY = "survey", _("Survey answer")
    MERGE = "merge", _("Merge")
    IMPORT = "import", _("Import")
    CHANGE = "change", _("Change")


class Activity(models.Model):
    """One entry of a contact's timeline. Later apps append their own kinds (calls, orders ...)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="activities", verbose_name=_("contact")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE
    )
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["contact", "-created_at"], name="activity_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", _("Skip rows whose phone or organization is already known")
    UPDATE = "update", _("Update the known contact with the row")
    CREATE = "create", _("Create a new contact anyway (flagged as a duplicate)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded CSV or XLSX file, its column mapping and what importing it did."""

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    file_format = models.CharField(_("format"), max_length=8)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    duplicate_policy = models.CharField(
        _("duplicates"),
        max_length=8,
        choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.SKIP,
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportRowError(models.Model):
    """A row the importer refused, with its line number in the file and the reason."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="row_errors", verbose_name=_("import")
    )
    line = models.PositiveIntegerField(_("line"))
    reason = models.TextField(_("reason"))
    row = models.JSONField(_("row"), default=list)

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"
