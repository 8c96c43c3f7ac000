"""The ``switchboard`` command.

Each subcommand is one *registrar* in :data:`SUBCOMMANDS`: a function that
adds its parser to the subparsers and sets ``handler`` (called with the
parsed arguments, returning the exit status).  To add one, write ``register_<name>(subparsers)``
next to the code it runs and add it to the dict.

Handlers import what they need when they run, so ``switchboard staff``
and ``switchboard simulate`` stay pure Python and never load Django.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


# --------------------------------------------------------------------------
# Argument types: argparse reports "argument --name: <message>", exit 2.


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _nonnegative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {text}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than zero, got {text}")
    return value


def _share(text: str) -> float:
    """A fraction: 0.3 or 30%."""
    t = text.strip()
    value = _number(t[:-1]) / 100 if t.endswith("%") else _number(t)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (or 0% and 100%), got {text}")
    return value


def _target(text: str) -> tuple[float, float]:
    """'80/20' -> (0.8, 20.0): 80% of calls answered within 20 seconds."""
    parts = text.strip().split("/")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected PERCENT/SECONDS such as 80/20, got {text!r}")
    percent_text = parts[0].strip().removesuffix("%")
    seconds_text = parts[1].strip().removesuffix("s")
    try:
        percent, seconds = float(percent_text), float(seconds_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected PERCENT/SECONDS such as 80/20, got {text!r}"
        ) from None
    if not 0 < percent <= 100:
        raise argparse.ArgumentTypeError(
            f"the percentage must be above 0 and at most 100, got {text!r}"
        )
    if not 0 <= seconds < math.inf:
        raise argparse.ArgumentTypeError(f"the seconds must be zero or more, got {text!r}")
    return percent / 100, seconds


# --------------------------------------------------------------------------
# switchboard staff


def register_staff(subparsers) -> None:
    parser = subparsers.add_parser(
        "staff",
        help="how many agents an interval needs (Erlang C, or Erlang A with --patience)",
        description=(
            "The minimum number of agents that meets a service-level target. "
            "Erlang C by default; with --patience, Erlang A (callers hang up), "
            "where abandoned calls count as missing the target."
        ),
    )
    parser.add_argument(
        "--calls", type=_nonnegative, required=True, help="calls offered in the interval"
    )
    parser.add_argument(
        "--interval",
        type=_positive,
        default=1800.0,
        help="interval length in seconds (default 1800)",
    )
    parser.add_argument(
        "--aht", type=_positive, required=True, help="average handling time, seconds"
    )
    parser.add_argument(
        "--target",
        type=_target,
        default=(0.8, 20.0),
        metavar="PCT/SEC",
        help="service-level target, e.g. 80/20 = 80%% answered within 20 s (default 80/20)",
    )
    parser.add_argument(
        "--patience", type=_positive, help="callers' mean patience, seconds (Erlang A)"
    )
    parser.add_argument(
        "--shrinkage",
        type=_share,
        default=0.0,
        help="share of paid time off the phones, 0.3 or 30%%",
    )
    parser.add_argument(
        "--max-occupancy", type=_share, help="cap on agents' time on calls, 0.85 or 85%%"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_staff, parser=parser)


def run_staff(args: argparse.Namespace) -> int:
    from switchboard.core.erlang import required_agents

    fraction, seconds = args.target
    if args.shrinkage >= 1:
        args.parser.error("argument --shrinkage: must be below 1 (100%)")
    if args.max_occupancy is not None and args.max_occupancy <= 0:
        args.parser.error("argument --max-occupancy: must be more than zero")
    try:
        staffing = required_agents(
            args.calls,
            args.interval,
            args.aht,
            fraction,
            seconds,
            patience_seconds=args.patience,
            max_occupancy=args.max_occupancy,
            shrinkage=args.shrinkage,
        )
    except ValueError as exc:
        args.parser.error(str(exc))
    traffic = args.calls * args.aht / args.interval
    model = "erlang_c" if args.patience is None else "erlang_a"
    if args.json:
        print(
            json.dumps(
                {
                    "model": model,
                    "traffic_erlangs": traffic,
                    "agents": staffing.agents,
                    "productive_agents": staffing.productive_agents,
                    "service_level": staffing.service_level,
                    "prob_wait": staffing.prob_wait,
                    "prob_abandon": staffing.prob_abandon,
                    "asa_seconds": staffing.asa_seconds,
                    "occupancy": staffing.occupancy,
                    "inputs": {
                        "calls": args.calls,
                        "interval_seconds": args.interval,
                        "aht_seconds": args.aht,
                        "target_fraction": fraction,
                        "target_seconds": seconds,
                        "patience_seconds": args.patience,
                        "shrinkage": args.shrinkage,
                        "max_occupancy": args.max_occupancy,
                    },
                }
            )
        )
        return 0
    print(_staff_summary(args, staffing, traffic, fraction, seconds))
    return 0


def _staff_summary(args, staffing, traffic: float, fraction: float, seconds: float) -> str:
    model = "Erlang C" if args.patience is None else f"Erlang A, mean patience {args.patience:g} s"
    lines = [
        f"{args.calls:g} calls per {args.interval:g} s, AHT {args.aht:g} s "
        f"= {traffic:.2f} Erlangs ({model})",
        f"Target: {fraction:.0%} answered within {seconds:g} s"
        + (f", occupancy at most {args.max_occupancy:.0%}" if args.max_occupancy else ""),
        "",
        f"  Agents to schedule       {staffing.agents}",
    ]
    if args.shrinkage:
        lines.append(
            f"  On the phones            {staffing.productive_agents}"
            f"  ({args.shrinkage:.0%} shrinkage; figures below are for them)"
        )
    lines += [
        f"  Service level            {staffing.service_level:.2%} within {seconds:g} s",
        f"  Probability of waiting   {staffing.prob_wait:.2%}",
    ]
    if staffing.prob_abandon is not None:
        lines.append(f"  Abandoned                {staffing.prob_abandon:.2%}")
    lines += [
        f"  Average speed of answer  {staffing.asa_seconds:.2f} s",
        f"  Occupancy                {staffing.occupancy:.1%}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# switchboard simulate


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def register_simulate(subparsers) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="play a scenario through the real routing engine (the digital twin)",
        description=(
            "Simulate a day of the call center described by a scenario file "
            "(queues, skills, agents and shifts, rate profiles, durations; see "
            "docs/scenario-example.toml) through the real routing engine, and "
            "print per-interval figures for each queue."
        ),
    )
    parser.add_argument("scenario", help="the scenario, a TOML file")
    parser.add_argument("--seed", type=_seed, help="random seed (default: the scenario's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_simulate, parser=parser)


def run_simulate(args: argparse.Namespace) -> int:
    from switchboard.core.sim import ScenarioError, load_scenario, simulate

    try:
        scenario = load_scenario(args.scenario)
    except OSError as exc:
        args.parser.error(f"cannot read {args.scenario}: {exc.strerror or exc}")
    except ScenarioError as exc:
        args.parser.error(str(exc))
    results = simulate(scenario, seed=args.seed)
    if args.json:
        print(json.dumps(results.to_dict()))
    else:
        print(_simulation_report(scenario, results))
    return 0


def _clock(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _simulation_report(scenario, results) -> str:
    lines = [
        f"{results.name}: seed {results.seed}, {results.calls:,} calls, "
        f"{results.interval_s / 60:g}-minute intervals, {len(results.agents)} agents",
    ]
    if results.unfinished:
        lines.append(f"  ({results.unfinished} calls still unfinished when the run stopped)")
    head = (
        f"{'interval':<9}{'offered':>8}{'answered':>9}{'abandoned':>10}{'SL':>8}"
        f"{'ASA s':>8}{'AHT s':>8}{'occupancy':>10}{'longest s':>10}"
    )
    for spec in scenario.queues:
        lines += [
            "",
            f"{spec.id}  (target {spec.sl_goal:.0%} answered within {spec.sl_target_s:g} s)",
            head,
        ]
        rows = results.intervals[spec.id]
        for row in [*rows, results.totals[spec.id]]:
            label = "total" if row.interval is None else _clock(results.start_clock_s + row.start_s)
            lines.append(
                f"{label:<9}{row.offered:>8}{row.answered:>9}{row.abandoned + row.expired:>10}"
                f"{_pct(row.service_level):>8}{_secs(row.asa_s):>8}{_secs(row.aht_s):>8}"
                f"{_pct(row.occupancy):>10}{row.longest_wait_s:>10.0f}"
            )
    lines += ["", f"{'agents':<16}{'count':>6}{'answered':>9}{'occupancy':>10}{'min':>8}{'max':>8}"]
    by_id = {a.agent: a for a in results.agents}
    for spec in scenario.agents:
        group = [by_id[agent_id] for agent_id in spec.agent_ids()]
        occupancies = [a.occupancy for a in group if a.occupancy is not None]
        staffed = sum(a.staffed_s for a in group)
        overall = sum(a.busy_s for a in group) / staffed if staffed else None
        lines.append(
            f"{spec.id:<16}{len(group):>6}{sum(a.answered for a in group):>9}{_pct(overall):>10}"
            f"{_pct(min(occupancies, default=None)):>8}{_pct(max(occupancies, default=None)):>8}"
        )
    lines += [
        "",
        "SL: answered within the target over calls that ended (abandons count as misses).",
        "Occupancy: busy share of the staffed time of the agents with the queue's skills.",
    ]
    return "\n".join(lines)


# switchboard engine


def register_engine(subparsers) -> None:
    parser = subparsers.add_parser(
        "engine",
        help="run the call engine (routing, virtual carrier, bots) as its own process",
        description=(
            "The engine that owns the floor. Web processes reach it through the Channels "
            "layer: set REDIS_URL in every process. Defaults come from the settings "
            "(SWITCHBOARD_VIRTUAL_CALLS_PER_HOUR, SWITCHBOARD_BOTS, SWITCHBOARD_SIM_SPEED)."
        ),
    )
    parser.add_argument(
        "--calls-per-hour", type=_nonnegative, help="virtual carrier's inbound calls per hour"
    )
    parser.add_argument("--bots", action=argparse.BooleanOptionalAction, help="simulated agents")
    parser.add_argument("--speed", type=_positive, help="simulated callers and bots run faster")
    parser.add_argument("--seed", type=int, help="seed of the virtual carrier and bots")
    parser.set_defaults(handler=run_engine)


def run_engine(args: argparse.Namespace) -> int:
    import asyncio
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from switchboard.telephony.service import Options, serve_forever

    options = Options.from_settings()
    if args.calls_per_hour is not None:
        options.calls_per_hour = args.calls_per_hour
    if args.bots is not None:
        options.bots = args.bots
    if args.speed is not None:
        options.speed = args.speed
    options.seed = args.seed
    asyncio.run(serve_forever(options))
    return 0


# --------------------------------------------------------------------------

SUBCOMMANDS: dict[str, Registrar] = {
    "staff": register_staff,
    "simulate": register_simulate,
    "engine": register_engine,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="switchboard", description="Switchboard call-center platform tools."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in SUBCOMMANDS.values():
        register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``switchboard`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
