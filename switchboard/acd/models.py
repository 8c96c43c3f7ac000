"""What the routing engine is configured with: skills, queues, agents, dispositions, IVR menus.

The engine reads these into `switchboard.core.routing` at start and whenever they change.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from switchboard.bilingual import BilingualName


class Skill(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Strategy(models.TextChoices):
    LONGEST_IDLE = "longest_idle", _("Longest idle agent")
    LEAST_OCCUPIED = "least_occupied", _("Least occupied agent today")
    BEST_SKILL = "best_skill", _("Best skill level, then longest idle")
    ROUND_ROBIN = "round_robin", _("Round robin")


class Disposition(BilingualName):
    """An outcome the operator records when a call ends."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    difficult = models.BooleanField(
        _("marks the call difficult"),
        default=False,
        help_text=_(
            "Starts the operator's cool-down after the call (abusive caller, acoustic incident)."
        ),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")


class RecordingSetting(models.Model):
    """Call recording, set per dialed number (IvrMenu) and per queue (Queue)."""

    record_calls = models.BooleanField(
        _("record calls"),
        default=False,
        help_text=_("Record the conversation with the operator; supervisors can play it later."),
    )
    consent_prompt = models.CharField(
        _("recording announcement"),
        max_length=50,
        blank=True,
        default="recording_consent",
        help_text=_(
            "The prompt played to the caller before an operator answers, telling them the call "
            "is recorded: a prompt of this name (uploaded under Prompts, or a WAV in the "
            "prompts folder). Empty: none is played."
        ),
    )

    class Meta:
        abstract = True


class Announce(models.TextChoices):
    """What a waiting caller is told (switchboard/core/announce.py)."""

    POSITION = "position", _("position in the queue")
    WAIT = "wait", _("expected wait")
    BOTH = "both", _("position and expected wait")


