"""Complaints and claims, the departments that work them, and their service-level rules."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from switchboard.accounts.models import validate_time_zone
from switchboard.bilingual import BilingualName
from switchboard.core.sla import MINUTES_PER_DAY, WorkingHours, minutes


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Department(BilingualName):
    """A team behind the front line (delivery, billing ...): works forwarded tickets and
    takes calls transferred to its own queue while it is open."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name=_("members")
    )
    queue = models.ForeignKey(
        "acd.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("queue for transferred calls"),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Dhaka", validators=[validate_time_zone]
    )
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalation contact"),
        help_text=_("Told when one of the department's tickets passes its due time."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def working_hours(self) -> WorkingHours:
        """The schedule as the SLA arithmetic reads it (reads the prefetched periods).

        A department with no periods at all is open around the clock."""
        tz = zoneinfo.ZoneInfo(self.time_zone)
        periods: dict[int, list[tuple[int, int]]] = {}
        for p in self.periods.all():
            end = minutes(p.closes) or MINUTES_PER_DAY  # 00:00 closes at midnight
            periods.setdefault(p.weekday, []).append((minutes(p.opens), end))
        return WorkingHours(periods, tz) if periods else WorkingHours.always(tz)


class WorkingPeriod(models.Model):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("working period")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        end = minutes(self.closes) or MINUTES_PER_DAY
        if self.opens and end <= minutes(self.opens):
            raise ValidationError({"closes": _("Closes must be after opens, on the same day.")})


class TicketKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    CLAIM = "claim", _("Claim")


class Category(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    PRODUCT = "product", _("Product quality")
    BILLING = "billing", _("Billing and payment")
    TECHNICAL = "technical", _("Technical problem")
    SERVICE = "service", _("Service and staff")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


# Working hours to resolve when no SlaPolicy row says otherwise.
DEFAULT_SLA_HOURS = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 8,
    Severity.NORMAL: 24,
    Severity.LOW: 48,
}


class SlaPolicy(models.Model):
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    resolve_within_minutes = models.PositiveIntegerField(
        _("resolve within (working minutes)"),
        help_text=_("Counted in the working hours of the ticket's department."),
    )

    class Meta:
        ordering = ["category", "severity"]
        verbose_name = _("SLA rule")
        verbose_name_plural = _("SLA rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "severity"], name="sla_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} × {self.get_severity_display()}"

    @classmethod
    def duration_for(cls, category: str, severity: str) -> timedelta:
        policy = cls.objects.filter(category=category, severity=severity).first()
        if policy is not None:
            return timedelta(minutes=policy.resolve_within_minutes)
        return timedelta(hours=DEFAULT_SLA_HOURS.get(severity, 24))


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# The lifecycle: which status may follow which. A resolved or closed ticket comes back
# only through "reopened", so the history always shows that it came back.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED},
    Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED},
    Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
    Status.CLOSED: {Status.REOPENED},
    Status.REOPENED: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED},
}
FINISHED = {Status.RESOLVED, Status.CLOSED}


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=FINISHED)


class Ticket(models.Model):
    kind = models.CharField(
        _("kind"), max_length=16, choices=TicketKind.choices, default=TicketKind.COMPLAINT
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Order numbers as the customer or the orders app gives them; no link to that app yet.
    orders = models.JSONField(_("orders concerned"), default=list, blank=True)
    demand = models.TextField(_("customer's demand"), blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("contact"),
    )
    # The call it was opened on: the desk of whoever receives that call after a transfer
    # finds the ticket through it.
    call = models.ForeignKey(
        "calls.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("call"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("department"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_tickets",
        verbose_name=_("opened by"),
    )
    resolution = models.TextField(
        _("resolution told to the customer"),
        blank=True,
        help_text=_("What the customer is told; internal notes stay in the history."),
    )
    solved_on_call = models.BooleanField(_("solved on the call"), default=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("view_all_tickets", _("Can see every department's tickets")),
            ("view_internal_notes", _("Can read every internal note of a ticket")),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="ticket_worklist_idx"),
            models.Index(fields=["escalated_at", "due_at"], name="ticket_escalation_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def is_overdue(self, now) -> bool:
        return self.due_at is not None and not self.is_finished and now > self.due_at

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        allowed = TRANSITIONS.get(self.status, set())
        return [(value, label) for value, label in Status.choices if value in allowed]


class EventKind(models.TextChoices):
    CREATED = "created", _("Opened")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    FORWARDED = "forwarded", _("Forwarded")
    TRANSFERRED = "transferred", _("Call transferred")
    NOTE = "note", _("Internal note")
    RESOLUTION = "resolution", _("Resolution")
    ESCALATED = "escalated", _("Escalated")


class TicketEvent(models.Model):
    """One line of a ticket's history; internal notes are events of kind NOTE."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket history")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_kind_display()}"

    @property
    def is_internal(self) -> bool:
        return self.kind == EventKind.NOTE


class Notification(models.Model):
    """Something a person must know about a ticket (an escalation), shown on their work list."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.text[:60]
