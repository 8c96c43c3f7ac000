"""Telephony as product data: operators' SIP extensions, trunks, and the prompts callers hear.

The SIP side (`sip/config.py`, `SipConfig.from_settings`) reads these at start. Passwords are
never stored: only the digest HA1, MD5(username:realm:password), which is all SIP digest
authentication needs (docs/sip.md says why that is the trade-off).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from switchboard.acd.models import IvrMenu
from switchboard.core.announce import MAX_SPOKEN, number_prompt

digits_only = RegexValidator(r"^[0-9]{2,15}$", _("Use 2 to 15 digits, nothing else."))
sip_username = RegexValidator(
    r"^[A-Za-z0-9._-]{2,60}$",
    _("Use 2 to 60 letters, digits, dots, dashes or underscores."),
)


class Extension(models.Model):
    """An operator's (or supervisor's) SIP phone: what it registers as."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sip_extension",
        verbose_name=_("user"),
    )
    number = models.CharField(
        _("extension number"), max_length=15, unique=True, validators=[digits_only]
    )
    # MD5(number:realm:password), hex; empty until a password is set (the phone cannot register).
    ha1 = models.CharField(_("digest HA1"), max_length=32, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.user})"

    @property
    def has_password(self) -> bool:
        return bool(self.ha1)


class InboundMode(models.TextChoices):
    IP = "ip", _("IP allow-list")
    REGISTRATION = "registration", _("registration with a password")


class Trunk(models.Model):
    """The carrier's SIP connection: who may send us calls, and where our calls go out."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    inbound_mode = models.CharField(
        _("inbound"), max_length=12, choices=InboundMode.choices, default=InboundMode.IP
    )
    allowed_addresses = models.TextField(
        _("allowed addresses"),
        blank=True,
        help_text=_(
            "IP addresses or CIDR blocks the carrier sends from, one per line "
            "(e.g. 203.0.113.0/24)."
        ),
    )
    username = models.CharField(
        _("registration username"),
        max_length=60,
        blank=True,
        validators=[sip_username],
        help_text=_("The carrier's device registers to Switchboard with this name and a password."),
    )
    ha1 = models.CharField(_("digest HA1"), max_length=32, blank=True, editable=False)
    outbound_host = models.CharField(
        _("outbound host"),
        max_length=255,
        blank=True,
        help_text=_("Where calls to customers are sent: the carrier's address or name."),
    )
    outbound_port = models.PositiveIntegerField(_("outbound port"), default=5060)
    caller_id = models.CharField(
        _("caller ID"),
        max_length=20,
        blank=True,
        help_text=_("The number customers see when we call them, in E.164 (+8809612345678)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trunk")
        verbose_name_plural = _("trunks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["username"],
                condition=~models.Q(username=""),
                name="trunk_username_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def networks(self) -> list[str]:
        return [
            line.strip()
            for line in self.allowed_addresses.replace(",", "\n").splitlines()
            if line.strip()
        ]


def _prompt_names():
    """Every prompt the engine plays: the IVR's, the music, the recording announcement, and
    the words of a queue announcement (core/announce.py), one prompt per spoken number."""
    yield "GREETING", ("greeting", _("greeting"))
    yield "LANGUAGE", ("language", _("language choice"))
    yield "MENU", ("menu", _("menu"))
    yield "INVALID", ("invalid", _("not an option"))
    yield "MUSIC", ("music", _("music on hold"))
    yield "RECORDING_CONSENT", ("recording_consent", _("this call is recorded"))
    yield "QUEUE_POSITION", ("queue-position", _("queue announcement: your position is"))
    yield "QUEUE_WAIT", ("queue-wait", _("queue announcement: your expected wait is"))
    yield "MINUTES", ("minutes", _("queue announcement: minutes"))
    for n in range(1, MAX_SPOKEN + 1):
        yield f"NUMBER_{n}", (number_prompt(n), format_lazy("{} {}", _("number"), n))


PromptName = models.TextChoices("PromptName", list(_prompt_names()))


class PromptLanguage(models.TextChoices):
    ANY = "", _("any language")
    BENGALI = "bn", _("Bengali")
    ENGLISH = "en", _("English")


class Prompt(models.Model):
    """A recorded (or generated) announcement, 8 kHz mono 16-bit PCM WAV, for one menu or all."""

    menu = models.ForeignKey(
        IvrMenu,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prompts",
        verbose_name=_("IVR menu"),
        help_text=_("Empty: every menu without a prompt of its own."),
    )
    name = models.CharField(_("prompt"), max_length=20, choices=PromptName.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=PromptLanguage.choices, blank=True
    )
    audio = models.FileField(_("audio (WAV)"), upload_to="prompts/")
    duration_ms = models.PositiveIntegerField(_("length (ms)"), default=0, editable=False)
    # Made by make_demo_prompts: it may replace these, never a prompt a person uploaded.
    generated = models.BooleanField(_("generated"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("prompt")
        verbose_name_plural = _("prompts")
        ordering = ["menu__dialed_number", "name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["menu", "name", "language"],
                condition=models.Q(menu__isnull=False),
                name="prompt_unique_per_menu",
            ),
            models.UniqueConstraint(
                fields=["name", "language"],
                condition=models.Q(menu__isnull=True),
                name="prompt_unique_for_all_menus",
            ),
        ]

    def __str__(self) -> str:
        where = self.menu.dialed_number if self.menu_id else _("all menus")
        return f"{self.name} {self.language or '*'} ({where})"
