"""Benchmark the site as production runs it, each figure a ratio to a reference from the same run.

Starts gunicorn with the production settings on loopback, against a throwaway PostgreSQL database
and Redis, Debian's varnishd in front of it (deploy/varnish.vcl) and Debian's nginx beside it, and
measures with wrk. Requests for pages say what a browser accepts (brotli), as readers' browsers do.
  (a) reference: a minimal Django view through the same middleware (present only while benchmarking)
  (b) the guide with nothing kept: a second gunicorn on the same database with no Redis, so no page,
      route, setting or rendered body is kept: what drawing the guide from scratch costs
  (c) the guide from the page cache
  (d) a static file through WhiteNoise
  (e) the list of guides, uncached: a session cookie keeps it out of the page cache (as for an editor)
  (f) the guide through Varnish
  (g) the same bytes as (f), served by nginx as a static file: the limit on this machine
  (h) the guide with a random ?fbclid= on every request, through gunicorn
  (i) a page-cache miss: the guide for a reader the page cache skips (a session cookie that signs
      nobody in, as for an editor reading a live page), with what is kept between misses
  (j) a reading count, as the guide's counter sends it with JavaScript (impact/counting.py): an empty
      POST from a browser, each from an address of its own (X-Forwarded-For, as Varnish sends it), so
      each is a new reader: the dearest count. It lands only in this run's throwaway database.
  (k) the Spanish guide from the page cache, and (l) through Varnish: each timed right after its
      English counterpart, (c) and (f), and held to the same targets and to 0.9 of it. The run's
      database has the guide's Spanish version published through Medical review
      (benchmarks/spanish_guide.py): the English guide's body under a stand-in Spanish title.
Usage: make bench   (or .venv/bin/python -m benchmarks.bench --help)
"""

import argparse
import datetime
import difflib
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import brotli
import requests

from benchmarks.harness import (
    PROJECT_DIR,
    empty_redis,
    free_port,
    fresh_postgres_database,
    gunicorn,
    prepare_site,
    production_env,
    varnishd,
)
from delivery.http import FAST_COPY_SHARED_SECONDS

GUIDE = "/guides/nk-cell-therapy/"
SPANISH_GUIDE = "/es/guias/nk-cell-therapy/"
GUIDE_LIST = "/guides/"
# Any request with a session cookie bypasses the page cache (delivery/cache.py); this one signs nobody in.
UNCACHED = {"Cookie": "sessionid=benchmark-uncached"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# A page-cache miss cost 0.04 of (a) before this issue (docs/performance.md, figures of 2026-11-27 12:25 UTC).
MISS_RATIO_BEFORE = 0.04
# The Spanish guide is "as fast as the English one" at this ratio or more (same run).
SAME_SPEED = 0.9
# Each target: (scenario, least ratio, the scenario it is a ratio of).
TARGETS = [
    ("(c) guide, page cache", 0.8, "(a) reference view"),
    ("(f) guide through Varnish", 0.5, "(g) same bytes from nginx"),
    ("(h) guide with a random fbclid", 0.8, "(c) guide, page cache"),
    ("(i) guide, page-cache miss", 2 * MISS_RATIO_BEFORE, "(a) reference view"),
    ("(j) reading count", 0.8, "(c) guide, page cache"),
    # Issue 21: the Spanish guide as fast as the English one. The same least ratios as (c) and (f),
    # and at least 0.9 of its English counterpart: "as fast", with the tenth that two runs of the
    # same page differ by on this shared machine.
    ("(k) Spanish guide, page cache", 0.8, "(a) reference view"),
    ("(k) Spanish guide, page cache", SAME_SPEED, "(c) guide, page cache"),
    ("(l) Spanish guide through Varnish", 0.5, "(g) same bytes from nginx"),
    ("(l) Spanish guide through Varnish", SAME_SPEED, "(f) guide through Varnish"),
]
# What a reader's browser sends with a count; programs (wrk sends no user agent) are not counted.
READER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
}
# Each count from another address, as from another reader (the app trusts one proxy in front).
COUNT_FROM_EVERYWHERE = """
counter = 0
init = function(args)
    math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
    counter = counter + 1
    wrk.headers["X-Forwarded-For"] = math.random(1, 223) .. "." .. math.random(0, 255) .. "." ..
        math.random(0, 255) .. "." .. (counter % 254 + 1)
    return wrk.format("POST", wrk.path)
end
"""
RANDOM_FBCLID = """
counter = 0
request = function()
    counter = counter + 1
    return wrk.format(nil, wrk.path .. "?fbclid=" .. math.random(1, 1000000000) .. "x" .. counter)
end
"""


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({model}), {platform.python_implementation()} {platform.python_version()}"


