"""Contact search at scale: phone lookup and name search over 1,000,000 contacts.

    .venv/bin/python bench/contacts_search.py [--contacts N] [--queries N]

Builds a fresh SQLite database in a temporary directory (and, when TEST_DATABASE_URL
is set, a scratch PostgreSQL database next to it, dropped afterwards), fills it with
contacts that have Bengali and Latin names and Bangladeshi mobile numbers, then times
lookups through the real code: `find_by_phone` for numbers written the ways callers
and spreadsheets write them, and `search_contacts` for name parts in both scripts
(first page of 50). The same name searches through a plain `icontains` scan give the
baseline. Targets (issue 2): phone p95 < 5 ms, name p95 < 50 ms.

The last line printed is one JSON object of the figures.
"""

import argparse
import contextlib
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

PHONE_TARGET_MS = 5
NAME_TARGET_MS = 50
PAGE = 50

BENGALI_FIRST = [
    "রহিম",
    "করিম",
    "আবদুল",
    "মোহাম্মদ",
    "আনোয়ার",
    "জামাল",
    "কামাল",
    "সাকিব",
    "তামিম",
    "মাহমুদ",
    "হাসান",
    "হোসেন",
    "রফিক",
    "শফিক",
    "জাহিদ",
    "নাসির",
    "মিজানুর",
    "আরিফ",
    "সুমন",
    "রাজু",
    "বিপ্লব",
    "সজীব",
    "তানভীর",
    "ইমরান",
    "ফাতেমা",
    "আয়েশা",
    "নাসরিন",
    "শারমিন",
    "রুমানা",
    "সুমাইয়া",
    "তাসনিম",
    "নুসরাত",
    "ফারহানা",
    "সাবরিনা",
    "মরিয়ম",
    "রেহানা",
    "শিরিন",
    "লাইলা",
    "পারভীন",
    "সালমা",
    "জান্নাতুল",
    "মিতু",
    "রিয়া",
    "তৃষা",
]
BENGALI_LAST = [
    "আহমেদ",
    "চৌধুরী",
    "হোসেন",
    "রহমান",
    "ইসলাম",
    "উদ্দিন",
    "খান",
    "মিয়া",
    "সরকার",
    "তালুকদার",
    "মজুমদার",
    "ভূঁইয়া",
    "শেখ",
    "সিদ্দিকী",
    "আলম",
    "হক",
    "কবির",
    "বেগম",
    "খাতুন",
    "আক্তার",
    "দাস",
    "রায়",
    "পাল",
    "সাহা",
]
LATIN_FIRST = [
    "Rahim",
    "Karim",
    "Abdul",
    "Mohammad",
    "Anwar",
    "Jamal",
    "Kamal",
    "Shakib",
    "Tamim",
    "Mahmud",
    "Hasan",
    "Hossain",
    "Rafiq",
    "Shafiq",
    "Zahid",
    "Nasir",
    "Mizanur",
    "Arif",
    "Sumon",
    "Raju",
    "Biplob",
    "Sajib",
    "Tanvir",
    "Imran",
    "Fatema",
    "Ayesha",
    "Nasrin",
    "Sharmin",
    "Rumana",
    "Sumaiya",
    "Tasnim",
    "Nusrat",
    "Farhana",
    "Sabrina",
    "Mariam",
    "Rehana",
    "Shirin",
    "Laila",
    "Parvin",
    "Salma",
    "Jannatul",
    "Mitu",
    "Riya",
    "Trisha",
]
LATIN_LAST = [
    "Ahmed",
    "Chowdhury",
    "Hossain",
    "Rahman",
    "Islam",
    "Uddin",
    "Khan",
    "Mia",
    "Sarkar",
    "Talukder",
    "Majumder",
    "Bhuiyan",
    "Sheikh",
    "Siddiqui",
    "Alam",
    "Haque",
    "Kabir",
    "Begum",
    "Khatun",
    "Akter",
    "Das",
    "Roy",
    "Paul",
    "Saha",
]
ORG_WORDS = [
    "Aarong",
    "Bengal",
    "Deshi",
    "Padma",
    "Meghna",
    "Jamuna",
    "Sonar",
    "Rupali",
    "Nakshi",
    "Tangail",
    "Dhaka",
    "Chittagong",
    "Sylhet",
    "Khulna",
    "Rajshahi",
    "Barisal",
    "Green",
    "Star",
    "Lotus",
    "Shapla",
]
ORG_KINDS = [
    "Fashion",
    "Textiles",
    "Traders",
    "Garments",
    "Home",
    "Crafts",
    "Enterprise",
    "Bazar",
    "Store",
]
BENGALI_ORGS = ["আড়ং", "দেশি", "দশা", "পদ্মা", "মেঘনা", "যমুনা", "সোনার", "রূপালী", "নকশী", "টাঙ্গাইল", "শাপলা"]
BENGALI_ORG_KINDS = ["ফ্যাশন", "বস্ত্রালয়", "ট্রেডার্স", "গার্মেন্টস", "হোম", "এন্টারপ্রাইজ", "বাজার"]
BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def _name(rng: random.Random):
    """(kind, first, last, organization) of one made-up contact."""
    bengali = rng.random() < 0.5
    if bengali:
        first, last = rng.choice(BENGALI_FIRST), rng.choice(BENGALI_LAST)
        org = f"{rng.choice(BENGALI_ORGS)} {rng.choice(BENGALI_ORG_KINDS)}"
    else:
        first, last = rng.choice(LATIN_FIRST), rng.choice(LATIN_LAST)
        org = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}"
    roll = rng.random()
    if roll < 0.08:
        return "organization", "", "", org
    if roll < 0.2:
        return "person", first, last, org
    return "person", first, last, ""


