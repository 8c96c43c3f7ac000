"""Benchmark: import a generated CSV of contacts end to end, through the code the task runs.

    .venv/bin/python bench/contacts_import.py [--rows N]

Makes a fresh SQLite database in a temporary directory, migrates it, writes a CSV of
Bangladeshi contacts (Bengali and Latin names, phones in mixed formats, a few bad rows and
repeats), uploads it as an import job and runs `run_import` on it, with the search indexes of
the real migrations in place (FTS5 trigram tables on SQLite, pg_trgm on PostgreSQL). With
TEST_DATABASE_URL set,
does the same on a scratch PostgreSQL database, dropped afterwards. The last line printed is
one JSON object: rows, rows_per_s, and rows_per_s_postgres when measured.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_BN = [
    "রহিম",
    "করিম",
    "ফাতেমা",
    "আয়েশা",
    "জামাল",
    "কামাল",
    "নাসরিন",
    "সুমাইয়া",
    "তানভীর",
    "মাহমুদ",
    "শাহানা",
    "রফিক",
    "সাকিব",
    "তাসলিমা",
    "হাসান",
]
LAST_BN = [
    "আহমেদ",
    "উদ্দিন",
    "বেগম",
    "খাতুন",
    "হোসেন",
    "ইসলাম",
    "রহমান",
    "চৌধুরী",
    "সরকার",
    "মিয়া",
    "তালুকদার",
    "শেখ",
]
FIRST_LA = [
    "Rahim",
    "Karim",
    "Fatema",
    "Ayesha",
    "Jamal",
    "Kamal",
    "Nasrin",
    "Sumaiya",
    "Tanvir",
    "Mahmud",
    "Shahana",
    "Rafiq",
    "Sakib",
    "Taslima",
    "Hasan",
    "Anika",
    "Imran",
]
LAST_LA = [
    "Ahmed",
    "Uddin",
    "Begum",
    "Khatun",
    "Hossain",
    "Islam",
    "Rahman",
    "Chowdhury",
    "Sarkar",
    "Miah",
    "Talukder",
    "Sheikh",
]
ORGS = [
    "Dhaka Textiles",
    "Chittagong Traders",
    "Sylhet Tea House",
    "Rajshahi Silk",
    "Khulna Fashion",
    "Bogura Sweets",
    "Barishal Boats",
    "Aarong Outlet",
    "Bengal Home Goods",
    "Padma Electronics",
]
DISTRICTS = [
    "Dhaka",
    "Chattogram",
    "Sylhet",
    "Rajshahi",
    "Khulna",
    "Barishal",
    "Rangpur",
    "Mymensingh",
    "Cumilla",
    "Gazipur",
]
STREETS = [
    "Road 12, Dhanmondi",
    "Mirpur 10",
    "Agrabad",
    "Zindabazar",
    "Shaheb Bazar",
    "বনানী ১১",
    "উত্তরা ৭",
]
TAGS = ["vip", "wholesale", "retail", "survey", "eid-2026", "লিড"]
BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def phone_text(rng: random.Random, subscriber: int) -> str:
    national = f"01{rng.choice('3456789')}{subscriber:08d}"
    style = rng.randrange(10)
    if style == 0:
        return f"+880 {national[1:5]} {national[5:]}"
    if style == 1:
        return "880" + national[1:]
    if style == 2:
        return f"{national[:5]}-{national[5:]}"
    if style == 3:
        return national.translate(BN_DIGITS)
    if style == 4:
        return f"+880-{national[1:]}"
    return national


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "First name",
                "Last name",
                "Organization",
                "Phone",
                "Email",
                "Address",
                "Tags",
                "District",
            ]
        )
        for i in range(rows):
            r = rng.random()
            subscriber = rng.randrange(100_000_000)
            phone = phone_text(rng, subscriber)
            if r < 0.01:
                phone = "01712-34"  # too short: a refused row
            first = last = org = ""
            if r < 0.05:
                org = f"{rng.choice(ORGS)} {i}"
            elif rng.random() < 0.5:
                first, last = rng.choice(FIRST_BN), rng.choice(LAST_BN)
            else:
                first, last = rng.choice(FIRST_LA), rng.choice(LAST_LA)
            if 0.01 <= r < 0.015:
                first = last = org = ""  # no name: refused
            local = (first if first.isascii() else "user").lower() or "info"
            email = f"{local}{i}@example.com" if rng.random() < 0.3 else ""
            tags = rng.choice(TAGS) if rng.random() < 0.2 else ""
            out.writerow(
                [first, last, org, phone, email, rng.choice(STREETS), tags, rng.choice(DISTRICTS)]
            )


def run_inner(args) -> dict:
    """Runs in a process whose DATABASE_URL points at a fresh database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from switchboard.contacts.importing import check_create_import_job, do_start_import
    from switchboard.contacts.models import Contact, ImportJob, Phone

    call_command("migrate", verbosity=0)
    path = Path(args.csv)
    cpu_started = time.process_time()
    started = time.perf_counter()
    with open(path, "rb") as f:
        job = check_create_import_job(File(f, name=path.name), user=None, duplicate_policy="skip")
    uploaded = time.perf_counter()
    # The task would run here; call the same function it calls, in this process.
    from switchboard.contacts import importing

    job = ImportJob.objects.get(pk=job.pk)
    job.mapping = job.mapping  # the guessed mapping
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    _ = do_start_import  # the page's start button queues exactly this job
    job = importing.run_import(job.pk)
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    assert job.status == "done", job.failure
    from switchboard.contacts.search import search_contacts

    # The search indexes took the rows: a name part and a phone part find imported contacts.
    some = Phone.objects.order_by("-id").values_list("contact_id", "e164").first()
    found_name = search_contacts(Contact.objects.all(), "umaiy").exists()
    found_phone = search_contacts(Contact.objects.all(), some[1][-7:]).filter(id=some[0]).exists()
    total = finished - started
    return {
        "vendor": connection.vendor,
        "search_index": _search_index_kind(connection),
        "found_by_name": found_name,
        "found_by_phone_part": found_phone,
        "rows": job.processed_rows,
        "created": job.created_count,
        "skipped": job.skipped_count,
        "errors": job.error_count,
        "contacts_in_db": Contact.objects.count(),
        "phones_in_db": Phone.objects.count(),
        "upload_s": round(uploaded - started, 2),
        "import_s": round(finished - uploaded, 2),
        "total_s": round(total, 2),
        "rows_per_s": round(job.processed_rows / total),
        "main_process_cpu_s": round(cpu, 1),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def _search_index_kind(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'contacts_%_fts'")
            return f"{cursor.fetchone()[0]} FTS5 trigram tables"
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
        return f"{cursor.fetchone()[0]} pg_trgm GIN indexes"


def run_child(csv_path: Path, env: dict) -> dict:
    command = [sys.executable, __file__, "--inner", "--csv", str(csv_path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"benchmark run failed ({env.get('DATABASE_URL')})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(run_inner(args)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "contacts.csv"
        t0 = time.perf_counter()
        write_csv(csv_path, args.rows)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        base_env.pop("DATABASE_URL", None)
        sqlite_dir = tmp_path / "sqlite"
        env = {
            **base_env,
            "SWITCHBOARD_VAR_DIR": str(sqlite_dir),
            "DATABASE_URL": f"sqlite:///{sqlite_dir / 'bench.sqlite3'}",
        }
        sqlite = run_child(csv_path, env)
        print("SQLite:", json.dumps(sqlite))
        result = {"rows": sqlite["rows"], "rows_per_s": sqlite["rows_per_s"]}

        pg_url = os.environ.get("TEST_DATABASE_URL")
        if pg_url:
            import psycopg

            name = f"switchboard_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(pg_url, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                scratch = pg_url.rsplit("/", 1)[0] + "/" + name
                pg_dir = tmp_path / "pg"
                env = {**base_env, "SWITCHBOARD_VAR_DIR": str(pg_dir), "DATABASE_URL": scratch}
                postgres = run_child(csv_path, env)
                print("PostgreSQL:", json.dumps(postgres))
                result["rows_per_s_postgres"] = postgres["rows_per_s"]
            finally:
                with psycopg.connect(pg_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(json.dumps(result))


if __name__ == "__main__":
    main()
