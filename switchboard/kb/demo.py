"""Demo articles, in Bengali and English, answering the demo IVR's reasons (orders,
complaints, info) and the ticket categories."""

from django.db import transaction

from switchboard.accounts.models import User
from switchboard.acd.models import Queue
from switchboard.kb.actions import ArticleData, check_save_draft, do_publish
from switchboard.kb.models import Article, Category

CATEGORIES = [
    ("ordering", "Ordering", "অর্ডার"),
    ("delivery", "Delivery", "ডেলিভারি"),
    ("payment", "Payment", "পেমেন্ট"),
    ("returns", "Returns and complaints", "ফেরত ও অভিযোগ"),
    ("company", "The company", "প্রতিষ্ঠান"),
]
# language, category, queue, reasons, tags, title, body
ARTICLES = [
    ("en", "ordering", "orders", "orders", "order, phone",
     "How to place an order by phone",
     "1. Ask for the **product code** or name.\n2. Confirm size and colour.\n3. Read back the delivery address.\n4. Tell the total with delivery charge."),
    ("bn", "ordering", "orders", "orders", "অর্ডার, ফোন",
     "ফোনে অর্ডার নেওয়ার নিয়ম",
     "১. **পণ্যের কোড** বা নাম জিজ্ঞেস করুন।\n২. সাইজ ও রং নিশ্চিত করুন।\n৩. ডেলিভারির ঠিকানা পড়ে শোনান।\n৪. ডেলিভারি চার্জসহ মোট দাম বলুন।"),
    ("en", "delivery", "orders", "orders delivery", "delivery, dhaka",
     "Delivery times and charges",
     "Inside Dhaka: **2 days**, 60 taka. Outside Dhaka: **3-5 days**, 120 taka. Free delivery above 3,000 taka."),
    ("bn", "delivery", "orders", "orders delivery", "ডেলিভারি, ঢাকা",
     "ডেলিভারি কত দিনে হয় ও চার্জ কত",
     "ঢাকার ভিতরে **২ দিন**, ৬০ টাকা। ঢাকার বাইরে **৩-৫ দিন**, ১২০ টাকা। ৩,০০০ টাকার বেশি অর্ডারে ডেলিভারি ফ্রি।"),
    ("en", "payment", "orders", "orders billing", "bkash, card, cash",
     "Payment methods",
     "Cash on delivery, bKash, Nagad and cards. A bKash payment shows in our system within 10 minutes."),
    ("bn", "payment", "orders", "orders billing", "বিকাশ, কার্ড, নগদ",
     "মূল্য পরিশোধের উপায়",
     "ক্যাশ অন ডেলিভারি, বিকাশ, নগদ ও কার্ড। বিকাশের পেমেন্ট ১০ মিনিটের মধ্যে আমাদের সিস্টেমে দেখা যায়।"),
    ("en", "returns", "complaints", "complaints product delivery", "return, damaged",
     "A parcel arrived damaged",
     "Apologise. Ask for a **photo** of the parcel and the product. Open a ticket (category *Delivery*); offer a replacement or a refund. If the caller is upset, forward to the Delivery department."),
    ("bn", "returns", "complaints", "complaints product delivery", "ফেরত, ক্ষতিগ্রস্ত",
     "পার্সেল ক্ষতিগ্রস্ত অবস্থায় এসেছে",
     "দুঃখ প্রকাশ করুন। পার্সেল ও পণ্যের **ছবি** চান। টিকিট খুলুন (বিভাগ *ডেলিভারি*); বদলে দেওয়া বা টাকা ফেরতের প্রস্তাব দিন।"),
    ("en", "returns", "complaints", "complaints billing", "refund",
     "Refund timelines",
     "Refunds to bKash take **3 working days**, to cards **7-10 working days**. Give the ticket number to the caller."),
    ("bn", "returns", "complaints", "complaints billing", "টাকা ফেরত",
     "টাকা ফেরত পেতে কত দিন লাগে",
     "বিকাশে টাকা ফেরত **৩ কর্মদিবস**, কার্ডে **৭-১০ কর্মদিবস**। কলারকে টিকিট নম্বর জানিয়ে দিন।"),
    ("en", "returns", "complaints", "complaints product", "return, exchange, size",
     "Return and exchange policy",
     "Unused products can be returned within **7 days** with the receipt. Size exchanges are free once."),
    ("bn", "returns", "complaints", "complaints product", "ফেরত, বদল, সাইজ",
     "পণ্য ফেরত ও বদলের নিয়ম",
     "রসিদসহ **৭ দিনের** মধ্যে অব্যবহৃত পণ্য ফেরত দেওয়া যায়। সাইজ বদল একবার ফ্রি।"),
    ("en", "company", "info", "info", "hours, showroom",
     "Opening hours and showrooms",
     "Call centre: every day 9:00-21:00. Showrooms in Dhanmondi, Uttara and Chattogram, 10:00-20:00, closed Friday morning."),
    ("bn", "company", "info", "info", "সময়, শোরুম",
     "খোলার সময় ও শোরুম",
     "কল সেন্টার: প্রতিদিন সকাল ৯টা থেকে রাত ৯টা। ধানমন্ডি, উত্তরা ও চট্টগ্রামে শোরুম, সকাল ১০টা থেকে রাত ৮টা।"),
    ("en", "company", "info", "info", "offer, discount",
     "Current promotions",
     "**Winter sale**: 20% off shawls and blankets until 31 January. Members get free delivery."),
    ("bn", "company", "info", "info", "অফার, ছাড়",
     "চলতি অফার",
     "**শীতের সেল**: ৩১ জানুয়ারি পর্যন্ত শাল ও কম্বলে ২০% ছাড়। সদস্যদের ডেলিভারি ফ্রি।"),
]  # fmt: skip


@transaction.atomic
def load(out) -> None:
    author = User.objects.filter(username="supervisor").first()
    categories = {}
    for code, en, bn in CATEGORIES:
        categories[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_bn": bn}
        )
    queues = {q.code: q for q in Queue.objects.all()}
    existing = set(Article.objects.values_list("title", flat=True))
    added = 0
    for language, category, queue, reasons, tags, title, body in ARTICLES:
        if title in existing:
            continue
        data = ArticleData(
            title=title,
            body=body,
            language=language,
            category=categories[category],
            tags=tags,
            reasons=reasons,
            queues=[queues[queue]] if queue in queues else [],
        )
        do_publish(check_save_draft(None, data, author=author))
        added += 1
    out.write(f"Demo knowledge base: {len(ARTICLES)} articles ({added} new).")
