"""Two staff editing the same guide never silently overwrite each other."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pages.models import GuidePage
from tests.support import GUIDE_URL
from tests.test_admin_editing import edit_form_data


@pytest.fixture
def two_editors(seeded):
    users = get_user_model()
    first, second = Client(), Client()
    first.force_login(users.objects.create_superuser("amira", "amira@example.com", "a-long-test-password"))
    second.force_login(users.objects.create_superuser("ben", "ben@example.com", "a-long-test-password"))
    return first, second


def test_the_second_editor_to_save_is_told_and_the_first_editors_work_is_kept(two_editors):
    amira, ben = two_editors
    guide = GuidePage.objects.get()
    # Both open the editor on the same version.
    amira_form = edit_form_data(amira, guide)
    ben_form = edit_form_data(ben, guide)
    assert amira_form["loaded_revision_id"] == ben_form["loaded_revision_id"] == str(guide.latest_revision_id)

    amira_form["summary"] = "Amira's summary."
    amira_form["action-publish"] = "action-publish"
    assert amira.post(f"/admin/pages/{guide.pk}/edit/", amira_form).status_code == 302

    ben_form["summary"] = "Ben's summary."
    ben_form["action-publish"] = "action-publish"
    response = ben.post(f"/admin/pages/{guide.pk}/edit/", ben_form)
    # The editor comes back with the refusal and with what Ben typed, not a fresh form.
    assert response.status_code == 200
    html = response.content.decode()
    assert "amira saved a newer version of this page" in html
    assert "Nothing was saved, so their changes are safe, and what you typed is still here." in html
    assert "Ben&#x27;s summary." in html

    guide.refresh_from_db()
    assert guide.summary == "Amira's summary."
    assert guide.revisions.count() == 2
    assert "Amira&#x27;s summary." in ben.get(GUIDE_URL).content.decode()

    # The form he got back is on Amira's version: pressing Publish again saves his on purpose.
    resent = edit_form_data(ben, guide)
    assert resent["loaded_revision_id"] == str(guide.latest_revision_id)
    ben_form.update(loaded_revision_id=resent["loaded_revision_id"])
    ben_form.update(loaded_revision_created_at=resent["loaded_revision_created_at"])
    ben_form["summary"] = "Ben's summary, after reading Amira's."
    assert ben.post(f"/admin/pages/{guide.pk}/edit/", ben_form).status_code == 302
    guide.refresh_from_db()
    assert guide.summary == "Ben's summary, after reading Amira's."
    assert guide.revisions.count() == 3


def test_an_editors_own_autosaves_never_count_as_someone_elses_newer_version(two_editors):
    amira, _ = two_editors
    guide = GuidePage.objects.get()
    form = edit_form_data(amira, guide)
    # Wagtail's autosave: a JSON save of the draft, then further ones overwriting that revision.
    form["summary"] = "Typed, then autosaved."
    autosave = amira.post(f"/admin/pages/{guide.pk}/edit/", form, headers={"Accept": "application/json"})
    assert autosave.status_code == 200 and autosave.json()["success"], autosave.content
    form["overwrite_revision_id"] = str(autosave.json()["revision_id"])
    form["summary"] = "Typed more, autosaved again."
    again = amira.post(f"/admin/pages/{guide.pk}/edit/", form, headers={"Accept": "application/json"})
    assert again.status_code == 200 and again.json()["success"], again.content

    # Publish sends the form as it was loaded (Wagtail adds overwrite_revision_id to autosaves only).
    del form["overwrite_revision_id"]
    form["action-publish"] = "action-publish"
    assert amira.post(f"/admin/pages/{guide.pk}/edit/", form).status_code == 302
    guide.refresh_from_db()
    assert guide.summary == "Typed more, autosaved again."


def test_a_draft_saved_by_one_editor_is_not_replaced_by_anothers_stale_draft(two_editors):
    amira, ben = two_editors
    guide = GuidePage.objects.get()
    amira_form, ben_form = edit_form_data(amira, guide), edit_form_data(ben, guide)
    amira_form["title"] = "Amira's draft title"
    assert amira.post(f"/admin/pages/{guide.pk}/edit/", amira_form).status_code == 302
    ben_form["title"] = "Ben's draft title"
    response = ben.post(f"/admin/pages/{guide.pk}/edit/", ben_form)
    assert "saved a newer version of this page" in response.content.decode()
    guide.refresh_from_db()
    assert guide.get_latest_revision_as_object().title == "Amira's draft title"


def test_a_page_locked_by_one_editor_cannot_be_saved_by_another(two_editors):
    amira, ben = two_editors
    guide = GuidePage.objects.get()
    assert amira.post(f"/admin/pages/{guide.pk}/lock/").status_code == 302
    guide.refresh_from_db()
    assert guide.locked and guide.locked_by.username == "amira"

    ben_form = edit_form_data(ben, guide)
    ben_form["summary"] = "Ben's summary."
    ben_form["action-publish"] = "action-publish"
    response = ben.post(f"/admin/pages/{guide.pk}/edit/", ben_form)
    assert "The page could not be saved as it is locked." in response.content.decode()
    guide.refresh_from_db()
    assert guide.summary != "Ben's summary." and guide.revisions.count() == 1
