"""What each staff role can and cannot do, by real requests as that user."""

import datetime

from bs4 import BeautifulSoup

from pages.models import ClinicSettings, GuidePage, Person
from tests.test_admin_editing import edit_form_data

OLD_DATE = datetime.date(2025, 8, 26)


def settings_url():
    return f"/admin/settings/pages/clinicsettings/{ClinicSettings.load().pk}/"


def edit_page(client, guide):
    response = client.get(f"/admin/pages/{guide.id}/edit/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def post_edit(client, guide, **changes):
    data = edit_form_data(client, guide)
    data.update(changes)
    return client.post(f"/admin/pages/{guide.id}/edit/", data)


def refused(response):
    """Wagtail refuses either with 403 or by sending the user back to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_editor_edits_and_submits_but_cannot_publish_or_touch_review_stamps(make_staff, guide):
    _, client = make_staff("Editors")
    form = edit_page(client, guide)
    assert form.select_one("[name=title]") is not None
    assert form.select_one("[name=author]") is not None
    for stamp in ("reviewed_by", "last_reviewed", "review_interval_months"):
        assert form.select_one(f"[name={stamp}]") is None, stamp
    assert form.select_one("[name=action-publish]") is None

    # A forged publish with a forged review date is saved as a draft, stamps untouched.
    response = post_edit(client, guide, title="Editor's title", last_reviewed="2025-12-01", **{"action-publish": "1"})
    assert response.status_code == 302
    guide = GuidePage.objects.get()
    assert guide.title == "A Patient's Guide to NK Cell Therapy" and guide.has_unpublished_changes
    draft = guide.get_latest_revision_as_object()
    assert draft.title == "Editor's title" and draft.last_reviewed == OLD_DATE

    response = post_edit(client, guide, **{"action-submit": "1"})
    assert response.status_code == 302
    assert GuidePage.objects.get().current_workflow_task.name == "Medical reviewers' approval"

    assert client.get(f"/admin/pages/add/pages/guidepage/{guide.get_parent().id}/").status_code == 200
    assert refused(client.get(f"/admin/pages/{guide.id}/unpublish/"))
    assert refused(client.get(f"/admin/pages/{guide.id}/delete/"))
    person = Person.objects.first()
    assert refused(client.get(f"/admin/snippets/pages/person/edit/{person.pk}/"))
    assert refused(client.get(settings_url()))
    assert refused(client.get("/admin/users/"))


def test_medical_reviewer_marks_reviewed_but_cannot_publish_add_or_delete(make_staff, guide):
    user, client = make_staff("Medical reviewers", person=Person.objects.get(name="Dr. Félix Porras"))
    form = edit_page(client, guide)
    assert form.find("a", href=f"/admin/guides/{guide.id}/mark-reviewed/") is not None
    assert form.select_one("[name=last_reviewed]") is not None
    assert form.select_one("[name=action-publish]") is None

    response = post_edit(client, guide, title="Reviewer's title", **{"action-publish": "1"})
    assert response.status_code == 302
    assert GuidePage.objects.get().title == "A Patient's Guide to NK Cell Therapy"  # not published

    assert refused(client.get(f"/admin/pages/add/pages/guidepage/{guide.get_parent().id}/"))
    assert refused(client.get(f"/admin/pages/{guide.id}/unpublish/"))
    assert refused(client.get(f"/admin/pages/{guide.id}/delete/"))
    assert refused(client.get(f"/admin/snippets/pages/person/edit/{Person.objects.first().pk}/"))
    assert refused(client.get(settings_url()))

    assert client.post(f"/admin/guides/{guide.id}/mark-reviewed/", {"note": ""}).status_code == 302
    assert GuidePage.objects.get().last_reviewed != OLD_DATE


def test_moderator_publishes_but_cannot_change_review_stamps(make_staff, guide, client):
    _, staff = make_staff("Moderators")
    form = edit_page(staff, guide)
    assert form.select_one("[name=action-publish]") is not None
    assert form.select_one("[name=last_reviewed]") is None and form.select_one("[name=reviewed_by]") is None
    response = post_edit(staff, guide, title="Moderator's title", last_reviewed="2025-12-01", **{"action-publish": "1"})
    assert response.status_code == 302
    guide = GuidePage.objects.get()
    assert guide.title == "Moderator's title" and not guide.has_unpublished_changes
    assert guide.last_reviewed == OLD_DATE
    assert "Moderator&#x27;s title" in client.get(guide.url).content.decode()
    assert staff.get(f"/admin/snippets/pages/person/edit/{Person.objects.first().pk}/").status_code == 200
    assert staff.get(f"/admin/guides/{guide.id}/mark-reviewed/").status_code == 403


def test_superuser_can_do_everything(guide, client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "a-long-password")
    client.force_login(admin)
    form = edit_page(client, guide)
    assert form.select_one("[name=action-publish]") is not None
    assert form.select_one("[name=last_reviewed]") is not None
    # "Mark as reviewed" names the reviewer from their People record, so it is offered once linked.
    assert form.find("a", href=f"/admin/guides/{guide.id}/mark-reviewed/") is None
    Person.objects.filter(name="Dr. Félix Porras").update(user=admin)
    form = edit_page(client, guide)
    assert form.find("a", href=f"/admin/guides/{guide.id}/mark-reviewed/") is not None
    assert client.get(settings_url()).status_code == 200
    assert client.get("/admin/reports/medical-review/").status_code == 200


def test_a_spanish_medical_reviewer_opens_the_spanish_pages_only_and_publishes_nothing(make_staff, guide):
    from tests.translations import publish_in_spanish

    spanish = publish_in_spanish(guide)
    user, client = make_staff("Medical reviewers (Spanish)", username="revisora")
    assert spanish.permissions_for_user(user).can_edit() and not spanish.permissions_for_user(user).can_publish()
    assert edit_page(client, spanish).select_one("[name=last_reviewed]") is not None
    assert refused(client.get(f"/admin/pages/{guide.id}/edit/"))
    assert refused(client.get(f"/admin/pages/add/pages/guidepage/{spanish.get_parent().id}/"))
    assert refused(client.get(f"/admin/pages/{spanish.id}/delete/"))
    assert refused(client.get(f"/admin/pages/{spanish.id}/unpublish/"))
    assert refused(client.get(settings_url()))
    # The English guide's review stamp is the English reviewers'.
    assert client.get(f"/admin/guides/{guide.id}/mark-reviewed/").status_code == 403
