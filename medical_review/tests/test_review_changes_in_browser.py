"""A medical reviewer sees what changed and what patients said before stamping the guide."""

import pytest

from feedback.models import GuideFeedback
from medical_review.review import mark_reviewed
from pages.models import GuidePage
from tests.browser.staff import medical_reviewer_linked_to_their_record, no_problems, sign_in
from tests.browser.support import shot

pytestmark = pytest.mark.browser


def test_a_reviewer_sees_the_changes_and_the_feedback_then_stamps(site, chromium):
    user = medical_reviewer_linked_to_their_record()
    guide = GuidePage.objects.get()
    mark_reviewed(guide, user)  # the previous review
    guide = GuidePage.objects.get()
    guide.summary = "A summary rewritten after the last review."
    guide.save_revision().publish()
    GuideFeedback.objects.create(guide=guide, helpful=False, comment="The table was hard to read on my phone.")
    GuideFeedback.objects.create(guide=guide, helpful=True)

    page = sign_in(chromium, site, "porras")
    page.goto(f"{site}/admin/pages/{guide.id}/edit/")
    action = page.get_by_role("link", name="Mark as reviewed")
    if not action.is_visible():
        page.get_by_role("button", name="More actions").click()
    action.click()
    page.wait_for_url(f"{site}/admin/guides/{guide.id}/mark-reviewed/")

    changes = page.locator(".review-changes")
    assert "Changed since the last review: Summary." in changes.inner_text()
    feedback = page.locator(".feedback-since-review")
    assert feedback.get_by_role("heading", name="Patient feedback since the last review").is_visible()
    assert "1 yes and 1 no (50% found it helpful)" in feedback.inner_text()
    assert feedback.get_by_text("The table was hard to read on my phone.").is_visible()
    sources = page.locator(".review-sources")
    assert sources.get_by_text("This guide cites no sources.").is_visible()
    shot(page, "mark-reviewed-changes-and-feedback", full_page=True)

    changes.get_by_role("link", name="Compare the reviewed version with the live version").click()
    page.wait_for_url(f"{site}/admin/pages/{guide.id}/revisions/compare/**")
    assert page.get_by_text("A summary rewritten after the last review.").first.is_visible()
    shot(page, "review-comparison", full_page=True)
    page.go_back()

    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"{site}/admin/pages/{guide.id}/edit/")
    live_revision = GuidePage.objects.get().live_revision_id
    page.goto(f"{site}/admin/pages/{guide.id}/history/")
    assert page.get_by_text(f"Reviewed version: revision {live_revision}.").first.is_visible()

    # Reviewed just now: nothing has changed since, and no feedback has come in since.
    page.goto(f"{site}/admin/guides/{guide.id}/mark-reviewed/")
    assert page.locator(".review-changes").get_by_text("No changes since the last review.").is_visible()
    assert page.locator(".feedback-since-review").get_by_text("No patient feedback since").is_visible()
    assert no_problems(page) == []
    page.context.close()
