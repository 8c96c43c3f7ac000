"""The demo company's customers: a clothing and household-goods retailer in Bangladesh.

Deterministic (a fixed seed), so every phone number is the same on every run and a
second run finds them all present and adds nothing.
"""

import random

from django.db import transaction

from switchboard.contacts.actions import ContactData, check_create_contact
from switchboard.contacts.models import ContactKind, Phone

PEOPLE_BN = [
    ("রহিম", "আহমেদ"),
    ("করিম", "উদ্দিন"),
    ("ফাতেমা", "বেগম"),
    ("নাসরিন", "আক্তার"),
    ("সাদিয়া", "ইসলাম"),
    ("তানভীর", "হাসান"),
    ("মাহমুদ", "চৌধুরী"),
    ("শারমিন", "সুলতানা"),
    ("আরিফ", "হোসেন"),
    ("রুমানা", "খাতুন"),
    ("জাহিদ", "রহমান"),
    ("মৌসুমী", "দাস"),
    ("সুমন", "সরকার"),
    ("পারভীন", "আক্তার"),
    ("ইমরান", "খান"),
]
PEOPLE_EN = [
    ("Rahim", "Ahmed"),
    ("Karim", "Uddin"),
    ("Fatema", "Begum"),
    ("Nasrin", "Akter"),
    ("Sadia", "Islam"),
    ("Tanvir", "Hasan"),
    ("Mahmud", "Chowdhury"),
    ("Sharmin", "Sultana"),
    ("Arif", "Hossain"),
    ("Rumana", "Khatun"),
    ("Zahid", "Rahman"),
    ("Mousumi", "Das"),
    ("Sumon", "Sarkar"),
    ("Imran", "Khan"),
]
ORGANIZATIONS = [
    "Dhaka Garments Ltd.",
    "Chittagong Home Store",
    "Sylhet Textiles",
    "Padma Traders",
    "Meghna Fashion House",
    "ঢাকা বস্ত্রালয়",
    "রূপসা গৃহসামগ্রী",
    "যমুনা ট্রেডার্স",
    "Khulna Kitchenware",
    "Rajshahi Silk Emporium",
]
CITIES = [
    "Dhaka",
    "Chattogram",
    "Sylhet",
    "Khulna",
    "Rajshahi",
    "Barishal",
    "Rangpur",
    "Mymensingh",
]
TAGS = ["vip", "wholesale", "retail", "complained", "loyalty", "new"]
OPERATOR_PREFIXES = ["013", "014", "015", "016", "017", "018", "019"]
PHONE_FORMATS = ["{p}{a}-{b}", "+880 {p1}{a} {b}", "880{p1}{a}{b}", "{p}{a}{b}"]

COUNT = 300


def _demo_rows(count: int):
    rng = random.Random(20261202)
    for i in range(count):
        prefix = rng.choice(OPERATOR_PREFIXES)
        a, b = f"{rng.randrange(10, 100)}", f"{rng.randrange(0, 1_000_000):06d}"
        phone = rng.choice(PHONE_FORMATS).format(p=prefix, p1=prefix[1:], a=a, b=b)
        tags = rng.sample(TAGS, rng.randrange(0, 3))
        if i % 12 == 0:
            yield ContactData(
                kind=ContactKind.ORGANIZATION,
                organization=ORGANIZATIONS[(i // 12) % len(ORGANIZATIONS)]
                + ("" if i < 12 * len(ORGANIZATIONS) else f" ({rng.choice(CITIES)})"),
                phones=[phone],
                tags=tags + ["wholesale"],
                address=rng.choice(CITIES),
                source="demo",
            )
            continue
        first, last = rng.choice(PEOPLE_BN if i % 2 else PEOPLE_EN)
        yield ContactData(
            first_name=first,
            last_name=last,
            phones=[phone],
            tags=tags,
            emails=[f"{last.lower()}.{i}@example.com"] if i % 2 == 0 else [],
            address=rng.choice(CITIES),
            do_not_call=i % 29 == 0,
            source="demo",
        )


@transaction.atomic
def load(out) -> None:
    from switchboard.contacts.phones import normalize_phone

    rows = list(_demo_rows(COUNT))
    wanted = {normalize_phone(r.phones[0]): r for r in rows}
    present = set(Phone.objects.filter(e164__in=wanted).values_list("e164", flat=True))
    created = 0
    for e164, row in wanted.items():
        if e164 not in present:
            check_create_contact(row)
            created += 1
    out.write(f"Demo contacts: {len(wanted)} ({created} new).")
