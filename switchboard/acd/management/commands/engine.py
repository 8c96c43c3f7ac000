"""`manage.py engine`: the same as `switchboard engine`."""

import argparse

from django.core.management.base import BaseCommand

from switchboard.cli import run_engine


class Command(BaseCommand):
    help = "Run the call engine (routing, virtual carrier, bots) as its own process."

    def add_arguments(self, parser):
        parser.add_argument("--calls-per-hour", type=float)
        parser.add_argument("--bots", action=argparse.BooleanOptionalAction)
        parser.add_argument("--speed", type=float)
        parser.add_argument("--seed", type=int)

    def handle(self, *args, calls_per_hour, bots, speed, seed, **options):
        run_engine(
            argparse.Namespace(calls_per_hour=calls_per_hour, bots=bots, speed=speed, seed=seed)
        )
