"""Counting readers of a guide: a separate request the app answers 204, with the rules of impact/counting.py.

Through the page cache and the test client. Through Varnish and `make serve`:
test_counting_in_production.py; what the browser sends: test_counting_in_browser.py.
"""

import datetime
import json
import logging

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from impact.counting import flush
from impact.models import DailyFigures
from impact.tests.support import CHROME, FIREFOX, GOOGLEBOT, HEADLESS, SAFARI, count, periods_table, weeks_table
from tests.support import GUIDE_URL


def figures_of(guide, day=None):
    """The stored totals of one day (today unless named), after counts waiting in the cache are moved."""
    flush()
    row = DailyFigures.objects.filter(guide=guide, date=day or timezone.localdate()).first()
    return (row.views, row.readers, row.reached_end) if row else (0, 0, 0)


# --- what the page carries ---------------------------------------------------------------------


def test_the_guide_carries_its_counter_and_stays_the_same_bytes_for_every_reader(client, guide):
    first = client.get(GUIDE_URL, HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.1")
    second = Client().get(GUIDE_URL, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.7")
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    soup = BeautifulSoup(first.content, "html.parser")
    counter = soup.select_one("article.guide .reading-counter")
    assert counter["data-count-view"] == f"/count/{guide.pk}/view"
    assert counter["data-count-end"] == f"/count/{guide.pk}/end"
    # Where the guide's own sections end, before the clinic's invitation that follows them.
    assert "guide-section" in counter.find_previous_sibling("section")["class"]
    assert counter.find_next_sibling("div")["class"] == ["consultation", "consultation-card"]
    assert soup.select_one("script[src$='js/reading-counter.js']")
    # Without JavaScript the image asks for the same count; no inline script anywhere.
    noscript = BeautifulSoup(soup.select_one("article.guide noscript").decode_contents(), "html.parser")
    assert noscript.img["src"] == f"/count/{guide.pk}/view" and noscript.img["alt"] == ""
    assert all(script.get("src") for script in soup.select("script:not([type='application/ld+json'])"))
    # Counting sets no cookie, on the page or the count.
    assert not first.cookies and not count(client, guide.pk).cookies


def test_a_preview_of_the_guide_counts_nobody(guide):
    response = guide.make_preview_request()
    assert response.status_code == 200
    assert b"data-count-view" not in response.content and b"/count/" not in response.content


# --- the known set of visits, and every number the report shows ------------------------------------


def at(moment):
    """Monkeypatching target: the clinic's clock stands at `moment` (aware)."""
    return lambda: moment


def test_a_known_set_of_visits_gives_each_number_in_the_report(client, guide, make_staff, monkeypatch):
    from consultations.models import ConsultationRequest
    from feedback.models import GuideFeedback

    real_now = timezone.now()
    today = timezone.localdate(real_now)
    yesterday = today - datetime.timedelta(days=1)
    noon = datetime.time(12, 0)
    monkeypatch.setattr(timezone, "now", at(timezone.make_aware(datetime.datetime.combine(yesterday, noon))))

    def reader(agent, address, javascript=True, reaches_end=True):
        # The page (from the page cache after the first), then what its counter sends.
        page = Client().get(GUIDE_URL, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
        assert page.status_code == 200
        assert count(client, guide.pk, "view", agent, address, javascript).status_code == 204
        if javascript and reaches_end:
            assert count(client, guide.pk, "end", agent, address).status_code == 204
        return page

    # Yesterday.
    reader(CHROME, "203.0.113.1")  # A, with JavaScript, reads to the end
    assert reader(CHROME, "203.0.113.1")["X-Page-Cache"] == "hit"  # A reloads: a view, the same reader
    reader(FIREFOX, "203.0.113.2", javascript=False)  # B, without JavaScript
    reader(SAFARI, "203.0.113.1", reaches_end=False)  # C, on A's connection, another browser, stops early
    reader(GOOGLEBOT, "66.249.66.1")  # robots
    reader(HEADLESS, "192.0.2.50")
    assert client.get("/healthz").status_code == 200  # the load balancer's check
    assert count(client, guide.pk, "end", FIREFOX, "192.0.2.99").status_code == 204  # an end with no view
    # Today.
    monkeypatch.setattr(timezone, "now", at(timezone.make_aware(datetime.datetime.combine(today, noon))))
    reader(CHROME, "203.0.113.1")  # A again: a reader again on a new day
    reader(FIREFOX, "203.0.113.2", javascript=False)  # B again

    clinic_noon = timezone.make_aware(datetime.datetime.combine(yesterday, noon))
    for helpful in (True, True, False):
        GuideFeedback.objects.create(guide=guide, helpful=helpful, received_at=clinic_noon)
    GuideFeedback.objects.create(guide=guide, helpful=False, received_at=clinic_noon + datetime.timedelta(days=1))
    # Long ago: in the 90 days before the last 90, not in any recent period.
    GuideFeedback.objects.create(guide=guide, helpful=True, received_at=clinic_noon - datetime.timedelta(days=100))
    request = dict(email="p@example.com", country="Mexico", treatment="NK cell therapy", consented_at=clinic_noon)
    ConsultationRequest.objects.create(
        submission_token="00000000-0000-0000-0000-000000000001",
        sent_from=guide,
        received_at=clinic_noon,
        full_name="From the guide",
        **request,
    )
    ConsultationRequest.objects.create(
        submission_token="00000000-0000-0000-0000-000000000002",
        received_at=clinic_noon,
        full_name="From elsewhere",
        **request,
    )

    _, staff = make_staff("Moderators")
    html = staff.get("/admin/reports/guide-impact/").content.decode()
    table = periods_table(html, guide.title)
    # Counting began yesterday: the periods before are unknown, not nought, and the last ones are
    # marked as counted from then.
    assert table["Views"] == {
        "Last 30 days": "6 *",
        "30 days before": "Not counted yet",
        "Last 90 days": "6 *",
        "90 days before": "Not counted yet",
    }
    assert f"* Counted from {yesterday.day} {yesterday:%B %Y} only" in html
    assert table["Readers"]["Last 30 days"] == "5 *"  # A, B, C yesterday; A, B today
    assert table["Reached the end"]["Last 30 days"] == "40% (2 of 5 readers) *"  # A on each day
    assert table["Found it helpful"] == {
        "Last 30 days": "50% (2 of 4 answers)",
        "30 days before": "No answers",
        "Last 90 days": "50% (2 of 4 answers)",
        "90 days before": "100% (1 of 1 answers)",
    }
    assert table["Consultation requests"] == {
        "Last 30 days": "1",
        "30 days before": "0",
        "Last 90 days": "1",
        "90 days before": "0",
    }
    assert figures_of(guide, yesterday) == (4, 3, 1) and figures_of(guide, today) == (2, 2, 1)
    weeks = weeks_table(html, guide.title)
    assert len(weeks) == 12
    assert weeks[-1][1] == {
        "Views": "6",
        "Readers": "5",
        "Reached the end": "40% (2 of 5 readers)",
        "Found it helpful": "50% (2 of 4 answers)",
        "Consultation requests": "1",
    }
    # The week before counting began: unknown, not nought, for what the counter counts.
    assert weeks[-2][1] == {
        "Views": "Not counted yet",
        "Readers": "Not counted yet",
        "Reached the end": "Not counted yet",
        "Found it helpful": "No answers",
        "Consultation requests": "0",
    }
    # The chart above the table shows the same: one bar (the last week) for views.
    soup = BeautifulSoup(html, "html.parser")
    views_chart = soup.select("section.impact-guide figure")[0]
    assert views_chart.figcaption.get_text() == "Views, week by week"
    assert len(views_chart.select("rect")) == 1
    assert [t.get_text() for t in views_chart.select("text.impact-chart__figure")] == ["–"] * 11 + ["6"]
    # Opening the report again moves nothing twice.
    again = periods_table(staff.get("/admin/reports/guide-impact/").content.decode(), guide.title)
    assert again == table


# --- what is refused, and what is not counted ------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, extra, status, says",
    [
        ("POST", "/count/{id}/read", {}, 404, "Not a count"),
        ("POST", "/count/{id}", {}, 404, "Not a count"),
        ("POST", "/count/x/view", {}, 404, "Not a count"),
        ("POST", "/count/9999999/view", {}, 404, "No published guide has the number 9999999"),
        ("PUT", "/count/{id}/view", {}, 405, "GET or POST"),
        ("HEAD", "/count/{id}/view", {}, 405, ""),
        ("POST", "/count/{id}/view?utm_source=x", {}, 400, "no query string"),
        ("POST", "/count/{id}/view", {"data": "x" * 10, "content_type": "text/plain"}, 413, "carries no body"),
        ("POST", "/count/{id}/view", {"HTTP_USER_AGENT": "Mozilla/5.0 " + "x" * 600}, 431, "longer than 512"),
    ],
)
def test_nonsense_is_refused_with_a_clear_answer_and_counts_nothing(client, guide, method, path, extra, status, says):
    extra = {"HTTP_USER_AGENT": CHROME, **extra}
    response = client.generic(method, path.format(id=guide.pk), **extra)
    assert response.status_code == status
    assert says in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert figures_of(guide) == (0, 0, 0)


def test_a_guide_not_published_or_not_public_is_not_counted(client, guide):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=guide, restriction_type="login")
    assert count(client, guide.pk).status_code == 404
    restriction.delete()
    assert count(client, guide.pk).status_code == 204
    guide.unpublish()
    assert count(client, guide.pk).status_code == 404
    assert figures_of(guide) == (1, 1, 0)


@pytest.mark.parametrize(
    "agent",
    [
        GOOGLEBOT,
        HEADLESS,
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "kube-probe/1.29",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome-Lighthouse",
        "",
        None,
    ],
)
def test_robots_checks_and_programs_are_answered_but_not_counted(client, guide, agent):
    assert count(client, guide.pk, "view", agent).status_code == 204
    assert count(client, guide.pk, "end", agent).status_code == 204
    assert figures_of(guide) == (0, 0, 0)


def test_one_address_cannot_inflate_a_guide_without_limit(client, guide, settings, monkeypatch):
    settings.READING_COUNTS_PER_ADDRESS_PER_HOUR = 5
    nine = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9, 5)))
    monkeypatch.setattr(timezone, "now", at(nine))
    # One address, many "browsers": five views are counted in the hour, then each is refused.
    answers = [count(client, guide.pk, agent=f"{CHROME} {n}", address="203.0.113.9").status_code for n in range(8)]
    assert answers == [204] * 5 + [429] * 3
    refused = count(client, guide.pk, address="203.0.113.9")
    assert "counted often enough from your address this hour" in refused.content.decode()
    # Other addresses are not held back by it; the next hour it counts again.
    assert count(client, guide.pk, address="198.51.100.20").status_code == 204
    monkeypatch.setattr(timezone, "now", at(nine + datetime.timedelta(hours=1)))
    assert count(client, guide.pk, agent=f"{CHROME} 0", address="203.0.113.9").status_code == 204
    # Views: 5 + 1 + 1; readers: the five browsers, the other address; the sixth browser is the first's again.
    assert figures_of(guide) == (7, 6, 0)


