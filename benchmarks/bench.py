"""Benchmark the site as production runs it, each figure a ratio to a reference from the same run.

Starts gunicorn with the production settings on loopback, against a throwaway PostgreSQL database
and Redis, and measures with wrk:
  (a) reference: a minimal Django view through the same middleware (present only while benchmarking)
  (b) the guide, uncached: a session cookie keeps every request out of the page cache, as for a
      signed-in editor (a query string no longer does: pages are cached by path, see pages/cache.py)
  (c) the guide from the page cache
  (d) a static file through WhiteNoise
  (e) the list of guides, uncached (the same way): a plain Wagtail page, the floor for any uncached page
Usage: make bench   (or .venv/bin/python -m benchmarks.bench --help)
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

import requests

from benchmarks.harness import PROJECT_DIR, empty_redis, fresh_postgres_database, gunicorn, prepare_site, production_env

GUIDE = "/guides/nk-cell-therapy/"
GUIDE_LIST = "/guides/"
# Any request with a session cookie bypasses the page cache (pages/cache.py); this one signs nobody in.
UNCACHED = {"Cookie": "sessionid=benchmark-uncached"}
TARGETS = {"(c) guide, page cache": 0.8, "(b) guide, uncached": 0.3}


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({model}), {platform.python_implementation()} {platform.python_version()}"


def wrk(url, seconds, connections, threads, headers=None):
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def number(pattern, default=None):
        match = re.search(pattern, out, re.MULTILINE)
        return match.group(1) if match else default

    def ms(text):
        match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text or "")
        if not match:
            raise RuntimeError(f"could not read wrk's output:\n{out}\n{result.stderr}")
        value, unit = match.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(number(r"Non-2xx or 3xx responses: (\d+)", 0)) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    return {
        "requests": int(number(r"(\d+) requests in")),
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "p50": ms(number(r"^\s+50%\s+(\S+)")),
        "p90": ms(number(r"^\s+90%\s+(\S+)")),
        "p99": ms(number(r"^\s+99%\s+(\S+)")),
        "errors": errors,
    }


def static_file_path():
    """The address collectstatic gave the site's stylesheet (hashed, so WhiteNoise serves it as immutable)."""
    manifest = json.loads((PROJECT_DIR / "collected-static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def scenarios(static_path):
    """Each scenario's name, as the figures name it, and the address and headers it requests with."""
    return {
        "(a) reference view": ("/benchmark-reference/", {}),
        "(b) guide, uncached": (GUIDE, UNCACHED),
        "(c) guide, page cache": (GUIDE, {}),
        "(d) static file": (static_path, {}),
        "(e) guide list, uncached": (GUIDE_LIST, UNCACHED),
    }


def check_scenarios(base, static_path):
    """Each URL answers as its scenario claims, before anything is timed."""
    reference = requests.get(base + "/benchmark-reference/", timeout=30)
    assert reference.status_code == 200 and reference.text == "ok", "reference view missing"
    uncached = [requests.get(base + GUIDE, headers=UNCACHED, timeout=30) for _ in range(2)]
    assert all(r.status_code == 200 and "X-Page-Cache" not in r.headers for r in uncached), "(b) was cached"
    guide_list = [requests.get(base + GUIDE_LIST, headers=UNCACHED, timeout=30) for _ in range(2)]
    assert all(r.status_code == 200 and "X-Page-Cache" not in r.headers for r in guide_list), "(e) was cached"
    cached = [requests.get(base + GUIDE, timeout=30) for _ in range(3)]
    assert cached[-1].headers.get("X-Page-Cache") == "hit", "(c) not served from the page cache"
    assert cached[-1].text == uncached[-1].text, "(b) and (c) differ"
    static = requests.get(base + static_path, timeout=30)
    assert static.status_code == 200 and "immutable" in static.headers.get("Cache-Control", ""), "(d) not WhiteNoise"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lmi_bench")
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--seconds", type=int, default=10, help="per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    fresh_postgres_database(args.database_url)
    empty_redis(args.redis_url)
    env = production_env(args.database_url, args.redis_url, BENCHMARK_REFERENCE_VIEW="on")
    prepare_site(env)
    static_path = static_file_path()
    results = {}
    with gunicorn(env, workers=args.workers) as base:
        check_scenarios(base, static_path)
        for name, (path, headers) in scenarios(static_path).items():
            wrk(base + path, 2, args.connections, args.threads, headers)  # warm up
            results[name] = wrk(base + path, args.seconds, args.connections, args.threads, headers)

    reference = results["(a) reference view"]["rps"]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\n{when}; {machine()}; gunicorn {args.workers} sync workers; "
        f"wrk {args.threads} threads, {args.connections} connections, {args.seconds} s per scenario\n"
    )
    print("| scenario | requests/s | ratio to (a) | p50 ms | p90 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    failures = []
    for name, r in results.items():
        ratio = r["rps"] / reference
        print(
            f"| {name} | {r['rps']:.0f} | {ratio:.2f} | {r['p50']:.2f} | {r['p90']:.2f} | {r['p99']:.2f} | {r['errors']} |"
        )
        if r["errors"]:
            failures.append(f"{name}: {r['errors']} errors")
        if name in TARGETS and ratio < TARGETS[name]:
            failures.append(f"{name}: {ratio:.2f} of (a), below the target of {TARGETS[name]}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"when": when, "machine": machine(), "results": results}, out, indent=2)
    if failures:
        print("\nMISSED: " + "; ".join(failures))
        sys.exit(1)
    print("\nAll targets met: (c) >= 0.8 and (b) >= 0.3 of (a), no errors.")


if __name__ == "__main__":
    main()
