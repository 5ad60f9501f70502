"""Feed serving under load: our ``/feeds/<token>.ics`` against static file servers sending the same bytes.

Run from the repository root: ``.venv/bin/python -m bench.feed_serve_bench [--events 2000] [--requests 1000]
[--concurrency 1,8]``. The database is a temporary SQLite file filled by ``bench.feed_bench.populate`` (one
agency, 2,000 events). Three servers run as subprocesses on loopback ports:

- ours: ``hanchot serve`` (uvicorn, the whole app with its middleware), the feed cached after a first GET;
- ``uvicorn + StaticFiles``: the same server stack serving the feed's bytes from a file;
- ``python -m http.server``: the standard library's threading file server, same file.

Each gets the same bounded load: a fixed number of requests over a fixed number of connections (a small
asyncio HTTP/1.1 client), full 200 responses and then conditional requests answered 304, after a short warm-up,
and gzip bodies (ours negotiated, the static servers' from a ready .gz file holding the same bytes), once per
concurrency level (default 1 and 8: service time, then throughput under contention). It prints a
markdown table (requests/s, p50, p99) and checks the issue's targets: ours at least 50% of the static
servers' throughput, p99 under 20 ms. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.feed_bench import populate
from calendars.tokens import new_token
from models import FeedScope, FeedToken
from models.db import make_engine, session_factory
from models.migrate import upgrade
from tests.web.server import free_port, running_server, server_env

WARM_UP = 20
READ_LIMIT = 8 * 1024 * 1024
OURS = "hanchot /feeds"
STATIC_APP = """
import sys, uvicorn
from starlette.staticfiles import StaticFiles
uvicorn.run(StaticFiles(directory=sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="info")
"""


@dataclass
class Result:
    server: str
    path: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    statuses: set[int]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def hammer(url: str, requests: int, concurrency: int, headers: dict[str, str]) -> tuple[list[float], set[int]]:
    """``requests`` GETs over ``concurrency`` keep-alive connections; returns latencies (ms) and statuses seen.

    A minimal HTTP/1.1 client on asyncio streams: httpx costs about a millisecond of client CPU per request,
    which on two cores would measure the client more than the servers. A server that closes the connection
    (HTTP/1.0) is reconnected, inside the timed request, as a real client would.
    """
    parts = httpx.URL(url)
    host, port = parts.host, parts.port or 80
    assert host in ("127.0.0.1", "localhost"), "loopback only"
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"GET {parts.raw_path.decode()} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    statuses: set[int] = set()
    numbers = iter(range(requests))

    async def worker() -> None:
        reader = writer = None
        for _ in numbers:
            start = time.perf_counter()
            if writer is None:
                # A buffer limit above the body: the default 64 KiB paused the transport a dozen times per
                # 1.4 MiB body, client CPU that every server's figures paid alike.
                reader, writer = await asyncio.open_connection(host, port, limit=READ_LIMIT)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            fields = dict(line.split(b":", 1) for line in head.lower().split(b"\r\n")[1:] if b":" in line)
            length = int(fields.get(b"content-length", b"0"))
            if status != 304 and length:
                await reader.readexactly(length)
            latencies.append((time.perf_counter() - start) * 1000)
            statuses.add(status)
            if head.startswith(b"HTTP/1.0") or fields.get(b"connection", b"").strip() == b"close":
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    return latencies, statuses


def measure(server: str, url: str, requests: int, levels: list[int], gzip_url: str | None = None) -> list[Result]:
    """Full bodies, conditional requests, and gzip bodies: ours negotiated with ``Accept-Encoding: gzip`` (as
    calendar clients send it), a static server's as a ready ``.gz`` file of the very same bytes (``gzip_url``)."""
    first = httpx.get(url, timeout=60, headers={"Accept-Encoding": "identity"})
    first.raise_for_status()
    validators = {"If-None-Match": first.headers["etag"]} if "etag" in first.headers else {
        "If-Modified-Since": first.headers["last-modified"]}
    plain = {"Accept-Encoding": "identity"}
    kinds = [("200 full body", url, plain), ("304 conditional", url, {**plain, **validators}),
             ("200 gzip body", gzip_url or url, {"Accept-Encoding": "gzip"})]
    results = []
    for concurrency in levels:
        for path, target, headers in kinds:
            asyncio.run(hammer(target, WARM_UP, concurrency, headers))
            start = time.perf_counter()
            latencies, statuses = asyncio.run(hammer(target, requests, concurrency, headers))
            results.append(Result(server, path, concurrency, requests, time.perf_counter() - start, latencies,
                                  statuses))
    return results


@contextmanager
def process_server(command: list[str], port: int, log: Path) -> Iterator[str]:
    """Start a server subprocess on a loopback port, wait until it accepts connections, stop it after."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:3]} exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[:3]} did not start within 30 s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def table(results: list[Result]) -> str:
    lines = ["| server | response | requests | concurrency | req/s | p50 ms | p99 ms | statuses |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in sorted(results, key=lambda r: (r.concurrency, r.path)):
        lines.append(f"| {r.server} | {r.path} | {r.requests} | {r.concurrency} | {r.throughput:.0f} "
                     f"| {r.percentile(0.50):.1f} | {r.percentile(0.99):.1f} | {sorted(r.statuses)} |")
    return "\n".join(lines)


def verdict(results: list[Result]) -> list[str]:
    lines = []
    for mine in (r for r in results if r.server == OURS):
        where = f"{mine.path}, concurrency {mine.concurrency}"
        for other in (r for r in results if (r.path, r.concurrency) == (mine.path, mine.concurrency) and r is not mine):
            ratio = mine.throughput / other.throughput
            lines.append(f"- {where}: ours {ratio:.0%} of {other.server} (target ≥ 50%): "
                         f"{'met' if ratio >= 0.5 else 'NOT met'}")
        p99 = mine.percentile(0.99)
        lines.append(f"- {where}: ours p99 {p99:.1f} ms (target < 20 ms): {'met' if p99 < 20 else 'NOT met'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", default="1,8", help="comma-separated connection counts")
    args = parser.parse_args()
    levels = [int(n) for n in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        db_url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(db_url)
        upgrade(engine)
        token, token_hash = new_token()
        with session_factory(engine)() as session:
            agency_id = populate(session, args.events)
            session.add(FeedToken(token_hash=token_hash, name="bench", scope=FeedScope.AGENCY, agency_id=agency_id))
            session.commit()
        engine.dispose()
        results: list[Result] = []
        port = free_port()
        env = server_env(f"http://127.0.0.1:{port}", db_url, Path("config").resolve(), folder / "mail", "")
        with running_server(env, port, folder / "server.log") as base:
            url = f"{base}/feeds/{token}.ics"
            start = time.perf_counter()
            body = httpx.get(url, timeout=60, headers={"Accept-Encoding": "identity"}).content
            print(f"{args.events} events, {len(body) / 1024:.0f} KiB; first (uncached) GET "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms")
            with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as coded:
                assert coded.headers["content-encoding"] == "gzip"
                gzipped = b"".join(coded.iter_raw())
            print(f"gzip: {len(gzipped) / 1024:.0f} KiB")
            results += measure(OURS, url, args.requests, levels)
        static = folder / "static"
        static.mkdir()
        (static / "feed.ics").write_bytes(body)
        (static / "feed.ics.gz").write_bytes(gzipped)
        servers = (("uvicorn + StaticFiles", [sys.executable, "-c", STATIC_APP, str(static)]),
                   ("python -m http.server", [sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                                              "--directory", str(static)]))
        for name, command in servers:
            port = free_port()
            with process_server([*command, str(port)], port, folder / "static.log") as base:
                results += measure(name, f"{base}/feed.ics", args.requests, levels, f"{base}/feed.ics.gz")
        print(table(results))
        print("\n".join(verdict(results)))


if __name__ == "__main__":
    main()