def wrk(url, seconds, connections, threads, headers=None, script=None):
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    script_args = ["-s", script] if script else []
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, *script_args, url],
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


def scenarios(static_path, count_path):
    """Each scenario's name, as the figures name it, and which server, address and headers it uses."""
    return {
        "(a) reference view": ("app", "/benchmark-reference/", {}),
        "(b) guide, nothing kept": ("app without Redis", GUIDE, BROWSER),
        "(c) guide, page cache": ("app", GUIDE, BROWSER),
        "(d) static file": ("app", static_path, {}),
        "(e) guide list, uncached": ("app", GUIDE_LIST, UNCACHED),
        "(f) guide through Varnish": ("varnish", GUIDE, BROWSER),
        "(g) same bytes from nginx": ("nginx", "/guide.html", BROWSER),
        "(h) guide with a random fbclid": ("app", GUIDE, BROWSER),
        "(i) guide, page-cache miss": ("app", GUIDE, {**BROWSER, **UNCACHED}),
        "(j) reading count": ("app", count_path, READER),
        "(k) Spanish guide, page cache": ("app", SPANISH_GUIDE, BROWSER),
        "(l) Spanish guide through Varnish": ("varnish", SPANISH_GUIDE, BROWSER),
    }


# Each Spanish scenario is timed straight after its English counterpart, so that the two meet the
# same moment of a shared machine's load; the figures are printed in the scenarios' order.
TIMED_AFTER = {
    "(c) guide, page cache": "(k) Spanish guide, page cache",
    "(f) guide through Varnish": "(l) Spanish guide through Varnish",
}


def timing_order(names):
    later = set(TIMED_AFTER.values())
    order = []
    for name in names:
        if name not in later:
            order.append(name)
            if name in TIMED_AFTER:
                order.append(TIMED_AFTER[name])
    return order


def count_path(base):
    """Where the guide's counter sends a view: read from the guide, as the browser does."""
    page = requests.get(base + GUIDE, timeout=30).text
    return re.search(r'data-count-view="(/count/[0-9]+/view)"', page).group(1)


def same_page(response, server, other, other_server):
    """The same page, but for the address each server put into its canonical link."""
    mine, theirs = response.text.replace(server, ""), other.text.replace(other_server, "")
    if mine != theirs:
        lines = difflib.unified_diff(theirs.splitlines(), mine.splitlines(), lineterm="", n=0)
        print("\n".join(line[:300] for line in list(lines)[:20]), file=sys.stderr)
    return mine == theirs


def decode(response):
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.raw_bytes)
    if encoding == "gzip":
        return gzip.decompress(response.raw_bytes)
    return response.raw_bytes


def spanish(response, name):
    """The Spanish guide itself: not a 404, not the English guide, the page saying it is Spanish."""
    assert response.status_code == 200, f"{name}: the Spanish guide answered {response.status_code}"
    assert re.search(r'<html lang="es-MX"', response.text), f"{name}: not the Spanish page (lang)"
    canonical = re.search(r'<link rel="canonical" href="([^"]*)"', response.text)
    assert canonical and canonical.group(1).endswith(SPANISH_GUIDE), f"{name}: not the Spanish guide's address"


