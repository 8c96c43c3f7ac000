"""The call record (CDR): written as the call progresses, so a crash loses nothing known."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned by the caller")
    ABANDONED_IVR = "abandoned_ivr", _("Hung up in the menu")
    TRANSFERRED = "transferred", _("Transferred")
    NO_AGENT = "no_agent", _("No agent before the maximum wait")
    INTERRUPTED = "interrupted", _("Interrupted (engine restart)")
    FAILED = "failed", _("Failed")
    BUSY = "busy", _("Busy")
    NO_ANSWER = "no_answer", _("No answer")
    CANCELLED = "cancelled", _("Cancelled before the answer")


class Call(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    caller_number = models.CharField(_("caller number"), max_length=32)
    dialed_number = models.CharField(_("dialed number"), max_length=32)
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("contact"),
    )
    queue = models.ForeignKey(
        "acd.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("queue"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("agent"),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    ivr_choices = models.JSONField(_("menu choices"), default=list, blank=True)
    reason = models.CharField(_("call reason"), max_length=50, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), db_index=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wrapup_ended_at = models.DateTimeField(_("wrap-up ended"), null=True, blank=True)
    wait_seconds = models.FloatField(_("wait (s)"), null=True, blank=True)
    talk_seconds = models.FloatField(_("talk (s)"), null=True, blank=True)
    hold_seconds = models.FloatField(
        _("hold (s)"), null=True, blank=True, help_text=_("The part of the talk time on hold.")
    )
    wrapup_seconds = models.FloatField(_("wrap-up (s)"), null=True, blank=True)
    offers = models.PositiveSmallIntegerField(_("offers"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    disposition = models.ForeignKey(
        "acd.Disposition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("disposition"),
    )
    notes = models.TextField(_("notes"), blank=True)
    failure_reason = models.CharField(
        _("failure reason"),
        max_length=100,
        blank=True,
        help_text=_("Why an outbound call or transfer failed, as the network said it."),
    )
    transfer_chain = models.JSONField(_("transfers"), default=list, blank=True)
    engine = models.CharField(
        _("engine"), max_length=64, blank=True, help_text=_("Which engine process owned it.")
    )

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["outcome", "arrived_at"], name="call_outcome_idx"),
            models.Index(fields=["agent", "-arrived_at"], name="call_agent_idx"),
            models.Index(fields=["caller_number", "-arrived_at"], name="call_caller_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_number} → {self.dialed_number} ({self.arrived_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("calls:detail", args=[self.pk])


class RecordingStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Recording(models.Model):
    """The audio of one call: what the carrier saved (`source`: a WAV, or a pcap of the RTP),
    made into a WAV in the background. A failed conversion keeps the source and says why."""

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="recordings", verbose_name=_("call")
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=RecordingStatus.choices,
        default=RecordingStatus.PENDING,
    )
    file = models.FileField(_("audio file"), upload_to="recordings/%Y/%m/", blank=True)
    source = models.CharField(_("recorded file"), max_length=500, blank=True)
    caller_port = models.PositiveIntegerField(_("caller's RTP port"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    sample_rate = models.PositiveIntegerField(_("sample rate (Hz)"), null=True, blank=True)
    channels = models.PositiveSmallIntegerField(_("channels"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return f"{self.call_id} ({self.get_status_display()})"

    @property
    def duration_text(self) -> str:
        """ "m:ss" (or "h:mm:ss"), for people."""
        seconds = round(self.duration_seconds or 0)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def is_ready(self) -> bool:
        return self.status == RecordingStatus.READY and bool(self.file)


class MonitorMode(models.TextChoices):
    LISTEN = "listen", _("Listen")
    WHISPER = "whisper", _("Whisper to the agent")
    BARGE = "barge", _("Barge in")


class MonitorEnd(models.TextChoices):
    STOPPED = "stopped", _("Stopped by the supervisor")
    SWITCHED = "switched", _("Changed to another mode")
    HUNG_UP = "hung_up", _("The supervisor's phone hung up")
    NO_ANSWER = "no_answer", _("The supervisor's phone did not answer")
    CALL_ENDED = "call_ended", _("The call ended")
    FAILED = "failed", _("The audio could not be set up")


class CallMonitoring(models.Model):
    """A supervisor listened to a live call from their own phone (or whispered to the agent,
    or barged in), or tried to: who, which call, how, when. Written by the engine; never
    edited by hand."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="monitorings", verbose_name=_("call")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    mode = models.CharField(
        _("mode"), max_length=10, choices=MonitorMode.choices, default=MonitorMode.LISTEN
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(
        _("listening from"), null=True, blank=True, help_text=_("When their phone answered.")
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=12, choices=MonitorEnd.choices, blank=True
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("call monitoring")
        verbose_name_plural = _("call monitorings")
        permissions = [("monitor_call", _("Can listen to live calls from their own phone"))]
        indexes = [models.Index(fields=["supervisor", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.supervisor_id} → {self.call_id} ({self.mode})"
