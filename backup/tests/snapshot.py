"""Everything a backup must keep, as plain data, so two databases can be compared.

Run in the test process for the original site and in a subprocess for the restored one.
Times are compared to the millisecond: Django's JSON fixtures (dumpdata) keep no finer.
"""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

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
        }
    )
