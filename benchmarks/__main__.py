"""`python -m benchmarks SCENARIO|all [--quick] [--out DIR]`: run, print a table, write JSON."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from . import SCENARIO_NAMES, SCENARIOS, get_scenario
from .harness import (
    DEFAULT_CACHE_DIR,
    DEFAULT_RESULTS_DIR,
    RunContext,
    ScenarioResult,
    build_report,
    format_table,
    load_average,
    machine_info,
    write_report,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Backbone Studio performance scenarios, each against a naive baseline.",
        epilog="scenarios: " + "; ".join(f"{s.name}: {s.summary}" for s in SCENARIOS),
    )
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        choices=("all", *SCENARIO_NAMES), help="'all' or scenario names")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repeat: proves each scenario works (seconds)")
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS_DIR,
                        help=f"folder for the JSON results (default {DEFAULT_RESULTS_DIR})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR,
                        help=f"folder for generated images and weights (default {DEFAULT_CACHE_DIR})")
    parser.add_argument("--repeats", type=int, default=None,
                        help="alternating repeats per scenario (default: each scenario's own)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's choice, one per physical core; "
                             "1 with --quick, which only proves the scenarios work)")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = list(SCENARIO_NAMES) if "all" in args.scenarios else list(dict.fromkeys(args.scenarios))

    import torch

    previous_threads = torch.get_num_threads()
    threads = args.threads or (1 if args.quick else None)
    if threads:
        # --quick: one thread, because on a shared, busy machine OpenMP threads waiting for
        # each other at every small op make tiny runs several times slower
        torch.set_num_threads(threads)
    try:
        return _run(args, names)
    finally:
        torch.set_num_threads(previous_threads)


def _run(args: argparse.Namespace, names: list[str]) -> int:
    import torch

    started = time.perf_counter()
    load_before = load_average()
    ctx = RunContext(quick=args.quick, cache_dir=args.cache.resolve(), repeats=args.repeats,
                     threads=torch.get_num_threads(),
                     log=lambda message: print(message, flush=True))
    print(f"load average before: {load_before}", flush=True)

    results: list[ScenarioResult] = []
    failed = False
    for name in names:
        scenario = get_scenario(name)
        print(f"== {name}: {scenario.summary}", flush=True)
        t0 = time.perf_counter()
        try:
            result = scenario.run(ctx)
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the others
            traceback.print_exc()
            failed = True
            result = ScenarioResult(name, scenario.summary, status="failed",
                                    notes=[f"{type(exc).__name__}: {exc}"])
        result.seconds = round(time.perf_counter() - t0, 2)
        results.append(result)

    machine = {**machine_info(), "load_before": load_before, "load_after": load_average()}
    report = build_report(results, machine, quick=args.quick, started=started, argv=args.argv)
    path = write_report(report, args.out)
    print()
    print(format_table(report))
    print(f"\nresults: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
