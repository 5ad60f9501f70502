"""How fast every ``hanchot`` command answers: cold starts of the command line beside Python itself.

Run: ``.venv/bin/python -m bench.cli_bench [--runs 15]``. Each row starts a fresh process ``--runs`` times,
interleaved with the others so that a busy moment of a shared machine hits every row alike, and prints the
median and the best wall time and the median CPU time (user + system of the child: what the command costs
whatever else the machine is doing). Rows:

- ``python -c pass``: the interpreter alone, the floor;
- ``hanchot --help``: the whole command tree registered and its help printed;
- ``hanchot parse``: one deadline cell explained (its own work: importing and running ``deadlines``);
- ``deadlines alone``: the same parse from a bare ``python -c``, so that ``hanchot parse`` minus this row is what
  the command line adds before the parse.

``--against REV`` adds the two ``hanchot`` rows of another revision (exported with ``git archive`` into a
temporary folder), measured in the same interleaved run: a before/after comparison on the same machine state.

Target: ``hanchot --help`` and the command-line share of ``hanchot parse`` ≤ 0.2 s wall each.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELL = "Chậm nhất trong Quý I/2025"
TARGET = 0.2
HELP = ["-m", "hanchot", "--help"]
PARSE = ["-m", "hanchot", "parse", "--plan-year", "2025", CELL]
ROWS: dict[str, tuple[Path, list[str]]] = {
    "python -c pass": (ROOT, ["-c", "pass"]),
    "hanchot --help": (ROOT, HELP),
    "hanchot parse": (ROOT, PARSE),
    "deadlines alone": (ROOT, ["-c", f"from deadlines import explain, parse; "
                                     f"print(*(explain(m) for m in parse({CELL!r}, 2025)))"]),
}


def _run(row: tuple[Path, list[str]]) -> tuple[float, float]:
    """(wall, cpu) seconds of one cold start in the row's folder; raises if the command fails."""
    folder, args = row
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=folder, env={**os.environ, "PYTHONPATH": str(folder)}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(rows: dict[str, tuple[Path, list[str]]], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in rows}
    for row in rows.values():  # one warm-up each: the page cache, .pyc files
        _run(row)
    for _ in range(runs):
        for name, row in rows.items():
            wall, cpu = _run(row)
            results[name][0].append(wall)
            results[name][1].append(cpu)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", metavar="REV", help="also measure this git revision (e.g. before a change)")
    args = parser.parse_args()
    rows = dict(ROWS)
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as other:
        if args.against:
            archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", other], input=archive.stdout, check=True)
            rows[f"hanchot --help @{args.against}"] = (Path(other), HELP)
            rows[f"hanchot parse @{args.against}"] = (Path(other), PARSE)
        results = measure(rows, args.runs)
    print(f"load average before: {os.getloadavg()[0]:.2f}; {args.runs} cold starts per row, interleaved")
    print("| command | wall median | wall best | CPU median |")
    print("| --- | --- | --- | --- |")
    for name, (walls, cpus) in results.items():
        print(f"| {name} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | {statistics.median(cpus):.3f} s |")
    wall = {name: statistics.median(walls) for name, (walls, _) in results.items()}
    help_wall, cli_share = wall["hanchot --help"], wall["hanchot parse"] - wall["deadlines alone"]
    print(f"hanchot --help: {help_wall:.3f} s; what the command line adds to a parse: {cli_share:.3f} s "
          f"(target ≤ {TARGET} s each): {'met' if max(help_wall, cli_share) <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
