"""Readers through Varnish on two of the clinic's days: yesterday's and today's figures are each right.

`make serve` behind Varnish (test_counting_in_production.py) runs in processes of its own, whose
clock a test cannot move. Here the app is pytest-django's live server, in the test's own process,
so the test sets the clinic's clock; Varnish in front runs the committed deploy/varnish.vcl.
"""

import datetime
import re

import pytest
from django.utils import timezone

from benchmarks.harness import free_port, varnishd
from impact.counting import flush
from impact.models import DailyFigures
from impact.tests.support import CHROME, FIREFOX, periods_table, through_varnish
from pages.models import GuidePage
from pages.seeding import seed
from tests.support import GUIDE_URL

pytestmark = pytest.mark.django_db(transaction=True)

READER_A, READER_B = "127.0.31.7", "127.0.42.9"


@pytest.fixture
def varnish_port(live_server, transactional_db, tmp_path, settings):
    seed()
    settings.TRUSTED_PROXY_COUNT = 1  # Varnish names the reader's address in X-Forwarded-For
    with varnishd(int(live_server.url.rsplit(":", 1)[1]), free_port(), tmp_path / "varnishd") as url:
        yield int(url.rsplit(":", 1)[1])


def test_readers_on_two_days_through_varnish_give_each_days_figures(varnish_port, monkeypatch, make_staff):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)

    def clinic_noon(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    def reader(agent, source, javascript=True, reaches_end=True):
        page, body = through_varnish(varnish_port, "GET", GUIDE_URL, agent, source)
        assert page.status == 200
        view = re.search(rb'data-count-view="(/count/[0-9]+/view)"', body).group(1).decode()
        answer, _ = through_varnish(varnish_port, "POST" if javascript else "GET", view, agent, source)
        assert (answer.status, answer.getheader("X-Cache")) == (204, "pass")
        if javascript and reaches_end:
            end, _ = through_varnish(varnish_port, "POST", view.replace("/view", "/end"), agent, source)
            assert end.status == 204
        return page

    clinic_noon(yesterday)
    reader(CHROME, READER_A)  # A reads to the end
    assert reader(CHROME, READER_A).getheader("X-Cache") == "hit"  # A again, from Varnish's copy: same reader
    reader(FIREFOX, READER_B, javascript=False)  # B without JavaScript
    clinic_noon(today)
    reader(CHROME, READER_A, reaches_end=False)  # A, a reader again today
    reader(FIREFOX, READER_B, javascript=False)  # B again

    flush()
    guide = GuidePage.objects.get()
    days = {row.date: (row.views, row.readers, row.reached_end) for row in DailyFigures.objects.filter(guide=guide)}
    assert days == {yesterday: (3, 2, 1), today: (2, 2, 0)}

    _, staff = make_staff("Moderators")
    table = periods_table(staff.get("/admin/reports/guide-impact/").content.decode(), guide.title)
    # Counting began yesterday, so the last 30 days are marked as counted from then.
    assert (table["Views"]["Last 30 days"], table["Readers"]["Last 30 days"]) == ("5 *", "4 *")
    assert table["Reached the end"]["Last 30 days"] == "25% (1 of 4 readers) *"
