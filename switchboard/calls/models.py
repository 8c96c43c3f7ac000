"""The call record (CDR): written as the call progresses, so a crash loses nothing known."""

import uuid

from django.conf import settings
from django.db import models
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
