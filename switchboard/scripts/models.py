"""Call scripts: steps the operator reads and asks, branching by answer, and each call's run."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from switchboard.bilingual import BilingualName


class Script(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    queue = models.ForeignKey(
        "acd.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scripts",
        verbose_name=_("queue"),
    )
    campaign = models.SlugField(
        _("campaign code"), max_length=50, blank=True, help_text=_("For outbound campaigns.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")


class StepKind(models.TextChoices):
    SAY = "say", _("Say (text for the operator)")
    QUESTION = "question", _("Ask (with an answer field)")


class AnswerType(models.TextChoices):
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of the choices")
    NUMBER = "number", _("Number")


class ScriptStep(models.Model):
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=16, choices=StepKind.choices, default=StepKind.SAY
    )
    text_en = models.TextField(
        _("text (English)"), help_text=_("Placeholders: {first_name}, {name}, {agent_name} …")
    )
    text_bn = models.TextField(_("text (Bengali)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    answer_type = models.CharField(
        _("answer"), max_length=16, choices=AnswerType.choices, default=AnswerType.TEXT
    )
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))
    next_key = models.SlugField(
        _("next step"),
        max_length=50,
        blank=True,
        help_text=_("Empty: the next one in order; “end” finishes."),
    )
    branches = models.JSONField(
        _("branches"),
        default=dict,
        blank=True,
        help_text=_('Answer → step key, e.g. {"yes": "order_number", "no": "end"}.'),
    )

    class Meta:
        ordering = ["script", "order", "id"]
        verbose_name = _("script step")
        verbose_name_plural = _("script steps")
        constraints = [models.UniqueConstraint(fields=["script", "key"], name="step_key_once")]

    def __str__(self) -> str:
        return f"{self.script.code}:{self.key}"

    @property
    def text(self) -> str:
        if translation.get_language() == "bn" and self.text_bn:
            return self.text_bn
        return self.text_en

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    @property
    def is_question(self) -> bool:
        return self.kind == StepKind.QUESTION

    def clean(self):
        if not isinstance(self.branches, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.branches.items()
        ):
            raise ValidationError({"branches": _("Give answers and step keys as text.")})
        is_choice = self.kind == StepKind.QUESTION and self.answer_type == AnswerType.CHOICE
        if is_choice and not self.choice_list:
            raise ValidationError({"choices": _("A choice question needs its choices.")})


class ScriptRun(models.Model):
    """One operator going through a script on one call: the answers and the adherence."""

    script = models.ForeignKey(Script, on_delete=models.PROTECT, related_name="runs")
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="script_runs"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="script_runs"
    )
    current_key = models.CharField(_("current step"), max_length=50, blank=True)
    path = models.JSONField(_("steps shown"), default=list, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    done = models.JSONField(_("steps done"), default=list, blank=True)
    skipped = models.JSONField(_("steps skipped"), default=list, blank=True)
    skip_reason = models.TextField(_("why required steps were skipped"), blank=True)
    required_total = models.PositiveSmallIntegerField(_("required steps"), default=0)
    required_done = models.PositiveSmallIntegerField(_("required steps done"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("script run")
        verbose_name_plural = _("script runs")
        permissions = [("view_adherence", _("Can see operators' script adherence"))]
        constraints = [
            models.UniqueConstraint(
                fields=["script", "call"],
                condition=models.Q(call__isnull=False),
                name="one_run_per_script_and_call",
            )
        ]

    def __str__(self) -> str:
        return f"{self.script.code} / {self.call_id or '-'}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def adherence(self) -> float | None:
        if not self.finished_at:
            return None
        return 1.0 if not self.required_total else self.required_done / self.required_total
