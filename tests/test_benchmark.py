"""The benchmark measures what it says it does, and docs/performance.md carries its figures.

Speed itself is measured by `make bench` (a script, not a timed test); what is tested here is
that each scenario is what its name claims, against production settings under gunicorn.
"""

import os
import re
from pathlib import Path

from django.conf import settings

from benchmarks.bench import check_scenarios, count_path, scenarios, static_file_path
from benchmarks.harness import collect_static, empty_redis, gunicorn, production_env
from pages.seeding import seed
from tests.support import database_url_for_other_processes, redis_for_test
from tests.translations import publish_in_spanish


def test_each_benchmark_scenario_is_what_its_name_says(transactional_db, tmp_path):
    seed()
    publish_in_spanish()  # as `make bench` publishes it (benchmarks/spanish_guide.py)
    redis_url = os.environ.get("REDIS_URL") or redis_for_test(7)
    empty_redis(redis_url)
    env = production_env(
        database_url_for_other_processes(tmp_path), redis_url, BENCHMARK_REFERENCE_VIEW="on", TRUSTED_PROXY_COUNT="1"
    )
    collect_static(env)
    with gunicorn(env, workers=1) as base:
        # The reference answers "ok"; (b) and (e) bypass the page cache; (c) is served from it
        # with the same page as (b); (d) comes from WhiteNoise as an immutable file; (j) is a count;
        # (k) is the Spanish guide (lang="es-MX", its own address) from the page cache.
        check_scenarios(base, static_file_path(), count_path(base))


def test_the_performance_page_has_a_figure_for_every_scenario_and_names_the_machine():
    page = (Path(settings.BASE_DIR) / "docs" / "performance.md").read_text(encoding="utf-8")
    figures = page[page.index("Latest figures") :]
    assert re.match(r"Latest figures, \d{4}-\d\d-\d\d \d\d:\d\d UTC, on a \d+-core ", figures)
    for name in scenarios("/static/css/site.css", "/count/1/view"):
        row = rf"\| {re.escape(name)} \| \d+ \| \d+\.\d\d \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \|"
        assert re.search(row, figures), f"no figures for {name}"
