"""What a reader and a staff member find of the Spanish guide in a restored site, as plain data.

Run in a subprocess against the restored database (production settings), as site_snapshot is."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from pages.models import GuidePage

SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"


def spanish_guide_after_restore():
    reader = Client(HTTP_HOST="localhost")
    page = reader.get(SPANISH_GUIDE_URL, secure=True)
    html = page.content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    lang = re.search(r'<html lang="([^"]+)"', html)

    english = GuidePage.objects.get(locale__language_code="en-gb")
    spanish = GuidePage.objects.get(locale__language_code="es")
    source = TranslationSource.objects.get(object_id=english.translation_key, locale=english.locale)
    translation = Translation.objects.get(source=source, target_locale__language_code="es")
    total, done = translation.get_progress()

    # "Sync translated pages" on the English guide, as an Editor chooses it in the admin.
    editor = get_user_model().objects.create_user("restore-check-editor", "editor@example.com", "a-long-password")
    editor.groups.add(Group.objects.get(name="Editors"))
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(editor)
    synced_before = source.last_updated_at
    sync_form = staff.get(reverse("wagtail_localize:update_translations", args=[source.pk]), secure=True)
    sync = staff.post(reverse("wagtail_localize:update_translations", args=[source.pk]), {}, secure=True)
    source.refresh_from_db()

    translators = Group.objects.get(name="Translators")
    spanish_home = spanish.get_parent().get_parent()
    return {
        "status": page.status_code,
        "lang": lang.group(1) if lang else None,
        "heading": re.sub(r"\s+", " ", heading.group(1)).strip() if heading else None,
        "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
        "translation_target_is_the_spanish_guide": translation.get_target_instance().pk == spanish.pk,
        "strings_translated": [done, total],
        "sync_form": sync_form.status_code,
        "sync": [sync.status_code, sync.get("Location", "")],
        "synced_again": source.last_updated_at > synced_before,
        "translator_can_edit_spanish_guide": spanish.permissions_for_user(_translator(translators)).can_edit(),
        "translator_can_edit_english_guide": english.permissions_for_user(_translator(translators)).can_edit(),
        "translators_pages": sorted(
            (permission.page.url, permission.permission.codename)
            for permission in translators.page_permissions.select_related("page", "permission")
        ),
        "spanish_home": spanish_home.url,
    }


def _translator(group):
    user = get_user_model().objects.filter(username="restore-check-translator").first()
    if user is None:
        user = get_user_model().objects.create_user(
            "restore-check-translator", "translator@example.com", "a-long-password"
        )
        user.groups.add(group)
    return user
