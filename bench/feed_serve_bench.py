"""Feed serving under load: GET /feeds/<token>.ics from a real uvicorn server (``hanchot serve``).

Run from the repository root: ``.venv/bin/python -m bench.feed_serve_bench [--events 2000] [--requests 200]
[--concurrency 8]``. The database is a temporary SQLite file filled by ``bench.feed_bench.populate`` (one
agency, 2,000 events). Reports requests/s and latency percentiles for full 200 responses and for
conditional requests answered 304 (what well-behaved clients send once they hold the ETag).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.feed_bench import populate
from calendars.tokens import new_token
from models import FeedScope, FeedToken
from models.db import make_engine, session_factory
from models.migrate import upgrade
from tests.web.server import free_port, running_server, server_env


async def hammer(url: str, requests: int, concurrency: int, headers: dict[str, str]) -> tuple[list[float], set[int]]:
    latencies: list[float] = []
    statuses: set[int] = set()
    queue = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in queue:
            start = time.perf_counter()
            response = await client.get(url, headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            statuses.add(response.status_code)

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, statuses


def report(label: str, latencies: list[float], elapsed: float, statuses: set[int]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:<22} {len(latencies) / elapsed:7.1f} req/s   p50 {statistics.median(ordered):7.1f} ms"
          f"   p95 {p95:7.1f} ms   statuses {sorted(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(db_url)
        upgrade(engine)
        token, token_hash = new_token()
        with session_factory(engine)() as session:
            agency_id = populate(session, args.events)
            session.add(FeedToken(token_hash=token_hash, name="bench", scope=FeedScope.AGENCY, agency_id=agency_id))
            session.commit()
        engine.dispose()
        port = free_port()
        env = server_env(f"http://127.0.0.1:{port}", db_url, Path("config").resolve(), Path(folder) / "mail", "")
        with running_server(env, port, Path(folder) / "server.log") as base:
            url = f"{base}/feeds/{token}.ics"
            first = httpx.get(url, timeout=60)
            print(f"{args.events} events, {len(first.content) / 1024:.0f} KiB, concurrency {args.concurrency}")
            conditional = {"If-None-Match": first.headers["etag"]}
            for label, headers in (("200 full body", {}), ("304 If-None-Match", conditional)):
                start = time.perf_counter()
                latencies, statuses = asyncio.run(hammer(url, args.requests, args.concurrency, headers))
                report(label, latencies, time.perf_counter() - start, statuses)


if __name__ == "__main__":
    main()
