"""Knowledge-base search at scale: 20,000 published articles in Bengali and English.

    .venv/bin/python bench/kb_search.py [--articles N] [--queries N]

Builds a fresh SQLite database in a temporary directory (and, when TEST_DATABASE_URL is
set, a scratch PostgreSQL database next to it, dropped afterwards), fills it with
articles whose titles, tags and texts (~120 words) are drawn from Bengali and English
call-center vocabulary, then times `search_articles` — the desk's search-as-you-type,
first 20 results, ranked and highlighted — for queries of one to three words in either
script, the last one often typed only partly. Target (issue 8): p95 < 30 ms.

The last line printed is one JSON object of the figures.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import run_on_scratch_postgres  # noqa: E402

TARGET_MS = 30
LIMIT = 20

ENGLISH = [
    "order",
    "delivery",
    "refund",
    "payment",
    "return",
    "exchange",
    "size",
    "colour",
    "parcel",
    "damaged",
    "late",
    "courier",
    "address",
    "invoice",
    "bkash",
    "nagad",
    "card",
    "cash",
    "discount",
    "offer",
    "promotion",
    "warranty",
    "repair",
    "shawl",
    "blanket",
    "shirt",
    "saree",
    "panjabi",
    "shoes",
    "bag",
    "watch",
    "phone",
    "charger",
    "battery",
    "screen",
    "account",
    "login",
    "password",
    "membership",
    "points",
    "voucher",
    "coupon",
    "showroom",
    "hours",
    "dhaka",
    "chattogram",
    "sylhet",
    "khulna",
    "rajshahi",
    "barishal",
    "rangpur",
    "mymensingh",
    "complaint",
    "claim",
    "ticket",
    "department",
    "manager",
    "quality",
    "stock",
    "price",
    "tax",
    "vat",
    "receipt",
    "tracking",
    "number",
    "status",
    "cancel",
    "change",
    "confirm",
    "schedule",
    "installment",
    "emi",
    "loan",
    "insurance",
    "service",
    "technician",
    "visit",
    "install",
    "setup",
    "guide",
    "manual",
    "broken",
    "missing",
    "wrong",
    "item",
    "replacement",
    "compensation",
    "apology",
    "policy",
    "terms",
    "conditions",
    "days",
    "weeks",
    "hours",
    "weekend",
    "holiday",
    "eid",
    "winter",
    "summer",
    "sale",
    "new",
    "arrival",
    "limited",
    "free",
    "charge",
    "fee",
]
BENGALI = [
    "অর্ডার",
    "ডেলিভারি",
    "টাকা",
    "ফেরত",
    "পেমেন্ট",
    "বদল",
    "সাইজ",
    "রং",
    "পার্সেল",
    "ক্ষতিগ্রস্ত",
    "দেরি",
    "কুরিয়ার",
    "ঠিকানা",
    "বিল",
    "বিকাশ",
    "নগদ",
    "কার্ড",
    "ক্যাশ",
    "ছাড়",
    "অফার",
    "প্রচার",
    "ওয়ারেন্টি",
    "মেরামত",
    "শাল",
    "কম্বল",
    "শার্ট",
    "শাড়ি",
    "পাঞ্জাবি",
    "জুতা",
    "ব্যাগ",
    "ঘড়ি",
    "ফোন",
    "চার্জার",
    "ব্যাটারি",
    "স্ক্রিন",
    "অ্যাকাউন্ট",
    "লগইন",
    "পাসওয়ার্ড",
    "সদস্য",
    "পয়েন্ট",
    "ভাউচার",
    "কুপন",
    "শোরুম",
    "সময়",
    "ঢাকা",
    "চট্টগ্রাম",
    "সিলেট",
    "খুলনা",
    "রাজশাহী",
    "বরিশাল",
    "রংপুর",
    "ময়মনসিংহ",
    "অভিযোগ",
    "দাবি",
    "টিকিট",
    "বিভাগ",
    "ব্যবস্থাপক",
    "মান",
    "মজুদ",
    "দাম",
    "কর",
    "ভ্যাট",
    "রসিদ",
    "ট্র্যাকিং",
    "নম্বর",
    "অবস্থা",
    "বাতিল",
    "পরিবর্তন",
    "নিশ্চিত",
    "কিস্তি",
    "ঋণ",
    "বীমা",
    "সেবা",
    "টেকনিশিয়ান",
    "ইনস্টল",
    "নির্দেশিকা",
    "ভাঙা",
    "হারানো",
    "ভুল",
    "পণ্য",
    "ক্ষতিপূরণ",
    "দুঃখিত",
    "নীতি",
    "শর্ত",
    "দিন",
    "সপ্তাহ",
    "ঘণ্টা",
    "ছুটি",
    "ঈদ",
    "শীত",
    "গ্রীষ্ম",
    "সেল",
    "নতুন",
    "সীমিত",
    "ফ্রি",
    "চার্জ",
    "ফি",
    "কর্মদিবস",
]
REASONS = ["orders", "complaints", "info", "billing", "delivery", "product", "technical"]
STAMP = "2026-01-01 00:00:00+00:00"


BENGALI_SYLLABLES = [
    "ক",
    "কা",
    "কি",
    "খু",
    "গা",
    "ঘো",
    "চা",
    "ছি",
    "জে",
    "ঝা",
    "টা",
    "ঠি",
    "ডা",
    "ঢু",
    "তা",
    "থে",
    "দি",
    "ধা",
    "না",
    "পা",
    "ফু",
    "বা",
    "ভি",
    "মা",
    "যা",
    "রা",
    "লি",
    "শা",
    "ষা",
    "সা",
    "হা",
    "ড়া",
    "য়",
]
ENGLISH_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "ca",
    "co",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "ga",
    "go",
    "ha",
    "he",
    "ja",
    "ka",
    "ki",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "wa",
    "ya",
    "za",
]
TAIL_WORDS = 3000  # rarer words of each language after the domain words above
ZIPF_S = 1.07


def _vocabulary(rng, head, syllables):
    """Domain words first (the frequent ones), then made-up rarer words; Zipf weights."""
    tail = set()
    while len(tail) < TAIL_WORDS:
        tail.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    words = head + sorted(tail - set(head))
    weights = [1 / (rank**ZIPF_S) for rank in range(1, len(words) + 1)]
    total, cumulative = 0.0, []
    for w in weights:
        total += w
        cumulative.append(total)
    return words, cumulative


def _text(rng, vocab, n, stop):
    words, cumulative = vocab
    drawn = rng.choices(words, cum_weights=cumulative, k=n)
    sentences = [drawn[i : i + 9] for i in range(0, n, 9)]
    return " ".join(" ".join(s) + stop for s in sentences)


def generate(n: int, seed: int):
    rng = random.Random(seed)
    vocabularies = {
        "bn": _vocabulary(rng, BENGALI, BENGALI_SYLLABLES),
        "en": _vocabulary(rng, ENGLISH, ENGLISH_SYLLABLES),
    }
    rows = []
    for i in range(1, n + 1):
        bengali = i % 2 == 0
        vocab = vocabularies["bn" if bengali else "en"]
        words = BENGALI if bengali else ENGLISH
        title = " ".join(dict.fromkeys(_text(rng, vocab, rng.randint(3, 7), "").split()))
        plain = _text(rng, vocab, rng.randint(60, 180), "।" if bengali else ".")
        tags = ", ".join(rng.sample(words, 3))
        reasons = " " + " ".join(rng.sample(REASONS, 2)) + " "
        html = f"<p>{plain}</p>"
        rows.append((i, "bn" if bengali else "en", title, plain, html, plain, tags, reasons))
    return rows


def fill_sqlite(connection, rows, batch=5000):
    with connection.cursor() as cursor:
        raw = cursor.connection
        for i in range(0, len(rows), batch):
            raw.execute("BEGIN")
            raw.executemany(
                "INSERT INTO kb_article (id, language, title, body, html, plain, tags, reasons,"
                " status, published_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?)",
                [(*r, STAMP, STAMP, STAMP) for r in rows[i : i + batch]],
            )
            raw.execute("COMMIT")
        raw.execute("BEGIN")
        raw.execute("INSERT INTO kb_article_fts(kb_article_fts) VALUES ('optimize')")
        raw.execute("COMMIT")
        raw.execute("ANALYZE")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def fill_postgres(connection, rows):
    with connection.cursor() as cursor:
        pg = cursor.cursor
        with pg.copy(
            "COPY kb_article (id, language, title, body, html, plain, tags, reasons, status,"
            " published_at, created_at, updated_at) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row((*r, "published", STAMP, STAMP, STAMP))
        pg.execute(
            "SELECT setval(pg_get_serial_sequence('kb_article', 'id'), (SELECT max(id) FROM kb_article))"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE kb_article")


def queries(rng: random.Random, count: int) -> list[str]:
    """What operators type: 1-3 words of one script, the last one often cut short."""
    out = []
    for _ in range(count):
        words = BENGALI if rng.random() < 0.5 else ENGLISH
        picked = rng.sample(words, rng.choice([1, 1, 2, 2, 3]))
        last = picked[-1]
        if rng.random() < 0.6 and len(last) > 3:
            picked[-1] = last[: rng.randint(2, len(last) - 1)]
        text = " ".join(picked)
        out.append(text if words is BENGALI else rng.choice([text, text.capitalize()]))
    return out


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 3)


def measure(n: int, count: int, seed: int, vendor: str) -> dict:
    from django.db import connection

    from switchboard.kb.search import search_articles

    rows = generate(n, seed)
    start = time.perf_counter()
    (fill_sqlite if vendor == "sqlite" else fill_postgres)(connection, rows)
    fill_s = time.perf_counter() - start
    print(f"[{vendor}] stored {n:,} articles (search index included) in {fill_s:.1f} s", flush=True)
    texts = queries(random.Random(seed + 1), count)
    for warm in texts[:10]:
        search_articles(warm, limit=LIMIT)
    samples, found = [], 0
    for text in texts:
        t0 = time.perf_counter()
        hits = search_articles(text, limit=LIMIT)
        samples.append((time.perf_counter() - t0) * 1000)
        found += bool(hits)
    result = {"p95_ms": p95(samples), "median_ms": round(statistics.median(samples), 3)}
    print(
        f"[{vendor}] {count} searches, first {LIMIT} ranked and highlighted:"
        f" p95 {result['p95_ms']} ms, median {result['median_ms']} ms;"
        f" {found} of {count} found something"
    )
    verdict = "ok" if result["p95_ms"] < TARGET_MS else "MISSED"
    print(f"[{vendor}] target p95 < {TARGET_MS} ms: {verdict}")
    return result


def run_postgres(url: str, args) -> dict | None:
    argv = [f"--articles={args.articles}", f"--queries={args.queries}", f"--seed={args.seed}"]
    return run_on_scratch_postgres(url, __file__, argv, prefix="switchboard_kb_bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    if args.queries < 20:
        parser.error("need --queries >= 20")

    tmp = tempfile.mkdtemp(prefix="switchboard-kb-bench-")
    os.environ["SWITCHBOARD_VAR_DIR"] = tmp
    if args.backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        vendor = "sqlite" if args.backend == "sqlite" else "postgresql"
        figures = measure(args.articles, args.queries, args.seed, vendor)
        if args.backend == "postgres":
            print(json.dumps(figures))
            return 0
        result = {
            "articles": args.articles,
            "p95_ms_sqlite": figures["p95_ms"],
            "median_ms_sqlite": figures["median_ms"],
            "p95_ms_postgres": None,
        }
        if os.environ.get("TEST_DATABASE_URL"):
            from django.db import connections

            connections.close_all()
            pg = run_postgres(os.environ["TEST_DATABASE_URL"], args)
            if pg:
                result["p95_ms_postgres"] = pg["p95_ms"]
                result["median_ms_postgres"] = pg["median_ms"]
        else:
            print("PostgreSQL skipped: TEST_DATABASE_URL is not set")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
