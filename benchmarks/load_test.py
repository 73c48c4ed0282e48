"""A bounded load test: 50 clients for 60 seconds on loopback, against two gunicorn instances that
share one PostgreSQL and one Redis, while an editor publishes a guide through the admin.

Readers mix their requests as real ones do: a third of the guide requests carry tracking parameters
(a shared link), and a quarter of all requests revalidate a copy the reader holds (If-None-Match).
Every response must be a 200 or a 304, and every request sent after the publish returned must carry
(or, answered 304, keep) the new content, whichever instance answers. Prints throughput and latency percentiles (p99 included);
exits non-zero on any error or stale response. Usage: make loadtest
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

from benchmarks.bench import machine
from benchmarks.harness import (
    AdminSession,
    empty_redis,
    fresh_postgres_database,
    gunicorn,
    prepare_site,
    production_env,
)

GUIDE = "/guides/nk-cell-therapy/"
PATHS = [GUIDE, "/", "/guides/"]


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
    args = parser.parse_args()

    password = secrets.token_urlsafe(24)  # a throwaway Moderator in the throwaway database
    fresh_postgres_database(args.database_url)
    empty_redis(args.redis_url)
    env = production_env(args.database_url, args.redis_url)
    prepare_site(env, moderator_password=password)

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
    lock = threading.Lock()
    published_at = [None]

    with gunicorn(env, workers=args.workers) as first, gunicorn(env, workers=args.workers) as second:
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
    if errors or stale or not after:
        sys.exit("FAILED: " + (f"{len(errors)} errors " if errors else "") + (f"{len(stale)} stale" if stale else ""))
    print("Passed: no errors, and every response after the publish carried the new content.")


if __name__ == "__main__":
    main()
