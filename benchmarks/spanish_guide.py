"""A guide's Spanish version, made and published as the clinic's process requires: a draft (Wagtail's
copy for translation, as wagtail-localize's editor makes one), submitted to the Medical review
workflow, approved by a Medical reviewer (Spanish) and signed off by a Moderator, each a stand-in staff member.

Shared by the benchmark, whose throwaway database needs a live Spanish guide to time
(`python manage.py shell -c "from benchmarks.spanish_guide import publish_in_spanish; ..."`), and
the tests (tests/translations.py). Its words are a stand-in for a translator's work, never the
clinic's: only the title is replaced; the rest is the English guide's, as a fresh copy is.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Locale

from pages.models import GuidePage, Person

# A stand-in for a translator's work: obviously not the clinic's text, never shown to patients.
TEST_TITLE = "Título de prueba de la traducción"


def staff_member(group_name):
    username = f"translation-{group_name.lower().replace(' ', '-')}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(username, f"{username}@example.com", "a-long-password")
        user.groups.add(Group.objects.get(name=group_name))
    return user


def approve_through_review(page):
    """Submit the page's latest version to its workflow; a member of each task's group approves it:
    for a Spanish guide, a Medical reviewer (Spanish), then a Moderator."""
    page.get_workflow().start(page, staff_member("Editors"))
    while True:
        page = type(page).objects.get(pk=page.pk)
        task_state = page.current_workflow_task_state
        if task_state is None:
            return page
        task = task_state.task.specific
        reviewer = staff_member(task.groups.get().name)
        if not task.get_actions(page, reviewer):
            raise RuntimeError(f"{reviewer} may not act on {task}")
        task.on_action(task_state, reviewer, "approve")


def spanish_draft(english, title=TEST_TITLE, **fields):
    spanish = english.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.title = title
    for name, value in fields.items():
        setattr(spanish, name, value)
    spanish.save_revision()
    return spanish


def publish_in_spanish(english=None, title=TEST_TITLE, **fields):
    """The Spanish guide live, as approved in review; its reviewer and review date are its own
    (a translation starts without them), here the clinic's medical director's, on the given date."""
    english = english or GuidePage.objects.get(locale__language_code="en-gb")
    fields.setdefault("reviewed_by", Person.objects.get(name="Dr. Félix Porras"))
    fields.setdefault("last_reviewed", timezone.localdate())
    spanish = approve_through_review(spanish_draft(english, title, **fields))
    if not spanish.live:
        raise RuntimeError("the approved Spanish guide should be live")
    return spanish
