"""Everything a backup must keep, as plain data, so two databases can be compared.

Run in the test process for the original site and in a subprocess for the restored one.
Times are compared to the millisecond: Django's JSON fixtures (dumpdata) keep no finer.
"""

import datetime
import hashlib
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, TranslationSource

from pages.models import ClinicSettings, GuidePage, Person


def _plain(value):
    """JSON-ready data; times to the millisecond, the precision Django's fixtures keep."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _without_content_type_id(data):
    data = dict(data)
    if data.get("content_type") is not None:
        content_type = ContentType.objects.get_for_id(data["content_type"])
        data["content_type"] = f"{content_type.app_label}.{content_type.model}"
    return data


def _revisions(instance):
    return [
        {
            "created_at": revision.created_at,
            "user": revision.user.username if revision.user else None,
            "content": _without_content_type_id(revision.content),
            "published": revision.pk == getattr(instance, "live_revision_id", None),
        }
        for revision in instance.revisions.order_by("created_at", "pk")
    ]


def _file(field):
    with field.open("rb") as stored:
        return {"name": field.name, "sha256": hashlib.sha256(stored.read()).hexdigest()}


def _translations():
    """wagtail-localize's link from each English page to its translations ("Sync translated pages"
    reads it), with the strings translated so far."""
    return {
        str(source.object_id): {
            "type": f"{source.specific_content_type.app_label}.{source.specific_content_type.model}",
            "locale": source.locale.language_code,
            "content": _without_content_type_id(json.loads(source.content_json)),
            "last_updated_at": source.last_updated_at,
            "translations": sorted(
                (translation.target_locale.language_code, translation.enabled, str(translation.uuid))
                for translation in source.translations.all()
            ),
            "segments": source.stringsegment_set.count(),
        }
        for source in TranslationSource.objects.order_by("pk")
    }


def _groups():
    """Each group's permissions, and the pages it holds them on (the Translators' Spanish home page)."""
    return {
        group.name: {
            "permissions": sorted(group.permissions.values_list("content_type__app_label", "codename")),
            "pages": sorted(
                (permission.page.url_path, permission.page.locale.language_code, permission.permission.codename)
                for permission in group.page_permissions.select_related("page__locale", "permission")
            ),
        }
        for group in Group.objects.order_by("name")
    }


def site_snapshot():
    pages = {}
    for page in Page.objects.order_by("path").specific():
        pages[page.path] = {
            "type": page._meta.label,
            "data": _without_content_type_id(page.serializable_data()),
            "revisions": _revisions(page),
        }
    return _plain(
        {
            "pages": pages,
            "people": {
                person.name: {"data": person.serializable_data(), "revisions": _revisions(person)}
                for person in Person.objects.all()
            },
            "clinic": model_to_dict(ClinicSettings.load()),
            "images": [
                {"title": image.title, "file": _file(image.file), "collection": image.collection.name}
                for image in get_image_model().objects.order_by("pk")
            ],
            "documents": [
                {"title": document.title, "file": _file(document.file)}
                for document in get_document_model().objects.order_by("pk")
            ],
            "search": sorted(page.title for page in GuidePage.objects.live().search("immunotherapy")),
            "users": sorted(user.username for user in get_user_model().objects.all()),
            "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
            "translations": _translations(),
            "string_translations": sorted(
                (item.locale.language_code, item.context.path, item.data)
                for item in StringTranslation.objects.select_related("locale", "context")
            ),
            "groups": _groups(),
        }
    )
