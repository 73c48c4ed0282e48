"""Twenty patients send the consultation form at the same moment, each pressing Send twice, over
real HTTP to gunicorn under the production settings: each request is stored exactly once.

What only real HTTP shows: several worker processes, each with several threads, answer at once
on one database, with production's CSRF check (secure cookies, Origin), its minimum fill time,
and the per-visitor rate limit counted in the shared Redis behind one trusted proxy.
"""

import json
import subprocess
import sys
import threading
import time

import pytest
from bs4 import BeautifulSoup

from benchmarks.harness import PROJECT_DIR, AdminSession, collect_static, empty_redis, gunicorn, production_env
from consultations import protection
from pages.seeding import seed
from tests.support import database_url_for_other_processes, redis_for_test

FORM_URL = "/consultation/"
SENT_URL = "/consultation/sent/"
PATIENTS = 20
# A Redis database of this test's own: the rate limit counts every visitor address in it.
REDIS_URL = redis_for_test(9)
FIELDS = {
    "csrfmiddlewaretoken",
    "form_token",
    "from_guide",  # the guide the patient came from; empty here
    "website",
    "full_name",
    "email",
    "phone",
    "country",
    "contact_method",
    "preferred_language",
    "treatment",
    "message",
    "consent",
}


@pytest.fixture
def site(transactional_db, tmp_path):
    """gunicorn, 2 workers of 8 threads, on the test's own seeded database, behind one trusted proxy."""
    seed()
    empty_redis(REDIS_URL)
    env = production_env(
        database_url_for_other_processes(tmp_path),
        REDIS_URL,
        STATIC_ROOT=str(tmp_path / "static"),
        # The clinic's proxy appends each visitor's address to X-Forwarded-For.
        TRUSTED_PROXY_COUNT="1",
    )
    collect_static(env)
    with gunicorn(env, workers=2, threads=8) as base:
        yield base, env


def patient(base, number):
    """A patient's browser: its own cookies, reaching the site over HTTPS through the clinic's proxy.

    The harness's session sends production's Secure cookies by hand and the Origin the CSRF check
    asks of an HTTPS request; each patient comes from an address of their own.
    """
    browser = AdminSession(base)
    browser.headers["X-Forwarded-For"] = f"198.51.100.{number + 1}"
    return browser


def filled_in_form(browser, number):
    """The form as drawn for this patient, with their answers: its tokens as the page gives them."""
    response = browser.request("GET", FORM_URL)
    assert response.status_code == 200
    form = BeautifulSoup(response.text, "html.parser").select_one("form.consultation-form")
    assert {field["name"] for field in form.select("[name]")} == FIELDS
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden], input[name=website]")}
    assert data["csrfmiddlewaretoken"] and data["form_token"] and data["website"] == ""
    assert "csrftoken" in browser.cookies
    treatment = next(option["value"] for option in form.select("[name=treatment] option") if option["value"])
    data.update(
        full_name=f"Patient {number}",
        email=f"patient{number}@example.com",
        phone="",
        country="Mexico",
        contact_method=form.select_one("[name=contact_method]")["value"],
        preferred_language=form.select_one("[name=preferred_language]")["value"],
        treatment=treatment,
        message=f"Sent by patient {number}.",
        consent="on",
    )
    return data


def stored_requests(env):
    """(name, email) of every stored request, read by the site's own code from the database gunicorn used."""
    code = (
        "import json; from consultations.models import ConsultationRequest; "
        "print(json.dumps(list(ConsultationRequest.objects.values_list('full_name', 'email'))))"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1]))


def test_twenty_patients_pressing_send_twice_at_once_are_each_stored_exactly_once(site):
    base, env = site
    browsers = [patient(base, number) for number in range(PATIENTS)]
    forms = [filled_in_form(browser, number) for number, browser in enumerate(browsers)]
    # The server holds back a form sent sooner than this after it was drawn (production's own value).
    time.sleep(protection.min_seconds() + 0.5)

    # Each patient double-clicks: both presses, from the same browser, and all 40 at the same moment.
    presses = [(number, browsers[number], forms[number]) for number in range(PATIENTS)] * 2
    start = threading.Barrier(len(presses))
    answers, failures = [], []

    def press(number, browser, data):
        start.wait()
        try:
            response = browser.request("POST", FORM_URL, data=data)
            answers.append((number, response.status_code, response.headers.get("Location")))
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            failures.append((number, repr(error)))

    threads = [threading.Thread(target=press, args=each) for each in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert sorted(answers) == sorted((number, 303, SENT_URL) for number, _, _ in presses)
    expected = sorted((f"Patient {number}", f"patient{number}@example.com") for number in range(PATIENTS))
    assert stored_requests(env) == expected
