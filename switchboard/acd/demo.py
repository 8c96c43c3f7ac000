"""The demo company's floor: skills, queues, dispositions, an IVR and agents (two humans, bots)."""

import secrets

from django.db import transaction

from switchboard.accounts.actions import do_create_user
from switchboard.accounts.models import Role, User
from switchboard.acd.models import (
    AgentProfile,
    AgentSkill,
    BreakReason,
    Disposition,
    IvrMenu,
    IvrOption,
    Queue,
    QueueSkill,
    Skill,
)

DEMO_NUMBER = "+8809612345678"

SKILLS = [
    ("bangla", "Bengali", "বাংলা"),
    ("english", "English", "ইংরেজি"),
    ("orders", "Orders", "অর্ডার"),
    ("complaints", "Complaints", "অভিযোগ"),
    ("info", "Information", "তথ্য"),
]
QUEUES = [
    # code, en, bn, priority, skills, wrap-up s
    ("orders", "Orders", "অর্ডার", 10, ["orders"], 30),
    ("complaints", "Complaints", "অভিযোগ", 20, ["complaints"], 60),
    ("info", "Information", "তথ্য", 0, ["info"], 20),
]
DISPOSITIONS = [
    ("order_placed", "Order placed", "অর্ডার দেওয়া হয়েছে", False),
    ("info_given", "Information given", "তথ্য দেওয়া হয়েছে", False),
    ("complaint_solved", "Complaint solved", "অভিযোগের সমাধান হয়েছে", False),
    ("complaint_forwarded", "Complaint forwarded", "অভিযোগ পাঠানো হয়েছে", False),
    ("callback", "Call back later", "পরে কল করতে হবে", False),
    ("abusive", "Abusive caller", "আপত্তিকর কলার", True),
]
BREAKS = [
    ("lunch", "Lunch", "দুপুরের খাবার"),
    ("micro", "Micro-break", "ছোট বিরতি"),
    ("training", "Training", "প্রশিক্ষণ"),
    ("prayer", "Prayer", "নামাজ"),
]
BOTS = 6


@transaction.atomic
def load(out) -> None:
    skills = {}
    for code, en, bn in SKILLS:
        skills[code], _ = Skill.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_bn": bn}
        )
    dispositions = []
    for i, (code, en, bn, difficult) in enumerate(DISPOSITIONS):
        d, _ = Disposition.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_bn": bn, "difficult": difficult, "ordering": i},
        )
        dispositions.append(d)
    for code, en, bn in BREAKS:
        BreakReason.objects.get_or_create(code=code, defaults={"name_en": en, "name_bn": bn})
    queues = {}
    for code, en, bn, priority, needs, wrapup in QUEUES:
        queue, created = Queue.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_bn": bn,
                "priority": priority,
                "wrapup_seconds": wrapup,
                "record_calls": code == "complaints",  # the demo shows recordings there
            },
        )
        if created:
            for need in needs:
                QueueSkill.objects.create(queue=queue, skill=skills[need])
            queue.dispositions.set(dispositions)
        queues[code] = queue
    menu, created = IvrMenu.objects.get_or_create(
        dialed_number=DEMO_NUMBER,
        defaults={
            "greeting_en": "Welcome to Deshi Bazar.",
            "greeting_bn": "দেশী বাজারে স্বাগতম।",
            "menu_en": "For orders press 1, for complaints press 2, for information press 3.",
            "menu_bn": "অর্ডারের জন্য ১ চাপুন, অভিযোগের জন্য ২ চাপুন, তথ্যের জন্য ৩ চাপুন।",
            "default_queue": queues["info"],
        },
    )
    if created:
        for digit, code in (("1", "orders"), ("2", "complaints"), ("3", "info")):
            IvrOption.objects.create(menu=menu, digit=digit, queue=queues[code], reason=code)

    every_skill = dict.fromkeys(skills, 7)
    for user in User.objects.filter(username__in=["agent1", "agent2"]):
        _profile(user, every_skill)
    existing_bots = set(
        User.objects.filter(username__startswith="bot").values_list("username", flat=True)
    )
    for i in range(1, BOTS + 1):
        username = f"bot{i}"
        if username in existing_bots:
            continue
        # Bots never log in through the web: a random password nobody knows.
        user = do_create_user(
            username, secrets.token_urlsafe(16), Role.AGENT, first_name="Bot", last_name=str(i)
        )
        levels = {
            "bangla": 8,
            "english": 4 + i % 5,
            "orders": 3 + i % 7,
            "complaints": 2 + (i * 3) % 8,
            "info": 6,
        }
        _profile(user, levels, is_bot=True)
    out.write(f"Demo floor: {len(queues)} queues, IVR on {DEMO_NUMBER}, {BOTS} simulated agents.")


def _profile(user, levels, *, is_bot=False):
    profile, created = AgentProfile.objects.get_or_create(user=user, defaults={"is_bot": is_bot})
    if created:
        skills = {s.code: s for s in Skill.objects.all()}
        AgentSkill.objects.bulk_create(
            [
                AgentSkill(agent=profile, skill=skills[code], level=level)
                for code, level in levels.items()
            ]
        )
    return profile
