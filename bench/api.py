"""REST latency: POST /v1/assessments against a live uvicorn on loopback, 1 and 50 clients.

    uv run python bench/api.py [--requests 100] [--example examples/rpl-and-rif.yaml]

Prints p50/p99 latency and throughput per concurrency level, and the engine's own single-case
time in this process for comparison (where the time goes). No asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("uvicorn did not start")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _run(url: str, body: bytes, clients: int, total: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                r = await client.post(
                    "/v1/assessments", content=body, headers={"content-type": "application/yaml"}
                )
                latencies.append(time.perf_counter() - start)
                if r.status_code != 200:
                    raise SystemExit(f"HTTP {r.status_code}: {r.text[:200]}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--example", default=str(ROOT / "examples" / "rpl-and-rif.yaml"))
    args = parser.parse_args()
    body = Path(args.example).read_bytes()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "nidation.interfaces.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
    )
    try:
        _wait(url, server)
        asyncio.run(_run(url, body, 1, 3))  # warm-up
        print(f"POST /v1/assessments  ({Path(args.example).name}, {args.requests} requests each)")
        for clients in (1, 50):
            lat, wall = asyncio.run(_run(url, body, clients, args.requests))
            p50, p99, mean = (
                x * 1000 for x in (_pct(lat, 0.5), _pct(lat, 0.99), statistics.mean(lat))
            )
            print(
                f"  {clients:>2} client(s): p50 {p50:7.0f} ms   p99 {p99:7.0f} ms   "
                f"mean {mean:7.0f} ms   {len(lat) / wall:5.1f} req/s"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    _engine_breakdown(body)


def _engine_breakdown(body: bytes) -> None:
    """The same work in-process, step by step: where a request's time goes."""
    from nidation.api import default_assessor
    from nidation.io.case_file import parse_case_text

    assessor = default_assessor()
    text = body.decode()
    steps: dict[str, list[float]] = {"validate": [], "assess": [], "serialise": []}
    for _ in range(10):
        t0 = time.perf_counter()
        case = parse_case_text(text, fmt="yaml", knowledge=assessor.knowledge)
        t1 = time.perf_counter()
        assessment = assessor.assess(case)
        t2 = time.perf_counter()
        assessment.model_dump_json()
        t3 = time.perf_counter()
        for key, value in zip(steps, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            steps[key].append(value)
    print("in-process, median of 10:")
    for key, values in steps.items():
        print(f"  {key:<10} {statistics.median(values) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