def _phone_formats(e164: str, rng: random.Random) -> str:
    national = "0" + e164[4:]  # +8801712345678 -> 01712345678
    choices = [
        f"{national[:5]}-{national[5:]}",
        f"+880 {e164[4:8]} {e164[8:]}",
        e164[1:],
        national,
        e164,
        national.translate(BENGALI_DIGITS),
        f"({national[:5]}) {national[5:8]} {national[8:]}",
    ]
    return rng.choice(choices)


def generate(n: int, seed: int):
    """Contacts and phones as plain tuples, ready for bulk inserts."""
    from switchboard.contacts.models import compute_names

    rng = random.Random(seed)
    contacts, phones = [], []
    # Distinct Bangladeshi mobile numbers: operator digit 3-9, then eight digits.
    n_phones = n + n // 5
    numbers = rng.sample(range(7 * 10**8), n_phones)
    extra = iter(numbers[n:])
    phone_id = 0
    for i in range(1, n + 1):
        kind, first, last, org = _name(rng)
        display, search = compute_names(kind, first, "", last, org)
        contacts.append((i, kind, last, first, org, display, search))
        own = [numbers[i - 1]]
        if rng.random() < 0.2:
            own.append(next(extra))
        for x in own:
            phone_id += 1
            e164 = f"+8801{3 + x // 10**8}{x % 10**8:08d}"
            phones.append((phone_id, i, "0" + e164[4:], e164))
    return contacts, phones


STAMP = "2026-01-01 00:00:00+00:00"


@contextlib.contextmanager
def _transaction(raw):
    # Django keeps sqlite3 in autocommit: without BEGIN each row would be a transaction.
    raw.execute("BEGIN")
    yield
    raw.execute("COMMIT")


