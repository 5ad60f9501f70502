"""Parse cost of one huge deadline cell: time and peak memory for 1, 10 and 100 thousand characters.

Run: ``.venv/bin/python -m bench.cell_bench``. Single core, one process. Two cells per size: the first
gold cells (1,000 characters' worth) joined by line breaks and repeated (real language: parts, clauses,
dates, recurrences) and ``"Quý I "`` repeated (the issue's explosive input), each cut to the size. Prints
markdown rows; linear means the µs per character stay about the same from row to row (a quadratic step
would multiply them by 10 at each size). Target: per-character cost within 2× from 1,000 to 100,000
characters, peak memory under 1 KiB per character. The importer reads at most
``ingest.builder.MAX_DEADLINE_CELL`` characters of a cell; this measures the engine without that limit.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

from deadlines import parse
from deadlines.parser import clear_cache

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold" / "deadlines.jsonl"
SIZES = (1_000, 10_000, 100_000)


def cells(size: int) -> dict[str, str]:
    """The two cells of ``size`` characters."""
    gold = "\n".join(json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line)
    unit = gold[:gold.rindex("\n", 0, SIZES[0])] + "\n"  # whole gold cells, 1,000 characters: one mix at every size
    return {"gold cells joined": (unit * (size // len(unit) + 1))[:size],
            "\"Quý I \" repeated": ("Quý I " * (size // 6 + 1))[:size]}


def measure(text: str, rounds: int) -> tuple[float, int, int]:
    """(best seconds of ``rounds`` cold parses, peak traced bytes of one, milestones)."""
    best = float("inf")
    for _ in range(rounds):
        clear_cache()
        t0 = time.perf_counter()
        found = parse(text, 2026)
        best = min(best, time.perf_counter() - t0)
    clear_cache()
    tracemalloc.start()
    parse(text, 2026)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, len(found)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--rounds", type=int, default=3)
    opts = args.parse_args()
    parse("Quý I/2026", 2026)  # imports and regex compilation out of the first row
    print("| cell | characters | parse time | µs per character | peak memory | milestones |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size in SIZES:
        for name, text in cells(size).items():
            seconds, peak, count = measure(text, opts.rounds)
            print(f"| {name} | {size:,} | {seconds * 1000:.1f} ms | {seconds / size * 1e6:.2f} | "
                  f"{peak / 1024 / 1024:.2f} MiB | {count} |", flush=True)


if __name__ == "__main__":
    main()