class Queue(BilingualName, RecordingSetting):  # noqa: DJ008 (BilingualName has __str__)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Higher is served first."))
    strategy = models.CharField(
        _("strategy"), max_length=20, choices=Strategy.choices, default=Strategy.LONGEST_IDLE
    )
    sl_target_percent = models.PositiveSmallIntegerField(
        _("service level target (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    sl_target_seconds = models.PositiveIntegerField(_("answered within (s)"), default=20)
    max_wait_seconds = models.PositiveIntegerField(
        _("maximum wait (s)"),
        default=600,
        help_text=_("After this, the call moves to the overflow queue."),
    )
    overflow_after_seconds = models.PositiveIntegerField(
        _("overflow after (s)"),
        null=True,
        blank=True,
        help_text=_("Widen the skills or move the call after this many seconds of waiting."),
    )
    overflow_queue = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("overflow queue"),
    )
    ring_seconds = models.PositiveIntegerField(_("ring time (s)"), default=20)
    wrapup_seconds = models.PositiveIntegerField(_("wrap-up time (s)"), default=30)
    announce_every_seconds = models.PositiveSmallIntegerField(
        _("announce every (s)"),
        default=0,
        validators=[MaxValueValidator(3600)],
        help_text=_(
            "While a caller waits, tell them where they stand after this many seconds of "
            "music; 0 never does."
        ),
    )
    announce = models.CharField(
        _("announce"), max_length=10, choices=Announce.choices, default=Announce.BOTH
    )
    dispositions = models.ManyToManyField(Disposition, blank=True, verbose_name=_("dispositions"))
    skills = models.ManyToManyField(
        Skill, through="QueueSkill", blank=True, verbose_name=_("required skills")
    )

    class Meta:
        ordering = ["-priority", "code"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")


class QueueSkill(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="skill_requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, verbose_name=_("skill"))
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        constraints = [models.UniqueConstraint(fields=["queue", "skill"], name="queue_skill_once")]

    def __str__(self) -> str:
        return f"{self.skill.code}>={self.min_level}"


class BreakReason(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("break reason")
        verbose_name_plural = _("break reasons")


class AgentProfile(models.Model):
    """An operator as the router sees them: skills and desk settings (their SIP phone is a
    telephony.Extension)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agent_profile",
        verbose_name=_("user"),
    )
    auto_answer = models.BooleanField(_("answer offered calls automatically"), default=False)
    is_bot = models.BooleanField(
        _("simulated agent"),
        default=False,
        help_text=_("A bot that answers calls, for the demo and load tests."),
    )
    skills = models.ManyToManyField(
        Skill, through="AgentSkill", blank=True, verbose_name=_("skills")
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        permissions = [
            ("use_desk", _("Can take calls at the operator desk")),
            ("view_floor", _("Can watch the live floor and the wallboard")),
            ("manage_floor", _("Can change agents' states and move waiting calls")),
        ]

    def __str__(self) -> str:
        return self.user.get_username()


class AgentSkill(models.Model):
    agent = models.ForeignKey(AgentProfile, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, verbose_name=_("skill"))
    level = models.PositiveSmallIntegerField(
        _("level"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("agent skill")
        verbose_name_plural = _("agent skills")
        constraints = [models.UniqueConstraint(fields=["agent", "skill"], name="agent_skill_once")]

    def __str__(self) -> str:
        return f"{self.skill.code}={self.level}"


class IvrMenu(RecordingSetting):
    """What a caller hears on one dialed number: greeting, language choice, menu of queues."""

    dialed_number = models.CharField(_("dialed number (E.164)"), max_length=20, unique=True)
    greeting_en = models.TextField(_("greeting (English)"))
    greeting_bn = models.TextField(_("greeting (Bengali)"), blank=True)
    ask_language = models.BooleanField(
        _("ask for the language first"),
        default=True,
        help_text=_("1 for Bengali, 2 for English."),
    )
    menu_en = models.TextField(_("menu prompt (English)"))
    menu_bn = models.TextField(_("menu prompt (Bengali)"), blank=True)
    default_queue = models.ForeignKey(
        Queue,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("default queue"),
        help_text=_(
            "Where a caller goes after wrong or missing digits: nobody is dropped by the menu."
        ),
    )
    max_attempts = models.PositiveSmallIntegerField(_("menu attempts"), default=2)
    digit_timeout_seconds = models.PositiveSmallIntegerField(
        _("seconds to wait for a digit"), default=5
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("IVR menu")
        verbose_name_plural = _("IVR menus")

    def __str__(self) -> str:
        return self.dialed_number


class IvrOption(models.Model):
    menu = models.ForeignKey(IvrMenu, on_delete=models.CASCADE, related_name="options")
    digit = models.CharField(_("digit"), max_length=1, choices=[(d, d) for d in "0123456789*#"])
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, verbose_name=_("queue"))
    reason = models.CharField(
        _("call reason"), max_length=50, blank=True, help_text=_("e.g. orders, complaints")
    )

    class Meta:
        ordering = ["digit"]
        verbose_name = _("menu option")
        verbose_name_plural = _("menu options")
        constraints = [models.UniqueConstraint(fields=["menu", "digit"], name="menu_digit_once")]

    def __str__(self) -> str:
        return f"{self.digit} → {self.queue.code}"


class AgentState(models.TextChoices):
    LOGGED_OUT = "logged_out", _("Logged out")
    AVAILABLE = "available", _("Available")
    RINGING = "ringing", _("Ringing")
    ON_CALL = "on_call", _("On call")
    WRAP_UP = "wrap_up", _("Wrap-up")
    BREAK = "break", _("Break")


class AgentStatus(models.Model):
    """The agent's state as the engine last reported it: what pages show on first load,
    and what the engine restores after a restart. The engine's router is the authority."""

    agent = models.OneToOneField(
        AgentProfile, on_delete=models.CASCADE, related_name="status", primary_key=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AgentState.choices, default=AgentState.LOGGED_OUT
    )
    reason = models.CharField(_("reason"), max_length=50, blank=True)
    since = models.DateTimeField(_("since"))
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agent status")
        verbose_name_plural = _("agent statuses")

    def __str__(self) -> str:
        return f"{self.agent}: {self.state}"
