"""The demo company's catalog: a Bangladeshi clothing and household goods retailer.

Idempotent: products, categories and promotions are found by SKU, code or name.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from switchboard.catalog.models import Category, CompanyInfo, Product, Promotion
from switchboard.contacts.models import Tag

CATEGORIES = [
    # code, English, Bengali
    ("saree", "Sarees", "শাড়ি"),
    ("salwar", "Salwar kameez", "সালোয়ার কামিজ"),
    ("men", "Men's wear", "পুরুষদের পোশাক"),
    ("kids", "Children's wear", "শিশুদের পোশাক"),
    ("bedding", "Bedding", "বিছানার চাদর ও কাঁথা"),
    ("kitchen", "Kitchen", "রান্নাঘর"),
    ("home", "Home goods", "গৃহস্থালি"),
    ("service", "Services", "সেবা"),
]

PRODUCTS = [
    # sku, category, English, Bengali, unit, price, stock
    ("SAR-001", "saree", "Dhakai Jamdani saree", "ঢাকাই জামদানি শাড়ি", "piece", "8500", 12),
    ("SAR-002", "saree", "Tangail cotton saree", "টাঙ্গাইল সুতি শাড়ি", "piece", "1850", 40),
    ("SAR-003", "saree", "Rajshahi silk saree", "রাজশাহী সিল্ক শাড়ি", "piece", "6200", 8),
    ("SAR-004", "saree", "Katan Benarasi saree", "কাতান বেনারসি শাড়ি", "piece", "12500", 3),
    ("SAR-005", "saree", "Printed georgette saree", "প্রিন্টেড জর্জেট শাড়ি", "piece", "1450", 60),
    ("SAL-001", "salwar", "Three-piece cotton set", "সুতি থ্রি-পিস", "set", "1650", 50),
    ("SAL-002", "salwar", "Embroidered lawn three-piece", "এমব্রয়ডারি লন থ্রি-পিস", "set", "2450", 30),
    ("SAL-003", "salwar", "Georgette kameez", "জর্জেট কামিজ", "piece", "1350", 25),
    ("SAL-004", "salwar", "Cotton orna", "সুতি ওড়না", "piece", "450", 80),
    ("MEN-001", "men", "Cotton panjabi", "সুতি পাঞ্জাবি", "piece", "1550", 45),
    ("MEN-002", "men", "Silk panjabi", "সিল্ক পাঞ্জাবি", "piece", "3200", 15),
    ("MEN-003", "men", "Checked lungi", "চেক লুঙ্গি", "piece", "480", 120),
    ("MEN-004", "men", "Batik lungi", "বাটিক লুঙ্গি", "piece", "620", 70),
    ("MEN-005", "men", "Formal shirt", "ফর্মাল শার্ট", "piece", "1250", 40),
    ("MEN-006", "men", "Fatua", "ফতুয়া", "piece", "750", 35),
    ("MEN-007", "men", "Gamchha", "গামছা", "piece", "180", 200),
    ("KID-001", "kids", "Baby frock", "বাচ্চাদের ফ্রক", "piece", "650", 30),
    ("KID-002", "kids", "Boys' panjabi", "ছেলেদের পাঞ্জাবি", "piece", "850", 25),
    ("KID-003", "kids", "School uniform set", "স্কুল ইউনিফর্ম সেট", "set", "1100", 40),
    ("KID-004", "kids", "Cotton kantha blanket for babies", "শিশুদের নকশী কাঁথা", "piece", "950", 20),
    ("BED-001", "bedding", "Nakshi kantha", "নকশী কাঁথা", "piece", "3800", 6),
    ("BED-002", "bedding", "Cotton bed sheet, double", "সুতি বিছানার চাদর (ডাবল)", "set", "1450", 50),
    ("BED-003", "bedding", "Pillow cover pair", "বালিশের কভার (জোড়া)", "pair", "350", 100),
    ("BED-004", "bedding", "Mosquito net, double", "মশারি (ডাবল)", "piece", "750", 40),
    ("BED-005", "bedding", "Winter quilt (lep)", "শীতের লেপ", "piece", "2800", 10),
    ("BED-006", "bedding", "Shawl, wool blend", "উলের শাল", "piece", "1200", 30),
    ("KIT-001", "kitchen", "Aluminium dekchi set", "অ্যালুমিনিয়ামের ডেকচি সেট", "set", "2100", 20),
    ("KIT-002", "kitchen", "Non-stick frying pan", "ননস্টিক ফ্রাইপ্যান", "piece", "1350", 25),
    ("KIT-003", "kitchen", "Clay water pot (kolshi)", "মাটির কলসি", "piece", "250", 30),
    ("KIT-004", "kitchen", "Bonti (fish cutter)", "বটি", "piece", "450", 40),
    ("KIT-005", "kitchen", "Pressure cooker 5 l", "প্রেসার কুকার ৫ লিটার", "piece", "3400", 12),
    ("KIT-006", "kitchen", "Melamine dinner set", "মেলামাইন ডিনার সেট", "set", "4200", 8),
    ("KIT-007", "kitchen", "Mustard oil 5 l", "সরিষার তেল ৫ লিটার", "piece", "1150", None),
    ("HOM-001", "home", "Jute doormat", "পাটের পাপোশ", "piece", "220", 90),
    ("HOM-002", "home", "Bamboo basket", "বাঁশের ঝুড়ি", "piece", "320", 45),
    ("HOM-003", "home", "Hand fan (haat pakha)", "হাতপাখা", "piece", "120", 150),
    ("HOM-004", "home", "Curtain pair, cotton", "সুতি পর্দা (জোড়া)", "pair", "1650", 20),
    ("HOM-005", "home", "Floor mat (shital pati)", "শীতল পাটি", "piece", "1900", 10),
    ("SRV-001", "service", "Tailoring of a blouse", "ব্লাউজ সেলাই", "piece", "450", None),
    (
        "SRV-002",
        "service",
        "Home delivery outside Dhaka",
        "ঢাকার বাইরে হোম ডেলিভারি",
        "visit",
        "150",
        None,
    ),
]

COMPANY = [
    (
        "about",
        "Who we are",
        "আমরা কারা",
        "Deshi Bazar sells clothing and household goods made in Bangladesh, by phone and in four shops.",
        "দেশি বাজার বাংলাদেশে তৈরি পোশাক ও গৃহস্থালি পণ্য বিক্রি করে — ফোনে এবং চারটি দোকানে।",
    ),
    (
        "services",
        "Services",
        "সেবাসমূহ",
        "Orders by phone; tailoring of blouses and panjabis; gift wrapping; exchange within 7 days.",
        "ফোনে অর্ডার; ব্লাউজ ও পাঞ্জাবি সেলাই; উপহার মোড়ক; ৭ দিনের মধ্যে বদল।",
    ),
    (
        "hours",
        "Opening hours",
        "খোলার সময়",
        "Call centre: every day 9:00–21:00. Shops: Saturday to Thursday 10:00–20:00, Friday from 15:00.",
        "কল সেন্টার: প্রতিদিন সকাল ৯টা–রাত ৯টা। দোকান: শনি–বৃহস্পতি সকাল ১০টা–রাত ৮টা, শুক্রবার বিকেল ৩টা থেকে।",
    ),
    (
        "branches",
        "Branches",
        "শাখাসমূহ",
        "Dhanmondi 27, Dhaka · Mirpur 10, Dhaka · Agrabad, Chattogram · Zindabazar, Sylhet.",
        "ধানমন্ডি ২৭, ঢাকা · মিরপুর ১০, ঢাকা · আগ্রাবাদ, চট্টগ্রাম · জিন্দাবাজার, সিলেট।",
    ),
    (
        "delivery",
        "Delivery and payment",
        "ডেলিভারি ও পরিশোধ",
        "Inside Dhaka in 2 days, free over ৳3,000; elsewhere by courier in 3–5 days. Cash on delivery, bKash or Nagad.",
        "ঢাকার ভিতরে ২ দিনে, ৳৩,০০০-এর বেশি হলে বিনামূল্যে; অন্যত্র কুরিয়ারে ৩–৫ দিনে। ক্যাশ অন ডেলিভারি, বিকাশ বা নগদ।",
    ),
    (
        "terms",
        "Returns and terms",
        "ফেরত ও শর্তাবলি",
        "Unused goods can be returned within 7 days with the receipt. Tailored items cannot be returned.",
        "রসিদসহ ৭ দিনের মধ্যে অব্যবহৃত পণ্য ফেরত দেওয়া যায়। সেলাই করা পণ্য ফেরতযোগ্য নয়।",
    ),
]


@transaction.atomic
def load(out) -> None:
    categories = {}
    for i, (code, en, bn) in enumerate(CATEGORIES):
        categories[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_bn": bn, "position": i}
        )
    existing = set(Product.objects.values_list("sku", flat=True))
    for sku, category, en, bn, unit, price, stock in PRODUCTS:
        if sku not in existing:
            Product.objects.create(
                sku=sku,
                category=categories[category],
                kind="service" if category == "service" else "goods",
                name_en=en,
                name_bn=bn,
                unit=unit,
                price=Decimal(price),
                stock=stock,
            )
    if not CompanyInfo.objects.exists():
        for i, (section, title_en, title_bn, body_en, body_bn) in enumerate(COMPANY):
            CompanyInfo.objects.create(
                section=section,
                title_en=title_en,
                title_bn=title_bn,
                body_en=body_en,
                body_bn=body_bn,
                position=i,
            )
    _promotions(categories)
    out.write(
        f"Catalog: {Product.objects.count()} products, {Promotion.objects.count()} promotions."
    )


def _promotions(categories) -> None:
    now = timezone.now()
    season = {"starts_at": now - timedelta(days=7), "ends_at": now + timedelta(days=60)}
    specs = [
        (
            "Winter bedding week",
            "শীতের বিছানা সপ্তাহ",
            {"kind": "percent", "value": Decimal("10"), "scope": "categories", "priority": 1},
            ["bedding"],
            [],
            [],
        ),
        (
            "Lungi: buy 3, pay for 2",
            "লুঙ্গি: ৩টি কিনলে ২টির দাম",
            {
                "kind": "n_for_m",
                "buy_quantity": 3,
                "pay_quantity": 2,
                "scope": "products",
                "priority": 2,
            },
            [],
            ["MEN-003", "MEN-004"],
            [],
        ),
        (
            "৳300 off orders over ৳5,000 with code EID300",
            "EID300 কোডে ৳৫,০০০-এর বেশি অর্ডারে ৳৩০০ ছাড়",
            {
                "kind": "fixed",
                "value": Decimal("300"),
                "scope": "order",
                "min_order_total": Decimal("5000"),
                "code": "EID300",
                "stackable": True,
            },
            [],
            [],
            [],
        ),
        (
            "VIP: 15% off sarees",
            "ভিআইপি: শাড়িতে ১৫% ছাড়",
            {"kind": "percent", "value": Decimal("15"), "scope": "categories", "priority": 5},
            ["saree"],
            [],
            ["vip"],
        ),
        (
            "Kitchen fair: ৳100 off each",
            "রান্নাঘর মেলা: প্রতিটিতে ৳১০০ ছাড়",
            {"kind": "fixed", "value": Decimal("100"), "scope": "products", "stackable": True},
            [],
            ["KIT-002", "KIT-005"],
            [],
        ),
    ]
    for name_en, name_bn, fields, category_codes, skus, tags in specs:
        if Promotion.objects.filter(name_en=name_en).exists():
            continue
        promotion = Promotion.objects.create(name_en=name_en, name_bn=name_bn, **season, **fields)
        promotion.categories.set([categories[c] for c in category_codes])
        promotion.products.set(Product.objects.filter(sku__in=skus))
        promotion.segment_tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
