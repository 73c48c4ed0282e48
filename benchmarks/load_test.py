"""A bounded load test: 50 clients for 60 seconds on loopback, against two gunicorn instances that
share one PostgreSQL and one Redis, while an editor publishes a guide through the admin.

Readers mix their requests as real ones do: a third of the guide requests carry tracking parameters
(a shared link), and a quarter of all requests revalidate a copy the reader holds (If-None-Match).
Each guide shown (200, or a held copy kept on 304) is followed by its reading count, as the guide's
counter sends it (impact/counting.py), each from an address of its own: every count a new reader.
Every page must be a 200 or a 304 and every count a 204, and every request sent after the publish returned must carry
(or, answered 304, keep) the new content, whichever instance answers. Prints throughput and latency percentiles (p99 included);
exits non-zero on any error or stale response.

Then a second run: the same readers against two instances sharing a redis-server of the run's own,
which is killed --outage-at seconds in and started again (empty) --outage-seconds later. Every
answer must still be a 200 or 304; the p99 latency before, during and after the outage is printed.
Usage: make loadtest
"""

import argparse
import datetime
import os
import secrets
import sys
import threading
import time
from itertools import cycle

import requests

from benchmarks.bench import READER, count_path, machine
from benchmarks.harness import (
    AdminSession,
    RedisServer,
    empty_redis,
    fresh_postgres_database,
    gunicorn,
    prepare_site,
    production_env,
)

GUIDE = "/guides/nk-cell-therapy/"
PATHS = [GUIDE, "/", "/guides/"]


def send_count(session, url):
    """The count a reader's browser sends after the guide is shown, from an address of its own (the
    instances trust one proxy's X-Forwarded-For, as behind Varnish); (status, seconds it took)."""
    address = ".".join(str(secrets.randbelow(254) + 1) for _ in range(4))
    sent = time.monotonic()
    try:
        status = session.post(url, headers={**READER, "X-Forwarded-For": address}, timeout=30).status_code
    except requests.RequestException as error:
        status = type(error).__name__
    return status, time.monotonic() - sent


def count_figures(counts):
    """A line on the counts: how many, errors (anything but 204) and latency percentiles."""
    errors = [c for c in counts if c[2] != 204]
    latencies = sorted(c[1] * 1000 for c in counts) or [float("nan")]
    return (
        f"reading counts: {len(counts)}; errors: {len(errors)}; latency ms: p50 {percentile(latencies, 0.5):.1f}, "
        f"p99 {percentile(latencies, 0.99):.1f}"
    ), errors


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lmi_load")
    )
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--publish-after", type=int, default=20, help="seconds into the run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--outage-at", type=int, default=20, help="seconds into the second run Redis is killed")
    parser.add_argument("--outage-seconds", type=int, default=20, help="how long Redis stays dead")
    parser.add_argument("--only-redis-outage", action="store_true", help="skip the run with the publish")
    args = parser.parse_args()

    password = secrets.token_urlsafe(24)  # a throwaway Moderator in the throwaway database
    fresh_postgres_database(args.database_url)
    if args.only_redis_outage:
        env = production_env(args.database_url, "")  # the shared Redis is not touched: the run has its own
    else:
        empty_redis(args.redis_url)
        env = production_env(args.database_url, args.redis_url)
    env["TRUSTED_PROXY_COUNT"] = "1"  # the counts' X-Forwarded-For (send_count)
    prepare_site(env, moderator_password=password)
    if not args.only_redis_outage:
        publish_run(args, env, password)
    redis_outage_run(args, env)


