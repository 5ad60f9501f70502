"""Import 1,000 plans (the seeds with varied numbers) and report plans per second.

    .venv/bin/python -m bench.import_bench [--pg] [--count N]

Each seed is read once; the drafts are stored with distinct numbers and hashes, one transaction per
plan, into a fresh SQLite file (and, with --pg, a fresh PostgreSQL schema of HANCHOT_TEST_PG_URL).
"""

from __future__ import annotations

import argparse
import copy
import os
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.store import store_plan
from models.db import make_engine
from models.migrate import upgrade

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"  # shared/ sits beside the work tree
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(url: str, count: int) -> tuple[float, float]:
    """Plans per second (wall clock) and this process's CPU milliseconds per plan."""
    engine = make_engine(url)
    upgrade(engine)
    directory = AgencyDirectory.load()
    drafts = [read_plan(p) for p in sorted(SEEDS.glob("*.txt"))]
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        draft = copy.copy(drafts[i % len(drafts)])
        draft.number, draft.content_hash = f"{i + 1}/KH-BENCH", f"{i:064x}"
        with Session(engine) as session:
            store_plan(session, draft, directory)
            session.commit()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return count / elapsed, cpu / count * 1000


def report(backend: str, figures: tuple[float, float], count: int) -> None:
    # The CPU figure tells a loaded machine (other processes, a busy disk) from a slow importer.
    print(f"{backend}: {figures[0]:.1f} plans/s ({count} plans, {figures[1]:.1f} ms CPU per plan in this process)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="Also import into PostgreSQL.")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        report("sqlite", run(f"sqlite:///{folder}/bench.db", args.count), args.count)
    if args.pg:
        server = os.environ.get("HANCHOT_TEST_PG_URL", PG)
        schema = f"bench_{secrets.token_hex(4)}"
        admin = create_engine(server)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
            url = url.render_as_string(hide_password=False)
            report("postgresql", run(url, args.count), args.count)
        finally:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
