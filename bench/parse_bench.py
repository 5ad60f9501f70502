"""Parser throughput: cells/s on the gold texts, peak memory, and dateparser's search_dates for the ratio.

Run: ``.venv/bin/python -m bench.parse_bench [--seconds 3]``. Single core, one process. Prints markdown
table rows (with their header): warm (repeated cells hit the parser's cell cache, as in a real plan), cold (the
cell cache and every memo cleared before every cell: the engine itself), and new cells in a running service (the
cell cache cleared, the memos of written periods and schedules kept). Targets: ≥ 20,000 cells/s and ≥ 20× dateparser.
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


def _items() -> list[tuple[str, int]]:
    return [(d["text"], d["plan_year"]) for d in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines()) if d]


def _rate(fn, items: list[tuple[str, int]], seconds: float) -> float:
    """Cells per second of ``fn`` over ``items`` repeated for at least ``seconds``."""
    done, t0 = 0, time.perf_counter()
    while True:
        for text, year in items:
            fn(text, year)
        done += len(items)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return done / elapsed


def _peak_kib(items: list[tuple[str, int]]) -> float:
    clear_cache()  # what the cells build (cell cache and memos) is counted
    tracemalloc.start()
    for text, year in items * 10:
        parse(text, year)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--seconds", type=float, default=3.0)
    opts = args.parse_args()
    items = _items()
    for text, year in items:  # warm up (regex compilation, imports)
        parse(text, year)
    ours = _rate(parse, items, opts.seconds)
    cold = _rate(lambda text, year: (clear_cache(), parse(text, year)), items, opts.seconds)
    fresh = _rate(lambda text, year: (clear_cache(memos=False), parse(text, year)), items, opts.seconds)
    peak = _peak_kib(items)

    from dateparser.search import search_dates

    settings = {"PREFER_DAY_OF_MONTH": "last", "DATE_ORDER": "DMY"}
    search_dates(items[0][0], languages=["vi"], settings=settings)
    theirs = _rate(lambda text, _year: search_dates(text, languages=["vi"], settings=settings), items, opts.seconds)
    print("| cells | hanchot cells/s | peak memory (KiB) | dateparser cells/s | ratio |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| {len(items)} gold texts, repeated | {ours:,.0f} | {peak:,.0f} | {theirs:,.1f} | {ours / theirs:,.0f}× |")
    print(f"| same, cache and memos cleared per cell | {cold:,.0f} | | {theirs:,.1f} | {cold / theirs:,.0f}× |")
    print(f"| same, cell cache cleared, memos kept | {fresh:,.0f} | | {theirs:,.1f} | {fresh / theirs:,.0f}× |")


if __name__ == "__main__":
    main()