def test_the_end_counts_once_a_day_for_a_reader_seen_that_day(client, guide):
    assert count(client, guide.pk, "end").status_code == 204  # no view yet: nothing
    count(client, guide.pk, "view")
    for _ in range(3):
        count(client, guide.pk, "end")
    count(client, guide.pk, "view")  # a reload
    assert figures_of(guide) == (2, 1, 1)


def test_without_a_shared_cache_nothing_is_counted_and_nothing_breaks(client, guide, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert count(client, guide.pk).status_code == 204
    assert count(client, guide.pk, "end").status_code == 204
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert figures_of(guide) == (0, 0, 0)


def test_counts_wait_in_the_cache_until_moved_and_are_moved_once(client, guide):
    for address in ("203.0.113.1", "203.0.113.2"):
        count(client, guide.pk, address=address)
    flush()
    flush()
    count(client, guide.pk, address="203.0.113.3")
    assert figures_of(guide) == (3, 3, 0)
    assert DailyFigures.objects.count() == 1


# --- nothing about the reader is kept -----------------------------------------------------------


def test_after_a_counted_visit_the_database_and_logs_hold_no_address_agent_or_identifier(
    client, guide, caplog, tmp_path
):
    from django.core.cache import cache

    from impact.counting import _keyed_hash, day_key

    caplog.set_level(logging.DEBUG)
    address, agent = "203.0.113.77", "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbe/4.2 Firefox/133.0"
    Client().get(GUIDE_URL, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    assert count(client, guide.pk, "view", agent, address).status_code == 204
    assert count(client, guide.pk, "end", agent, address).status_code == 204
    assert count(client, guide.pk, "view", agent, address, javascript=False).status_code == 204
    assert figures_of(guide) == (2, 1, 1)
    # What could name the reader: the address, the browser, and the day's hash of them.
    key = day_key(cache, timezone.localdate())
    secrets_ = [address, agent, "PrivacyProbe", key.decode(), _keyed_hash(key, address, agent, str(guide.pk))]
    dump = tmp_path / "everything.json"
    call_command("dumpdata", "--all", "--output", str(dump), verbosity=0)
    stored = dump.read_text()
    assert '"model": "impact.dailyfigures"' in stored
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    for secret in secrets_:
        assert secret not in stored, secret
        assert secret not in logged, secret
    assert json.loads(stored)  # the dump is whole


# --- on a real Redis: one round trip, and nothing counted while it is away -------------------------


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own (its own port: no database number shared with other tests)."""
    from django.test import override_settings

    from benchmarks.harness import redis_server
    from lmi_site import shared_cache

    with redis_server(tmp_path / "redis") as server:
        cache = {"default": {"BACKEND": "lmi_site.shared_cache.SharedRedisCache", "LOCATION": server.url}}
        with override_settings(CACHES=cache):
            yield server
        breaker = shared_cache._breaker_for(server.url)
        breaker.open, breaker.last_logged = False, float("-inf")


def test_on_redis_a_count_is_one_script_and_while_redis_is_away_nothing_is_counted(client, guide, own_redis):
    import time

    from django.core.cache import caches

    assert count(client, guide.pk, address="203.0.113.1").status_code == 204
    assert count(client, guide.pk, "end", address="203.0.113.1").status_code == 204
    assert figures_of(guide) == (1, 1, 1)
    own_redis.kill()
    started = time.monotonic()
    for address in ("203.0.113.2", "203.0.113.3"):
        assert count(client, guide.pk, address=address).status_code == 204
    assert time.monotonic() - started < 2  # one bounded wait (0.25 s to connect), then Redis is skipped
    assert not caches["default"].answering
    own_redis.start()
    deadline = time.monotonic() + 10
    while not caches["default"].answering:
        assert time.monotonic() < deadline, "Redis was still skipped after it came back"
        time.sleep(0.05)
    assert count(client, guide.pk, address="203.0.113.4").status_code == 204
    assert figures_of(guide) == (2, 2, 1)


def test_while_neither_cache_nor_database_knows_the_guides_a_count_is_refused_calmly(client, guide):
    from django.core.cache import cache
    from django.db import OperationalError, connection

    from impact import counting

    def database_away(execute, sql, params, many, context):
        raise OperationalError("the database is away")

    cache.clear()
    counting._forget_counted_guides()
    with connection.execute_wrapper(database_away):
        response = count(client, guide.pk)
    assert response.status_code == 503 and "cannot check its guides" in response.content.decode()
    assert count(client, guide.pk).status_code == 204  # and counted again once it is back
    assert figures_of(guide) == (1, 1, 0)


def test_counts_the_database_refuses_wait_for_the_next_flush(client, guide):
    from django.db import OperationalError, connection

    def refuse_the_figures(execute, sql, params, many, context):
        if "impact_dailyfigures" in sql:
            raise OperationalError("the database is away")
        return execute(sql, params, many, context)

    def stored():
        return list(DailyFigures.objects.values_list("views", "readers", "reached_end"))

    for address in ("203.0.113.1", "203.0.113.2"):
        count(client, guide.pk, address=address)
    before = stored()  # the first count may have been moved already, after its answer
    with connection.execute_wrapper(refuse_the_figures), pytest.raises(OperationalError):
        flush()
    assert stored() == before
    assert figures_of(guide) == (2, 2, 0)  # put back, and moved now
