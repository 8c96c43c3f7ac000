"""What the engine reads from the database before its first call: queues, menus, agents.

Plain synchronous functions; the engine calls them in a thread. The router gets
its configuration from here, the IVR its menus, the carrier its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from switchboard.acd.models import AgentProfile, BreakReason, IvrMenu, Queue
from switchboard.core.consent import RecordingRule
from switchboard.core.ivr import IvrConfig, MenuOption
from switchboard.core.routing import OverflowRule, QueueConfig, RouterConfig, Strategy

# A caller who chose a language needs an agent who speaks it, when such a skill exists.
LANGUAGE_SKILLS = {"bn": "bangla", "en": "english"}


@dataclass(frozen=True)
class QueueCard:
    id: int
    code: str
    name_en: str
    name_bn: str
    ring_seconds: int
    wrapup_seconds: int
    sl_target_percent: int
    sl_target_seconds: int
    dispositions: tuple[dict, ...]  # {"code", "name_en", "name_bn", "difficult"}
    recording: RecordingRule = RecordingRule()
    announce_every_seconds: int = 0  # queue announcements (_announce.py); 0 = none
    announce: str = "both"


@dataclass
class AgentCard:
    user_id: int
    profile_id: int
    name: str
    is_bot: bool
    auto_answer: bool
    skills: dict[str, int]
    language: str = ""  # the user's language for refusals; "" = the company's


@dataclass
class FloorSetup:
    router: RouterConfig
    queues: dict[str, QueueCard]
    menus: dict[str, IvrConfig]  # by dialed number
    agents: dict[int, AgentCard]  # by user id
    break_reasons: set[str]
    language_skills: dict[str, str] = field(default_factory=dict)
    known_callers: list[str] = field(default_factory=list)
    recording: dict[str, RecordingRule] = field(default_factory=dict)  # by dialed number
    outbound_ring_seconds: float = 30.0
    outbound_caller_id: str = ""
    outbound_queue_code: str = ""

    @property
    def outbound_queue(self) -> str:
        """The queue an agent's outbound call belongs to (its wrap-up and dispositions)."""
        if self.outbound_queue_code in self.queues:
            return self.outbound_queue_code
        return self.default_queue

    @property
    def default_queue(self) -> str:
        """Where a call to a number without a menu goes: nobody is dropped."""
        for menu in self.menus.values():
            return menu.default_queue
        return next(iter(self.queues))


def _queue_config(queue: Queue) -> QueueConfig:
    overflow: tuple[OverflowRule, ...] = ()
    max_wait: float | None = queue.max_wait_seconds or None
    if queue.overflow_queue_id is not None and queue.overflow_queue_id != queue.pk:
        after = queue.overflow_after_seconds or queue.max_wait_seconds
        overflow = (OverflowRule(float(after), move_to=queue.overflow_queue.code),)
        max_wait = None  # the call moves on instead of expiring here
    return QueueConfig(
        queue.code,
        skills={req.skill.code: req.min_level for req in queue.skill_requirements.all()},
        priority=queue.priority,
        strategy=Strategy(queue.strategy),
        sl_target_s=float(queue.sl_target_seconds),
        sl_goal=queue.sl_target_percent / 100,
        max_wait_s=float(max_wait) if max_wait else None,
        wrap_up_s=float(queue.wrapup_seconds),
        overflow=overflow,
    )


def load_setup() -> FloorSetup:
    """Read the floor's configuration. Raises InvalidConfig if the queues contradict."""
    queues = list(
        Queue.objects.select_related("overflow_queue").prefetch_related(
            "skill_requirements__skill", "dispositions"
        )
    )
    cards = {
        q.code: QueueCard(
            q.pk,
            q.code,
            q.name_en,
            q.name_bn,
            q.ring_seconds,
            q.wrapup_seconds,
            q.sl_target_percent,
            q.sl_target_seconds,
            tuple(
                {
                    "code": d.code,
                    "name_en": d.name_en,
                    "name_bn": d.name_bn,
                    "difficult": d.difficult,
                }
                for d in q.dispositions.all()
            ),
            RecordingRule(q.record_calls, q.consent_prompt),
            announce_every_seconds=q.announce_every_seconds,
            announce=q.announce,
        )
        for q in queues
    }
    menus = {}
    recording = {}
    for menu in IvrMenu.objects.filter(active=True).select_related("default_queue"):
        recording[menu.dialed_number] = RecordingRule(menu.record_calls, menu.consent_prompt)
        options = {
            o.digit: MenuOption(o.queue.code, o.reason)
            for o in menu.options.select_related("queue")
        }
        menus[menu.dialed_number] = IvrConfig(
            options=options,
            default_queue=menu.default_queue.code,
            ask_language=menu.ask_language,
            max_attempts=max(1, menu.max_attempts),
            digit_timeout_s=float(menu.digit_timeout_seconds),
        )
    from switchboard.acd.models import Skill

    skills = set(Skill.objects.values_list("code", flat=True))
    from django.conf import settings

    from switchboard.contacts.models import Phone

    engine = settings.SWITCHBOARD["ENGINE"]

    return FloorSetup(
        router=RouterConfig(queues=tuple(_queue_config(q) for q in queues)),
        queues=cards,
        menus=menus,
        agents={card.user_id: card for card in load_agents()},
        break_reasons=set(BreakReason.objects.values_list("code", flat=True)),
        language_skills={lang: s for lang, s in LANGUAGE_SKILLS.items() if s in skills},
        known_callers=list(Phone.objects.order_by("-id").values_list("e164", flat=True)[:200]),
        recording=recording,
        outbound_ring_seconds=float(engine["OUTBOUND_RING_SECONDS"]),
        outbound_caller_id=engine["OUTBOUND_CALLER_ID"],
        outbound_queue_code=engine["OUTBOUND_QUEUE"],
    )


def load_agents(user_id: int | None = None) -> list[AgentCard]:
    """Agent profiles with their skills; one user's only when `user_id` is given."""
    profiles = AgentProfile.objects.select_related("user").prefetch_related("skill_levels__skill")
    if user_id is not None:
        profiles = profiles.filter(user_id=user_id)
    return [
        AgentCard(
            p.user_id,
            p.pk,
            p.user.display_name,
            p.is_bot,
            p.auto_answer,
            {level.skill.code: level.level for level in p.skill_levels.all()},
            p.user.language,
        )
        for p in profiles
    ]
