import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from pages.models import GuidePage
from tests.browser.staff import medical_reviewer_linked_to_their_record, no_problems, sign_in

pytestmark = pytest.mark.browser


def test_a_medical_reviewer_marks_the_guide_reviewed_and_patients_see_today(site, chromium):
    # The groups come from a migration that the transactional test's flush removed; seed() remade them.
    medical_reviewer_linked_to_their_record()
    guide = GuidePage.objects.get()

    page = sign_in(chromium, site, "porras")
    page.goto(f"{site}/admin/pages/{guide.id}/edit/")
    action = page.get_by_role("link", name="Mark as reviewed")
    if not action.is_visible():
        page.get_by_role("button", name="More actions").click()
    action.click()
    page.wait_for_url(f"{site}/admin/guides/{guide.id}/mark-reviewed/")
    page.get_by_label("Note (optional)").fill("Checked in the browser.")
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"{site}/admin/pages/{guide.id}/edit/")
    assert page.get_by_text("is marked as medically reviewed today and published").is_visible()
    assert no_problems(page) == []

    page.goto(site + "/guides/nk-cell-therapy/")
    today = format_date(timezone.localdate(), "j F Y")
    last_reviewed = page.locator(".guide-credits dt", has_text="Last reviewed:").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert last_reviewed.inner_text() == today
    assert page.locator(".guide-credits").get_by_text("Dr. Félix Porras, MD").is_visible()
    page.context.close()
