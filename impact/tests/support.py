"""What the impact tests share: readers' browsers, sending a count as a browser does (straight to the
app, or through Varnish), a consultation request sent from a guide, reading the report."""

import datetime
import gzip
import http.client
import uuid

from bs4 import BeautifulSoup
from django.utils import timezone

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"
)
MEASURES = ["Views", "Readers", "Reached the end", "Found it helpful", "Consultation requests"]
PERIODS = ["Last 30 days", "30 days before", "Last 90 days", "90 days before"]


def count(client, guide_id, event="view", agent=CHROME, address="203.0.113.10", javascript=True, **extra):
    """What the guide's counter sends: with JavaScript an empty POST, without it the image's GET."""
    headers = {"REMOTE_ADDR": address, **extra}
    if agent is not None:
        headers["HTTP_USER_AGENT"] = agent
    return client.generic("POST" if javascript else "GET", f"/count/{guide_id}/{event}", **headers)


def periods_table(html, guide_title):
    """{measure: {period: cell}} from the report's table for one guide."""
    soup = BeautifulSoup(html, "html.parser")
    section = next(s for s in soup.select("section.impact-guide") if s.h2.get_text(strip=True) == guide_title)
    table = section.select_one("table.impact-periods")
    periods = [th.contents[0].strip() for th in table.select("thead th")[1:]]
    return {
        row.th.get_text(strip=True): dict(
            zip(periods, [td.get_text(strip=True) for td in row.select("td")], strict=True)
        )
        for row in table.select("tbody tr")
    }


def weeks_table(html, guide_title):
    """[(week, {measure: cell})] from the report's week-by-week table for one guide, oldest first."""
    soup = BeautifulSoup(html, "html.parser")
    section = next(s for s in soup.select("section.impact-guide") if s.h2.get_text(strip=True) == guide_title)
    table = section.select("table")[-1]
    measures = [th.get_text(strip=True) for th in table.select("thead th")[1:]]
    return [
        (
            row.th.get_text(strip=True),
            dict(zip(measures, [td.get_text(strip=True) for td in row.select("td")], strict=True)),
        )
        for row in table.select("tbody tr")
    ]


def through_varnish(port, method, path, agent, source="127.0.0.1", headers=None):
    """One request through Varnish on `port` from a reader's own address; (response, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    all_headers = {"Host": "localhost", "Accept-Encoding": "gzip", **(headers or {})}
    if agent:
        all_headers["User-Agent"] = agent
    connection.request(method, path, headers=all_headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response, body


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def a_request(guide, day):
    """A consultation request sent from the guide's link at noon on `day`."""
    from consultations.models import ConsultationRequest

    return ConsultationRequest.objects.create(
        submission_token=uuid.uuid4(),
        full_name="A patient",
        email="patient@example.com",
        country="Mexico",
        treatment="NK cell therapy",
        sent_from=guide,
        received_at=noon(day),
        consented_at=noon(day),
    )