def fill_sqlite(connection, contacts, phones, batch=20000):
    with connection.cursor() as cursor:
        raw = cursor.connection
        # A big page cache while loading only: the random E.164 index and the FTS
        # segments otherwise make every batch re-read pages.
        (cache_size,) = raw.execute("PRAGMA cache_size").fetchone()
        raw.execute("PRAGMA cache_size = -1000000")
        for i in range(0, len(contacts), batch):
            with _transaction(raw):
                raw.executemany(
                    "INSERT INTO contacts_contact (id, kind, last_name, first_name, organization,"
                    " display_name, search_name, patronymic, address, custom_fields, do_not_call,"
                    " recording_consent, source, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '{}', 0, 1, 'bench', ?, ?)",
                    [(*c, STAMP, STAMP) for c in contacts[i : i + batch]],
                )
        for i in range(0, len(phones), batch):
            with _transaction(raw):
                raw.executemany(
                    "INSERT INTO contacts_phone (id, contact_id, raw, e164, kind)"
                    " VALUES (?, ?, ?, ?, 'mobile')",
                    phones[i : i + batch],
                )
        for fts in ("contacts_contact_fts", "contacts_phone_fts"):
            with _transaction(raw):
                raw.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute(f"PRAGMA cache_size = {cache_size}")