def publish_run(args, env, password):

    # The editor's draft is made in the same database; readers must not see it until it is published.
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_SETTINGS_MODULE",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "DATABASE_URL",
                "REDIS_URL",
                "SECURE_SSL_REDIRECT",
            )
        }
    )
    import django

    django.setup()
    from pages.models import GuidePage

    new_title = f"NK Cell Therapy guide, revised {secrets.token_hex(4)}"
    guide = GuidePage.objects.get()
    guide.title = new_title
    guide.save_revision()
    marker = new_title.encode()

    results = []  # (sent, latency, status, has_new_content, base)
    counts = []  # (sent, latency, status)
    lock = threading.Lock()
    published_at = [None]

    with gunicorn(env, workers=args.workers) as first, gunicorn(env, workers=args.workers) as second:
        counting = count_path(first)
        deadline = time.monotonic() + args.seconds

        def reader(index):
            # A realistic mix: every third guide request comes from a shared link with tracking
            # parameters, and every fourth request revalidates a copy the reader already holds.
            session = requests.Session()  # says it accepts brotli and gzip, as browsers do
            held = {}  # (base, path) -> (ETag, body) of the last full answer
            targets = cycle(
                [(base, path) for base in (first, second)[index % 2 :] + (first, second)[: index % 2] for path in PATHS]
            )
            count = guide_count = 0
            while time.monotonic() < deadline:
                base, path = next(targets)
                count += 1
                guide_count += path == GUIDE
                url, headers, kind = base + path, {}, "plain"
                if path == GUIDE and guide_count % 3 == 0:
                    url += f"?utm_source=newsletter&utm_medium=email&fbclid={secrets.token_hex(8)}"
                    kind = "tracking"
                if count % 4 == 0 and (base, path) in held:
                    headers["If-None-Match"] = held[base, path][0]
                    kind += "+conditional"
                sent = time.monotonic()
                try:
                    response = session.get(url, headers=headers, timeout=30)
                    status = response.status_code
                    if status == 304:
                        body = held[base, path][1]  # what the reader shows: the copy it holds
                    else:
                        body = response.content
                        held[base, path] = (response.headers.get("ETag"), body)
                    fresh = marker in body
                except requests.RequestException as error:
                    status, fresh = f"{type(error).__name__}", False
                with lock:
                    results.append((sent, time.monotonic() - sent, status, fresh, base, kind))
                if path == GUIDE and status in (200, 304):
                    count_sent = time.monotonic()
                    count_status, took = send_count(session, base + counting)
                    with lock:
                        counts.append((count_sent, took, count_status))

        def editor():
            time.sleep(args.publish_after)
            admin = AdminSession(first)
            admin.log_in("loadtest", password)
            started = time.monotonic()
            admin.publish(guide.id)
            published_at[0] = time.monotonic()
            print(f"published through {first} in {published_at[0] - started:.3f} s")

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.clients)]
        threads.append(threading.Thread(target=editor))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    if published_at[0] is None:
        sys.exit("the publish did not happen")
    errors = [r for r in results if r[2] not in (200, 304)]
    after = [r for r in results if r[0] >= published_at[0]]
    stale = [r for r in after if not r[3]]
    latencies = sorted(r[1] * 1000 for r in results)
    duration = max(r[0] + r[1] for r in results) - min(r[0] for r in results)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\n{when}; {machine()}")
    print(
        f"{args.clients} clients, {args.seconds} s, two gunicorn instances x {args.workers} workers, PostgreSQL + Redis"
    )
    print(f"requests: {len(results)} ({len(results) / duration:.0f}/s); errors: {len(errors)}")
    tracking = sum("tracking" in r[5] for r in results)
    conditional = [r for r in results if "conditional" in r[5]]
    not_modified = sum(r[2] == 304 for r in conditional)
    print(
        f"guide requests with tracking parameters: {tracking}; conditional requests: {len(conditional)} "
        f"({not_modified} answered 304 Not Modified)"
    )
    print(
        f"latency ms: p50 {percentile(latencies, 0.5):.1f}, p90 {percentile(latencies, 0.9):.1f}, p99 {percentile(latencies, 0.99):.1f}, max {latencies[-1]:.1f}"
    )
    print(
        f"after the publish returned: {len(after)} responses from both instances, "
        f"{len(after) - len(stale)} with the new content, {len(stale)} stale"
    )
    counted, count_errors = count_figures(counts)
    print(counted + " (not in the figures above, which are the pages')")
    errors += count_errors
    if errors or stale or not after or not counts:
        sys.exit("FAILED: " + (f"{len(errors)} errors " if errors else "") + (f"{len(stale)} stale" if stale else ""))
    print("Passed: no errors, and every response after the publish carried the new content.")


def redis_outage_run(args, env):
    """Readers against two instances whose own Redis is killed, then started again (empty)."""
    import tempfile

    results = []  # (sent, latency, status)
    counts = []  # (sent, latency, status)
    lock = threading.Lock()
    with tempfile.TemporaryDirectory() as workdir:
        redis = RedisServer(workdir).start()
        outage_env = dict(env, REDIS_URL=redis.url)
        try:
            with (
                gunicorn(outage_env, workers=args.workers) as first,
                gunicorn(outage_env, workers=args.workers) as second,
            ):
                counting = count_path(first)
                started = time.monotonic()
                deadline = started + args.seconds
                outage = [started + args.outage_at, started + args.outage_at + args.outage_seconds]

                def reader(index):
                    session = requests.Session()
                    targets = cycle([(base, path) for base in (first, second) for path in PATHS][index % 6 :])
                    while time.monotonic() < deadline:
                        base, path = next(targets)
                        sent = time.monotonic()
                        try:
                            status = session.get(base + path, timeout=30).status_code
                        except requests.RequestException as error:
                            status = type(error).__name__
                        with lock:
                            results.append((sent, time.monotonic() - sent, status))
                        if path == GUIDE and status == 200:
                            count_sent = time.monotonic()
                            count_status, took = send_count(session, base + counting)
                            with lock:
                                counts.append((count_sent, took, count_status))

                def operator():
                    time.sleep(max(0.0, outage[0] - time.monotonic()))
                    redis.kill()
                    outage[0] = time.monotonic()
                    print(f"Redis killed {outage[0] - started:.1f} s in")
                    time.sleep(args.outage_seconds)
                    redis.start()
                    outage[1] = time.monotonic()
                    print(f"Redis started again (empty) {outage[1] - started:.1f} s in")

                threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.clients)]
                threads.append(threading.Thread(target=operator))
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            redis.stop()

    def p99(rows):
        return percentile(sorted(r[1] * 1000 for r in rows), 0.99) if rows else float("nan")

    errors = [r for r in results if r[2] not in (200, 304)]
    before = [r for r in results if r[0] < outage[0]]
    during = [r for r in results if outage[0] <= r[0] < outage[1]]
    after = [r for r in results if r[0] >= outage[1]]
    print(
        f"\nRedis outage: {args.clients} clients, {args.seconds} s, Redis dead from {args.outage_at} s for {args.outage_seconds} s"
    )
    print(f"requests: {len(results)}; errors: {len(errors)}")
    print(
        f"p99 latency ms: before {p99(before):.1f} ({len(before)} requests), during the outage {p99(during):.1f} "
        f"({len(during)}), after {p99(after):.1f} ({len(after)})"
    )
    counted, count_errors = count_figures(counts)
    print(counted + " (answered 204 throughout; while Redis was dead nothing was counted)")
    errors += count_errors
    if errors or not during:
        sys.exit(f"FAILED: {len(errors)} errors to readers while Redis was away" if errors else "FAILED: no outage")
    print("Passed: no errors to readers while Redis was dead, and none after it came back.")


if __name__ == "__main__":
    main()
