"""Notifier throughput against the real test doubles: the aiosmtpd sink process and the Zalo HTTP fake.

Run from the repository root: ``.venv/bin/python -m bench.smtp_sink_bench [--messages 200] [--concurrency 10]``.
Each message is a full reminder (Vietnamese text + HTML + .ics). Email opens one SMTP connection per
message (what ``SmtpNotifier`` does); Zalo sends OA texts with a valid token. Prints messages/s and the
median and p95 latency per message. The .eml writer is measured on a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from config.settings import SmtpSettings
from notifiers import Links, Message, Notifier, Recipient
from notifiers.eml_files import EmlNotifier
from notifiers.http_client import ZaloHttp
from notifiers.smtp import SmtpNotifier
from tests.fakes.zalo_fake import start_fake
from tests.notifiers.zalo_helpers import oa_for, seeded_store, tokens_for
from tests.support.smtp_sink import SmtpSink

SAMPLE = Message(
    idempotency_key="bench", subject="Sắp đến hạn: Báo cáo CCHC quý I/2026",
    recipient=Recipient("Nguyễn Văn An", "an@example.gov.vn", "2512523625412515", "0987654321"),
    text="Nhiệm vụ «Báo cáo kết quả cải cách hành chính quý I/2026» đến hạn ngày 20/03/2026.\n" * 5,
    links=Links("https://hanchot.example/a/done/x", "https://hanchot.example/a/snooze/x"),
    ics=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")


async def measure(notifier: Notifier, messages: int, concurrency: int) -> tuple[float, list[float]]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(i: int) -> None:
        async with gate:
            start = time.perf_counter()
            await notifier.send(replace(SAMPLE, idempotency_key=f"bench-{i}"))
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(messages)))
    return time.perf_counter() - start, latencies


def report(name: str, messages: int, elapsed: float, latencies: list[float]) -> None:
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"{name:<6} {messages / elapsed:8.1f} msg/s   median {statistics.median(latencies) * 1000:6.1f} ms"
          f"   p95 {p95 * 1000:6.1f} ms")


async def main(messages: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sink = SmtpSink(Path(tmp) / "sink").start()
        try:
            smtp = SmtpNotifier(SmtpSettings("127.0.0.1", sink.port, None, None, False, False, 10.0), "b@hanchot")
            elapsed, latencies = await measure(smtp, messages, concurrency)
            assert len(sink.received(expect=messages)) == messages
            report("email", messages, elapsed, latencies)
        finally:
            sink.stop()
        report("eml", messages, *await measure(EmlNotifier(Path(tmp) / "mail", "b@hanchot"), messages, concurrency))

    fake, server = start_fake()
    try:
        fake.add_user(SAMPLE.recipient.zalo_user_id)
        http = ZaloHttp()
        store, _, _ = await seeded_store(fake)
        report("zalo", messages, *await measure(oa_for(fake, tokens_for(fake, store, http), http), messages,
                                                concurrency))
    finally:
        server.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.concurrency))
