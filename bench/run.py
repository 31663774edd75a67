"""`make bench`: how the clinic app scales, in ratios that hold on a noisy machine.

For each data size it makes its own PostgreSQL database next to the one DATABASE_URL names
(never touching that one), loads a demo clinic in bulk, serves it with gunicorn and production
settings on 127.0.0.1, and measures each page with wrk for a fixed time: requests per second,
median and 95th-percentile latency. bench/inprocess.py counts each page's SQL queries and times
booking. One table is printed and written as JSON under bench/results/.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.report import evaluate, table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {
    "small": {"locations": 1, "physiotherapists": 4, "patients": 500, "visits": 5_000},
    "large": {"locations": 5, "physiotherapists": 40, "patients": 50_000, "visits": 500_000},
}
WORKERS = 2  # gunicorn workers: the machine has 2 cores, and wrk needs some of one
CONNECTIONS = 4  # wrk's open connections: a few visitors at once, so requests queue a little
ROUNDS = 4  # each page is measured in turns with the baseline, each going first twice


class NotPostgreSQL(SystemExit):
    pass


def bench_database_urls(database_url: str) -> dict[str, str]:
    """The address of each size's own database, on the server DATABASE_URL names."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise NotPostgreSQL(
            "make bench measures the app on PostgreSQL, as it runs in production; "
            f"DATABASE_URL is {database_url or 'not set (SQLite)'}. Set it to a PostgreSQL "
            "server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench "
            "(the benchmark makes its own databases there: ims_bench_small, ims_bench_large)."
        )
    return {size: urlunsplit(parts._replace(path=f"/ims_bench_{size}")) for size in SIZES}


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env={**os.environ, **env}, check=True, **kwargs)  # noqa: S603


def prepare(server_url: str, size: str, url: str, reuse: bool) -> float | None:
    """Make, migrate and fill one size's database; returns the seconds loading took."""
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    connection = psycopg2.connect(server_url)
    connection.autocommit = True  # CREATE DATABASE runs outside a transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not reuse:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not reuse:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    env = {"DEBUG": "1", "DATABASE_URL": url}  # the demo data refuses to load with DEBUG off
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    if exists and reuse:
        print(f"{size}: reusing {name} as it is (--reuse)")
        return None
    numbers = SIZES[size]
    print(f"{size}: loading {numbers['patients']:,} patients into {name}", flush=True)
    started = time.monotonic()
    command = [
        PYTHON,
        "manage.py",
        "load_demo",
        *(f"--{key}={value}" for key, value in numbers.items()),
    ]
    # Its summary is left out; its progress bar (on the error stream) shows.
    run(command, env, stdout=subprocess.PIPE, text=True)
    return round(time.monotonic() - started, 1)


def production_env(url: str, cache_dir: str) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DATABASE_URL": url,
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1
        "SECURE_HSTS_SECONDS": "0",
        # Staff sign in with a second factor where it is required; the benchmark's signed-in
        # visits are made on the server side, so it measures the pages, not the sign-in.
        "REQUIRE_2FA": "0",
        "PAGE_CACHE_DIR": cache_dir,
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "gunicorn", "ims_clinic.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                if get(base + "/health/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /health/ within 30 seconds.")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url: str, cookie: str = "") -> tuple[int, int]:
    """Status and size of one GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    # Only ever the gunicorn started here, on 127.0.0.1.
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def wrk(url: str, cookie: str, seconds: int) -> dict:
    command = ["wrk", "--threads", "1", "--connections", str(CONNECTIONS),
               "--duration", f"{seconds}s", "--timeout", "10s",
               "--script", str(ROOT / "bench" / "latency.lua"), url]  # fmt: skip
    if cookie:
        command[1:1] = ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def combined(runs: list[dict]) -> dict:
    """Several short runs as one: requests per second over them all, the median latencies."""
    requests, elapsed = sum(r["requests"] for r in runs), sum(r["seconds"] for r in runs)
    return {
        "requests": requests,
        "seconds": round(elapsed, 3),
        "rps": round(requests / elapsed, 1),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "bad_status": sum(r["bad_status"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
    }


def measure(size: str, url: str, seconds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="ims-bench-cache-") as cache_dir:
        env = production_env(url, cache_dir)
        with gunicorn(env) as base:
            done = run([PYTHON, "-m", "bench.inprocess"], env, capture_output=True, text=True)
            found = json.loads(done.stdout)
            cookies = {page["path"]: page.get("cookie", "") for page in found["pages"]}
            for page in found["pages"]:
                url, cookie = base + page["path"], page.get("cookie", "")
                against, against_cookie = base + page["against"], cookies[page["against"]]
                status, size_bytes = get(url, cookie)
                if status != 200:
                    raise SystemExit(f"{page['path']} answered {status}, not 200.")
                wrk(url, cookie, 2)  # warm up
                # The page it is read against is measured again with each page, in turns of a
                # few seconds: a ratio of runs that close together holds while other work on
                # the machine comes and goes. Who goes first alternates: of two runs back to
                # back, the second was measurably slower here (about 15%), whichever page it was.
                own, baseline = [], []
                for turn in range(ROUNDS):
                    pair = [(baseline, against, against_cookie), (own, url, cookie)]
                    for runs, address, sent in pair if turn % 2 else reversed(pair):
                        runs.append(wrk(address, sent, max(seconds // ROUNDS, 1)))
                page.update(combined(own))
                paired = page["baseline"] = combined(baseline)
                page["bytes"] = size_bytes
                # A signed-out visit would be redirected to sign in, quickly: make sure not.
                if get(url, cookie)[0] != 200 or page["bad_status"] or page["socket_errors"]:
                    raise SystemExit(f"{page['path']} stopped answering 200 during the run.")
                print(f"{size}: {page['name']:<16} {page['rps']:>8} req/s  "
                      f"p50 {page['p50_ms']:.1f} ms  p95 {page['p95_ms']:.1f} ms  "
                      f"{page['queries']} queries  ({page['against']}: {paired['rps']} req/s, "
                      f"p50 {paired['p50_ms']:.1f} ms)", flush=True)  # fmt: skip
            for page in found["pages"]:
                page.pop("cookie", None)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="small,large", help="Which sizes (small,large).")
    parser.add_argument(
        "--seconds", type=int, default=12, help="How long wrk runs per page (and per baseline)."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Keep loaded benchmark databases (migrate only)."
    )
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL", "")
    urls = bench_database_urls(server_url)
    sizes = [size for size in args.sizes.split(",") if size]
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "gunicorn_workers": WORKERS,
                    "wrk_connections": CONNECTIONS, "seconds_per_page": args.seconds},
        "sizes": {},
    }  # fmt: skip
    for size in sizes:
        load_seconds = prepare(server_url, size, urls[size], args.reuse)
        results["sizes"][size] = {**SIZES[size], "load_seconds": load_seconds}
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        production_env(urls[sizes[0]], tempfile.gettempdir()))  # fmt: skip
    for size in sizes:
        results["sizes"][size].update(measure(size, urls[size], args.seconds))
    results["targets"] = evaluate(results)
    print()
    print(table(results))
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")[:15]
    for name in [f"{stamp}.json", "latest.json"]:
        (folder / name).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to bench/results/{stamp}.json")


if __name__ == "__main__":
    main()
