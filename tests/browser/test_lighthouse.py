"""Lighthouse's best-practices audits score 1 on every kind of public page.

Lighthouse comes from the npm registry (tests/lighthouse/package-lock.json; `make test` runs
`npm ci` there) and drives Debian's Chromium through CHROME_PATH, never a downloaded browser.
"""

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from pages.models import GuidePage
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.test_images import SECOND_GUIDE_URL, add_figure_to_second_guide, seed_with_second_guide
from tests.translations import publish_in_spanish

pytestmark = pytest.mark.browser

LIGHTHOUSE = Path(settings.BASE_DIR) / "tests" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
# There is no page about a person: the people who write and review guides are snippets shown on the guides.
PAGES = {
    "home": "/",
    "guide list": "/guides/",
    "guide": "/guides/nk-cell-therapy/",
    "guide with a photo": SECOND_GUIDE_URL,
    "search results": "/search/?q=perforin",
    "consultation request form": "/consultation/",
    "privacy notice": "/privacy/",
    "page not found": "/no-such-page/",
    "Spanish guide list": "/es/guias/",
    "Spanish guide": "/es/guias/nk-cell-therapy/",
}


@pytest.fixture
def site_with_photo(live_server, transactional_db):
    seed_with_second_guide()
    add_figure_to_second_guide()
    # The NK cell guide in Spanish too, through the Medical review workflow, as Spanish readers get it.
    publish_in_spanish(GuidePage.objects.get(slug="nk-cell-therapy", locale__language_code="en-gb"))
    return live_server.url


@pytest.mark.urls("tests.media_urls")
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_best_practices_score_is_one(site_with_photo, path):
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is not installed: run `make test`, which runs `npm ci` in tests/lighthouse.")
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    # The page is what it says it is before Lighthouse audits it.
    expected_status = 404 if path == PAGES["page not found"] else 200
    try:
        status = urllib.request.urlopen(site_with_photo + path, timeout=30).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == expected_status
    chrome_flags = " ".join(["--headless=new", "--disable-dev-shm-usage", *CHROMIUM_ARGS])
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            site_with_photo + path,
            "--only-categories=best-practices",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            # The 404 page is a page people see too; audit it rather than stop at its status.
            "--ignore-status-code",
            f"--chrome-flags={chrome_flags}",
        ],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report.get("runtimeError") is None, report["runtimeError"]
    url = site_with_photo + path
    if path == PAGES["page not found"]:
        # Chromium logs a page's own 404 status as a console error, and Lighthouse counts it,
        # so no honest 404 page scores 1. Everything else must pass; that message must be the only one.
        console = report["audits"]["errors-in-console"]["details"]["items"]
        assert [(item["source"], item["sourceLocation"]["url"]) for item in console] == [("network", url)], console
        assert "status of 404" in console[0]["description"]
        del report["audits"]["errors-in-console"]
    failing = [
        f"{audit['id']}: {audit['title']} {json.dumps(audit.get('details', {}).get('items', []))[:500]}"
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1
    ]
    assert failing == []
    if path != PAGES["page not found"]:
        assert report["categories"]["best-practices"]["score"] == 1
