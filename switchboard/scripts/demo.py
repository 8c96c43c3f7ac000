"""The demo script for the orders queue: greet, find out what the caller wants, branch."""

from django.db import transaction

from switchboard.acd.models import Queue
from switchboard.scripts.models import Script, ScriptStep

STEPS = [
    # key, kind, required, answer type, choices, next, branches, English, Bengali
    ("greet", "say", True, "text", "", "", {},
     "Good day {first_name}! This is {agent_name} from Deshi Bazar. How can I help you?",
     "শুভ দিন {first_name}! আমি দেশী বাজার থেকে {agent_name} বলছি। কীভাবে সাহায্য করতে পারি?"),
    ("purpose", "question", True, "choice", "new order\norder status", "",
     {"new order": "product", "order status": "order_number"},
     "Is this a new order or about an existing one?",
     "নতুন অর্ডার, নাকি আগের অর্ডারের খবর?"),
    ("product", "question", True, "text", "", "", {},
     "Which product (code or name), size and colour?",
     "কোন পণ্য (কোড বা নাম), সাইজ ও রং?"),
    ("address", "question", True, "text", "", "", {},
     "Read back the delivery address: {address}. Is it right? Note any change.",
     "ডেলিভারির ঠিকানা পড়ে শোনান: {address}। ঠিক আছে? পরিবর্তন থাকলে লিখুন।"),
    ("total", "say", True, "text", "", "close", {},
     "Tell the total with the delivery charge, and the delivery date.",
     "ডেলিভারি চার্জসহ মোট দাম ও ডেলিভারির তারিখ জানান।"),
    ("order_number", "question", True, "text", "", "", {},
     "May I have the order number?",
     "অর্ডার নম্বরটি বলবেন?"),
    ("status_told", "say", True, "text", "", "", {},
     "Tell the order's status and when it will arrive.",
     "অর্ডারের অবস্থা ও কবে পৌঁছাবে তা জানান।"),
    ("close", "say", True, "text", "", "end", {},
     "Anything else, {first_name}? Thank you for calling Deshi Bazar.",
     "আর কিছু জানতে চান, {first_name}? দেশী বাজারে ফোন করার জন্য ধন্যবাদ।"),
]  # fmt: skip


@transaction.atomic
def load(out) -> None:
    queue = Queue.objects.filter(code="orders").first()
    script, created = Script.objects.get_or_create(
        code="orders_inbound",
        defaults={"name_en": "Orders: inbound", "name_bn": "অর্ডার: ইনবাউন্ড", "queue": queue},
    )
    if created:
        ScriptStep.objects.bulk_create(
            [
                ScriptStep(
                    script=script,
                    order=i,
                    key=key,
                    kind=kind,
                    required=required,
                    answer_type=answer_type,
                    choices=choices,
                    next_key=next_key,
                    branches=branches,
                    text_en=en,
                    text_bn=bn,
                )  # fmt: skip
                for i, (
                    key,
                    kind,
                    required,
                    answer_type,
                    choices,
                    next_key,
                    branches,
                    en,
                    bn,
                ) in enumerate(STEPS)
            ]
        )
    out.write(f"Demo script: {script.code} with {script.steps.count()} steps.")