def check_scenarios(base, static_path, counting, bare=None, varnish=None, nginx=None):
    """Each URL answers as its scenario claims, before anything is timed."""
    counted = requests.post(base + counting, headers={**READER, "X-Forwarded-For": "192.0.2.1"}, timeout=30)
    assert counted.status_code == 204 and not counted.cookies, "(j) not answered as a count"
    assert requests.post(base + counting + "x", headers=READER, timeout=30).status_code == 404, "(j) not checked"
    reference = requests.get(base + "/benchmark-reference/", timeout=30)
    assert reference.status_code == 200 and reference.text == "ok", "reference view missing"
    uncached = [requests.get(base + GUIDE, headers=UNCACHED, timeout=30) for _ in range(2)]
    assert all(r.status_code == 200 and "X-Page-Cache" not in r.headers for r in uncached), "(i) was cached"
    guide_list = [requests.get(base + GUIDE_LIST, headers=UNCACHED, timeout=30) for _ in range(2)]
    assert all(r.status_code == 200 and "X-Page-Cache" not in r.headers for r in guide_list), "(e) was cached"
    cached = [requests.get(base + GUIDE, headers=BROWSER, timeout=30) for _ in range(3)]
    assert cached[-1].headers.get("X-Page-Cache") == "hit", "(c) not served from the page cache"
    assert cached[-1].headers.get("Content-Encoding") == "br", "(c) not compressed"
    assert cached[-1].text == uncached[-1].text, "(c) and (i) differ"
    spanish_uncached = requests.get(base + SPANISH_GUIDE, headers=UNCACHED, timeout=30)
    spanish(spanish_uncached, "(k)")
    assert "X-Page-Cache" not in spanish_uncached.headers, "the Spanish guide drawn uncached was cached"
    spanish_cached = [requests.get(base + SPANISH_GUIDE, headers=BROWSER, timeout=30) for _ in range(3)]
    for response in spanish_cached:
        spanish(response, "(k)")
    assert spanish_cached[-1].headers.get("X-Page-Cache") == "hit", "(k) not served from the page cache"
    assert spanish_cached[-1].headers.get("Content-Encoding") == "br", "(k) not compressed"
    assert spanish_cached[-1].text == spanish_uncached.text != cached[-1].text, "(k) is not the Spanish guide as drawn"
    tracked = requests.get(base + GUIDE + "?fbclid=benchmark-check", headers=BROWSER, timeout=30)
    assert tracked.headers.get("X-Page-Cache") == "hit" and tracked.text == cached[-1].text, "(h) not a hit"
    static = requests.get(base + static_path, timeout=30)
    assert static.status_code == 200 and "immutable" in static.headers.get("Cache-Control", ""), "(d) not WhiteNoise"
    if bare:
        nothing_kept = [requests.get(bare + GUIDE, headers=BROWSER, timeout=30) for _ in range(2)]
        assert all("X-Page-Cache" not in r.headers for r in nothing_kept), "(b) was cached"
        assert same_page(nothing_kept[-1], bare, cached[-1], base), "(b) and (c) differ"
    if varnish:
        through = [requests.get(varnish + GUIDE, headers=BROWSER, timeout=30, stream=True) for _ in range(2)]
        through[-1].raw_bytes = through[-1].raw.read()
        through[-1]._content = decode(through[-1])
        assert int(through[-1].headers.get("Age", "0")) >= 0 and len(through[-1].headers["X-Varnish"].split()) == 2, (
            "(f) not a Varnish hit"
        )
        assert same_page(through[-1], varnish, cached[-1], base), "(f) and (c) differ"
        spanish_through = [requests.get(varnish + SPANISH_GUIDE, headers=BROWSER, timeout=30) for _ in range(2)]
        for response in spanish_through:
            spanish(response, "(l)")
        assert len(spanish_through[-1].headers["X-Varnish"].split()) == 2, "(l) not a Varnish hit"
        assert spanish_through[-1].headers.get("Content-Encoding") == "br", "(l) not compressed"
        assert same_page(spanish_through[-1], varnish, spanish_cached[-1], base), "(l) and (k) differ"
    if nginx:
        same = requests.get(nginx + "/guide.html", headers=BROWSER, timeout=30, stream=True)
        same._content = same.raw.read()
        assert same.content == through[-1].raw_bytes, "(g) is not the same bytes as (f)"
        assert int(through[-1].headers.get("Content-Length", 0)) == len(same.content)


