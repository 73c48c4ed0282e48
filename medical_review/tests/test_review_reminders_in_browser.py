"""A Moderator chases an overdue medical review from the admin, without a shell."""

import datetime

import pytest
from django.core import mail

from pages.models import GuidePage, Person
from tests.browser.staff import no_problems, sign_in, staff_member
from tests.browser.support import shot

pytestmark = pytest.mark.browser


def test_a_moderator_sends_review_reminders_from_the_medical_review_report(site, chromium):
    guide = GuidePage.objects.get()
    guide.last_reviewed = datetime.date(2024, 3, 1)
    guide.save_revision().publish()
    reviewer = staff_member("porras", "Medical reviewers")
    Person.objects.filter(name="Dr. Félix Porras").update(user=reviewer)
    staff_member("moderator", "Moderators")

    page = sign_in(chromium, site, "moderator")
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Medical review dates").click()
    page.get_by_role("link", name="Send review reminders").click()
    page.get_by_role("heading", name="Send review reminders").wait_for()
    row = page.get_by_role("row").filter(has_text=guide.title)
    assert "Dr. Félix Porras, MD (porras@clinic.test)" in row.inner_text()
    shot(page, "review-reminders-confirm", full_page=True)
    assert mail.outbox == []

    page.get_by_role("button", name="Send reminders now").click()
    page.wait_for_url(site + "/admin/reports/medical-review/")
    assert page.get_by_text(f"Emailed Dr. Félix Porras, MD about “{guide.title}”.").is_visible()
    assert [message.to for message in mail.outbox] == [["porras@clinic.test"]]
    assert no_problems(page) == []
    page.context.close()