def fill_postgres(connection, contacts, phones):
    with connection.cursor() as cursor:
        pg = cursor.cursor
        with pg.copy(
            "COPY contacts_contact (id, kind, last_name, first_name, organization,"
            " display_name, search_name, patronymic, address, custom_fields, do_not_call,"
            " recording_consent, source, created_at, updated_at) FROM STDIN"
        ) as copy:
            for c in contacts:
                copy.write_row((*c, "", "", "{}", False, True, "bench", STAMP, STAMP))
        with pg.copy("COPY contacts_phone (id, contact_id, raw, e164, kind) FROM STDIN") as copy:
            for p in phones:
                copy.write_row((*p, "mobile"))
        for table in ("contacts_contact", "contacts_phone"):
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    # What autovacuum does soon after a bulk load: statistics, hint bits, visibility map.
    with connection.cursor() as cursor:
        for table in ("contacts_contact", "contacts_phone"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def name_queries(rng: random.Random, count: int) -> list[str]:
    """Parts of names as an operator types them: a piece of a first or last name, any case,
    sometimes two pieces."""
    queries = []
    for _ in range(count):
        bengali = rng.random() < 0.5
        pool = rng.choice(
            [BENGALI_FIRST, BENGALI_LAST, BENGALI_ORGS]
            if bengali
            else [LATIN_FIRST, LATIN_LAST, ORG_WORDS]
        )
        word = rng.choice([w for w in pool if len(w) >= 3])
        size = rng.randint(3, min(6, len(word)))
        start = rng.randint(0, len(word) - size)
        part = word[start : start + size]
        if not bengali:
            part = rng.choice([part, part.lower(), part.upper()])
        if rng.random() < 0.2:
            other = rng.choice(
                [w for w in (BENGALI_LAST if bengali else LATIN_LAST) if len(w) >= 3]
            )
            part = f"{part} {other[: rng.randint(3, len(other))]}"
        queries.append(part)
    return queries


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20, method="inclusive")[-1], 3)


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def measure(n: int, queries: int, seed: int, vendor: str) -> dict:
    from django.db import connection

    from switchboard.contacts.actions import find_by_phone
    from switchboard.contacts.models import Contact
    from switchboard.contacts.search import search_contacts

    print(f"[{vendor}] generating {n:,} contacts ...", flush=True)
    contacts, phones = generate(n, seed)
    start = time.perf_counter()
    if vendor == "sqlite":
        fill_sqlite(connection, contacts, phones)
    else:
        fill_postgres(connection, contacts, phones)
    fill_s = time.perf_counter() - start
    print(
        f"[{vendor}] stored {len(contacts):,} contacts and {len(phones):,} phones"
        f" (search indexes included) in {fill_s:.1f} s",
        flush=True,
    )

    rng = random.Random(seed + 1)
    active = Contact.objects.active()
    sample = rng.sample(phones, queries)
    phone_texts = [_phone_formats(p[3], rng) for p in sample]
    partial_texts = [p[3][-6:] for p in sample[: max(20, queries // 3)]]
    names = name_queries(rng, queries)

    def lookup(text):
        found = find_by_phone(text)
        assert found, text

    def search_page(text):
        return list(search_contacts(active, text)[:PAGE])

    def search_phone(text):
        assert search_page(text), text

    def baseline_page(text):
        folded = text.casefold()
        qs = active
        for word in folded.split():
            qs = qs.filter(search_name__icontains=word)
        return list(qs.order_by("display_name", "id")[:PAGE])

    for warm in names[:10]:
        search_page(warm)
    lookup(phone_texts[0])

    figures = {
        "phone": timed(lookup, phone_texts),
        "phone_search": timed(search_phone, phone_texts),
        "phone_partial": timed(search_page, partial_texts),
        "name": timed(search_page, names),
        "name_count": timed(lambda t: search_contacts(active, t).count(), names[: queries // 3]),
    }
    hits = [len(search_page(q)) for q in names[:50]]
    baseline_names = names[: max(20, queries // 6)]
    figures["baseline"] = timed(baseline_page, baseline_names)
    indexed_same = timed(search_page, baseline_names)

    result = {f"{k}_p95_ms": p95(v) for k, v in figures.items()}
    result["baseline_ratio"] = round(result["baseline_p95_ms"] / max(p95(indexed_same), 1e-3), 1)
    result["fill_s"] = round(fill_s, 1)
    print(f"[{vendor}] over {n:,} contacts, p95 in ms (median in brackets):")
    labels = {
        "phone": f"find_by_phone, {len(phone_texts)} numbers in 7 formats",
        "phone_search": "search_contacts with the same numbers, first page",
        "phone_partial": f"search_contacts, last 6 digits, {len(partial_texts)} numbers",
        "name": f"search_contacts, {len(names)} name parts in both scripts, first page",
        "name_count": "search_contacts(...).count() for a third of them",
        "baseline": f"icontains scan, {len(baseline_names)} of the same name parts",
    }
    for key, label in labels.items():
        print(f"  {label:<66} {p95(figures[key]):9.2f} ({statistics.median(figures[key]):.2f})")
    print(
        f"  the trigram index answers name searches {result['baseline_ratio']}x faster"
        f" than a scan at p95; {sum(1 for h in hits if h)} of 50 searches found someone"
    )
    for name, value, target in (
        ("phone", result["phone_p95_ms"], PHONE_TARGET_MS),
        ("name", result["name_p95_ms"], NAME_TARGET_MS),
    ):
        verdict = "ok" if value < target else "MISSED"
        print(f"  target {name} p95 < {target} ms: {value} ms {verdict}")
    return result


def run_postgres(url: str, args) -> dict | None:
    """Run this benchmark in a child process against a scratch database; drop it after."""
    argv = [f"--contacts={args.contacts}", f"--queries={args.queries}", f"--seed={args.seed}"]
    return run_on_scratch_postgres(url, __file__, argv, prefix="switchboard_bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite database in DIR")
    args = parser.parse_args()
    if args.queries < 20 or args.contacts < args.queries:
        parser.error("need --queries >= 20 and --contacts >= --queries")

    tmp = args.keep or tempfile.mkdtemp(prefix="switchboard-bench-")
    os.makedirs(tmp, exist_ok=True)
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
        result = {
            "contacts": args.contacts,
            **measure(args.contacts, args.queries, args.seed, vendor),
        }
        if args.backend == "sqlite" and os.environ.get("TEST_DATABASE_URL"):
            from django.db import connections

            connections.close_all()
            pg = run_postgres(os.environ["TEST_DATABASE_URL"], args)
            if pg:
                result.update({f"{k}_postgres": v for k, v in pg.items() if k != "contacts"})
        elif args.backend == "sqlite":
            print("PostgreSQL skipped: TEST_DATABASE_URL is not set")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
