"""Who may delete (or move) a page: Moderators as Wagtail lets them; Editors only their own drafts
that were never published; Medical reviewers and Translators nothing. Who may copy one: those who
may add pages (pages/models/base.py)."""

import pytest
from bs4 import BeautifulSoup

from pages.models import GuidePage
from tests.test_roles import refused


def a_draft_guide(guide, owner, slug="a-draft-guide"):
    """A new guide an Editor wrote and never published, as their autosave leaves it."""
    draft = GuidePage(
        title="A draft guide",
        slug=slug,
        therapy_name="A therapy",
        summary="Not yet.",
        introduction="<p>A draft.</p>",
        body=[],
        author=guide.author,
        live=False,
        owner=owner,
    )
    guide.get_parent().add_child(instance=draft)
    draft.save_revision(user=owner)
    return draft


def deleted(client, page):
    """Press "Yes, delete it" as the delete screen does; whether the page is gone."""
    client.post(f"/admin/pages/{page.id}/delete/")
    return not GuidePage.objects.filter(pk=page.pk).exists()


def test_a_medical_reviewer_cannot_delete_an_editors_draft(make_staff, guide):
    editor, _ = make_staff("Editors", username="writer")
    reviewer, client = make_staff("Medical reviewers")
    draft = a_draft_guide(guide, editor)
    assert draft.permissions_for_user(reviewer).can_edit()  # they open it to review it
    assert not draft.permissions_for_user(reviewer).can_delete()
    assert not draft.permissions_for_user(reviewer).can_move()
    assert refused(client.get(f"/admin/pages/{draft.id}/delete/"))
    assert not deleted(client, draft)
    assert "Delete" not in _actions(client, draft)


def test_an_editor_deletes_their_own_new_draft_but_not_a_colleagues(make_staff, guide):
    editor, client = make_staff("Editors", username="writer")
    colleague, _ = make_staff("Editors", username="colleague")
    theirs = a_draft_guide(guide, colleague, slug="a-colleagues-draft")
    own = a_draft_guide(guide, editor)
    assert not theirs.permissions_for_user(editor).can_delete()
    assert refused(client.get(f"/admin/pages/{theirs.id}/delete/"))
    assert not deleted(client, theirs)
    assert own.permissions_for_user(editor).can_delete()
    assert client.get(f"/admin/pages/{own.id}/delete/").status_code == 200
    assert deleted(client, own)


def test_an_editor_cannot_delete_their_guide_once_it_was_published_and_taken_down(make_staff, guide):
    editor, client = make_staff("Editors", username="writer")
    draft = a_draft_guide(guide, editor)
    draft.reviewed_by, draft.last_reviewed = guide.reviewed_by, guide.last_reviewed  # as review stamps it
    draft.save_revision().publish()
    GuidePage.objects.get(pk=draft.pk).unpublish()
    draft = GuidePage.objects.get(pk=draft.pk)
    assert not draft.live and draft.first_published_at is not None
    assert not draft.permissions_for_user(editor).can_delete()
    assert not deleted(client, draft)


def test_a_moderator_deletes_a_colleagues_draft(make_staff, guide):
    editor, _ = make_staff("Editors", username="writer")
    moderator, client = make_staff("Moderators")
    draft = a_draft_guide(guide, editor)
    assert draft.permissions_for_user(moderator).can_delete()
    assert "Delete" in _actions(client, draft)
    assert deleted(client, draft)


@pytest.mark.django_db
def test_a_translator_cannot_delete_a_spanish_draft(make_staff, seeded):
    from wagtail.models import Locale
    from wagtail_localize.models import Translation, TranslationSource

    english = GuidePage.objects.get(locale__language_code="en-gb")
    translator, client = make_staff("Translators")
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="es"))
    translation.save_target(user=translator, publish=False)
    spanish = english.get_translation(translation.target_locale)
    assert not spanish.live and spanish.permissions_for_user(translator).can_edit()
    assert not spanish.permissions_for_user(translator).can_delete()
    assert refused(client.get(f"/admin/pages/{spanish.id}/delete/"))
    assert not deleted(client, spanish)


def test_copying_is_offered_to_those_who_may_add_pages_only(make_staff, guide):
    editor, editor_client = make_staff("Editors", username="writer")
    reviewer, reviewer_client = make_staff("Medical reviewers")
    assert guide.permissions_for_user(editor).can_copy() and "Copy" in _actions(editor_client, guide)
    assert editor_client.get(f"/admin/pages/{guide.id}/copy/").status_code == 200
    assert not guide.permissions_for_user(reviewer).can_copy()
    assert "Copy" not in _actions(reviewer_client, guide)
    assert refused(reviewer_client.get(f"/admin/pages/{guide.id}/copy/"))
    before = GuidePage.objects.count()
    reviewer_client.post(
        f"/admin/pages/{guide.id}/copy/",
        {"new_title": "A copy", "new_slug": "a-copy", "new_parent_page": guide.get_parent().id},
    )
    assert GuidePage.objects.count() == before


def _actions(client, page):
    """The words of the links in the editor's header "Actions" menu."""
    soup = BeautifulSoup(client.get(f"/admin/pages/{page.id}/edit/").content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("header [data-w-dropdown-target=content] a")]
