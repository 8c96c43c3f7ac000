"""Serve the whole product from one process: web app, WebSockets, the engine and the worker.

`make run` calls this. In production the same pieces run as separate processes
(daphne or uvicorn workers, `manage.py db_worker`, `switchboard engine`).
"""

import logging
import threading
import uuid

from django.core.management.base import BaseCommand

log = logging.getLogger("switchboard")


def start_task_worker() -> threading.Thread:
    """Run django-tasks-db's worker loop in a daemon thread of this process."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"inprocess-{uuid.uuid4().hex[:8]}",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="task-worker", daemon=True)
    thread.start()
    return thread


class Command(BaseCommand):
    help = "Serve Switchboard (web, WebSockets, background jobs) from one process."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not run background jobs here."
        )

    def handle(self, *args, host, port, no_worker, **options):
        from daphne.cli import CommandLineInterface
        from django.conf import settings

        if not no_worker:
            start_task_worker()
        if settings.SWITCHBOARD["ENGINE"]["IN_PROCESS"]:
            from switchboard.telephony.service import Options, start_in_daphne

            start_in_daphne(Options.from_settings())
        self.stdout.write(self.style.SUCCESS(f"Switchboard is serving on http://{host}:{port}/"))
        CommandLineInterface().run(["-b", host, "-p", str(port), "config.asgi:application"])