@contextmanager
def nginx(document_root):
    """Debian's nginx serving one directory on a free loopback port, as a static-file server would."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed: `make bench` installs Debian's nginx-light")
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        config = Path(workdir) / "nginx.conf"
        temp = {name: Path(workdir) / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        config.write_text(
            f"""daemon off;
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    server {{
        listen 127.0.0.1:{port};
        root {document_root};
        location / {{
            default_type "text/html; charset=utf-8";
            add_header Content-Encoding br;
            add_header Vary Accept-Encoding;
        }}
    }}
}}
"""
        )
        process = subprocess.Popen([binary, "-c", str(config), "-p", workdir], stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    requests.get(base + "/", timeout=2)
                    break
                except requests.ConnectionError:
                    if process.poll() is not None:
                        raise RuntimeError("nginx stopped: " + process.stderr.read()) from None
                    subprocess.run(["sleep", "0.1"], check=True)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


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
    # One proxy in front, whose X-Forwarded-For names the reader (as Varnish's does): (j)'s addresses.
    env = production_env(args.database_url, args.redis_url, BENCHMARK_REFERENCE_VIEW="on", TRUSTED_PROXY_COUNT="1")
    prepare_site(env, spanish_guide=True)
    static_path = static_file_path()
    results = {}
    bare_env = dict(env, REDIS_URL="")  # production without Redis keeps nothing (lmi_site/settings/production.py)
    with (
        gunicorn(env, workers=args.workers) as base,
        gunicorn(bare_env, workers=args.workers) as bare,
        tempfile.TemporaryDirectory() as workdir,
        varnishd(int(base.rsplit(":", 1)[1]), free_port(), Path(workdir) / "varnish") as varnish,
    ):
        # The bytes every reader after the first gets through Varnish: the first fetch is compressed
        # quickly and kept 2 s (delivery/http.py); after that Varnish holds the best-compressed copy.
        # Once it is stale, Varnish serves the quick copy while it fetches the best one (grace).
        for path in (GUIDE, SPANISH_GUIDE):
            requests.get(varnish + path, headers=BROWSER, timeout=30)
        time.sleep(FAST_COPY_SHARED_SECONDS + 1)
        guide_bytes = None
        for _ in range(20):
            latest = requests.get(varnish + GUIDE, headers=BROWSER, timeout=30, stream=True).raw.read()
            if latest == guide_bytes:
                break
            guide_bytes = latest
            time.sleep(0.5)
        os.chmod(workdir, 0o755)  # nginx's workers, as nobody, read the file
        (Path(workdir) / "www").mkdir()
        (Path(workdir) / "www" / "guide.html").write_bytes(guide_bytes)
        with nginx(Path(workdir) / "www") as static_server:
            counting = count_path(base)
            check_scenarios(base, static_path, counting, bare=bare, varnish=varnish, nginx=static_server)
            servers = {"app": base, "app without Redis": bare, "varnish": varnish, "nginx": static_server}
            with (
                tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
                tempfile.NamedTemporaryFile("w", suffix=".lua") as count_script,
            ):
                script.write(RANDOM_FBCLID)
                script.flush()
                count_script.write(COUNT_FROM_EVERYWHERE)
                count_script.flush()
                lua_of = {"(h) guide with a random fbclid": script.name, "(j) reading count": count_script.name}
                each = scenarios(static_path, counting)
                for name in timing_order(each):
                    server, path, headers = each[name]
                    lua = lua_of.get(name)
                    url = servers[server] + path
                    wrk(url, 2, args.connections, args.threads, headers, lua)  # warm up
                    results[name] = wrk(url, args.seconds, args.connections, args.threads, headers, lua)
            results["(f) guide through Varnish"]["bytes"] = len(guide_bytes)
            spanish_bytes = requests.get(varnish + SPANISH_GUIDE, headers=BROWSER, timeout=30, stream=True).raw.read()
            results["(l) Spanish guide through Varnish"]["bytes"] = len(spanish_bytes)
        results = {name: results[name] for name in scenarios(static_path, counting)}

    reference = results["(a) reference view"]["rps"]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\n{when}; {machine()}; gunicorn {args.workers} sync workers; "
        f"wrk {args.threads} threads, {args.connections} connections, {args.seconds} s per scenario; "
        f"the guide is {len(guide_bytes)} bytes on the wire (brotli), the Spanish guide {len(spanish_bytes)}\n"
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
    print()
    for name, least, of in TARGETS:
        ratio = results[name]["rps"] / results[of]["rps"]
        met = ratio >= least
        print(f"{name}: {ratio:.2f} of {of} (target {least:.2f}) {'met' if met else 'MISSED'}")
        if not met:
            failures.append(f"{name}: {ratio:.2f} of {of}, below the target of {least:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"when": when, "machine": machine(), "results": results}, out, indent=2)
    if failures:
        print("\nMISSED: " + "; ".join(failures))
        sys.exit(1)
    print("\nAll targets met, no errors.")


if __name__ == "__main__":
    main()
