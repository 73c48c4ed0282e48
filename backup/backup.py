"""A whole-site content backup in one file, and its restore into an empty database.

The file is a .tar.gz holding
- manifest.json: the format version, when it was made, how many records of each model, and the
  content types by id (revisions, and wagtail-localize's copy of each translated page, store the
  page's content type as a bare id, remapped on restore);
- data.json: Django's dumpdata of everything that is content (pages and their revisions, people,
  settings, images, documents, users, groups and their page permissions, workflows, redirects,
  history, locales, and wagtail-localize's translation sources, translations and translated
  strings, which "Sync translated pages" works from), with natural keys
  for content types and permissions so it loads into any freshly migrated database;
- page_log.json: the pages' history log, dumped by id because it keeps entries for deleted pages,
  which natural keys cannot name; its content types are remapped on restore;
- media/<name>: every uploaded file the data refers to, read through Django's storage API, so a
  backup works the same with local disk or S3.

What can be rebuilt is left out and rebuilt on restore: the search index, the references index,
image renditions, sessions and login-attempt records.
"""

import datetime
import io
import json
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail_localize.models import TranslationSource

from pages.models.base import pages_beyond_migrate

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
PAGE_LOG = "page_log.json"
PAGE_LOG_MODEL = "wagtailcore.pagelogentry"
MEDIA_PREFIX = "media/"

# Derived or short-lived records: rebuilt after a restore, or not worth keeping.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "wagtailsearch",
    "wagtailcore.referenceindex",
    "wagtailcore.uploadedfile",
    "wagtailimages.rendition",
    "wagtailadmin.editingsession",
    "wagtailadmin.formstate",
]


# Models that moved to another app since a backup may have been made: (old app, model) -> new app.
# A backup names models and content types by app label; a restore reads the old names as the new.
MOVED_MODELS = {("pages", "medicalreviewtask"): "medical_review"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why. Nothing was changed."""


def _excluded_labels():
    labels = set()
    for item in EXCLUDED:
        if "." in item:
            labels.add(apps.get_model(item)._meta.label_lower)
        else:
            labels.update(model._meta.label_lower for model in apps.get_app_config(item).get_models())
    return labels


def _file_names(records):
    """The stored file names that records from dumpdata refer to."""
    names = set()
    for record in records:
        model = apps.get_model(record["model"])
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and record["fields"].get(field.name):
                names.add(record["fields"][field.name])
    return sorted(names)


def write_backup(output_dir):
    """Write a backup file into output_dir and return its path."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    data, page_log = io.StringIO(), io.StringIO()
    exclude = sorted(_excluded_labels() | {PAGE_LOG_MODEL})
    # Every record is read in one transaction, so the backup is the site at one moment even
    # while staff edit: never a revision without its page, or a log entry for a later edit.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # PostgreSQL's default (read committed) gives each query its own moment. (Inside a
            # caller's transaction, such as a test's, that transaction's own level applies.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # SQLite's read transaction is one moment already: its first read keeps writers out until
        # it ends (in WAL mode, it reads from one snapshot).
        call_command("dumpdata", natural_foreign=True, exclude=exclude, indent=1, stdout=data)
        call_command("dumpdata", PAGE_LOG_MODEL, indent=1, stdout=page_log)
        content_types = {str(ct.pk): [ct.app_label, ct.model] for ct in ContentType.objects.all()}
    data, page_log = data.getvalue(), page_log.getvalue()
    records = json.loads(data) + json.loads(page_log)
    file_names = _file_names(records)
    manifest = {
        "format": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "counts": dict(sorted(Counter(record["model"] for record in records).items())),
        "content_types": content_types,
        "files": file_names,
    }

    # Named by the clinic's clock (TIME_ZONE), with its UTC offset, as the operator reads the list.
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f%z")
    path = output_dir / f"lmi-backup-{stamp}.tar.gz"
    # Written under a temporary name and renamed at the end: a failed backup leaves no file that looks complete.
    with tempfile.NamedTemporaryFile(dir=output_dir, prefix=".partial-", suffix=".tar.gz", delete=False) as partial:
        partial_path = Path(partial.name)
    try:
        with tarfile.open(partial_path, "w:gz") as archive:
            _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            _add(archive, DATA, data.encode())
            _add(archive, PAGE_LOG, page_log.encode())
            for name in file_names:
                try:
                    with default_storage.open(name, "rb") as stored:
                        content = stored.read()
                except FileNotFoundError as error:
                    raise BackupError(f"The uploaded file {name!r} is recorded but missing from storage.") from error
                _add(archive, MEDIA_PREFIX + name, content)
        partial_path.rename(path)
    finally:
        partial_path.unlink(missing_ok=True)
    return path


def _add(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


# --- restore --------------------------------------------------------------------------------


def read_backup(path):
    """The manifest, the data and the files of a backup, checked before anything is written."""
    path = Path(path)
    try:
        archive = tarfile.open(path, "r:gz")
    except FileNotFoundError as error:
        raise BackupError(f"{path}: file not found") from error
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path}: not a backup made by `make backup` ({error})") from error
    with archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        for required in (MANIFEST, DATA, PAGE_LOG):
            if required not in members:
                raise BackupError(f"{path}: not a backup made by `make backup` (no {required} inside)")
        try:
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
            data = archive.extractfile(members[DATA]).read().decode()
            json.loads(data)
            page_log = json.loads(archive.extractfile(members[PAGE_LOG]).read())
        except (ValueError, UnicodeDecodeError) as error:
            raise BackupError(f"{path}: damaged backup ({error})") from error
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"{path}: backup format {manifest.get('format')!r}; this site reads {FORMAT_VERSION}")
        files = {}
        for name in manifest["files"]:
            member = members.get(MEDIA_PREFIX + name)
            if member is None:
                raise BackupError(f"{path}: damaged backup (the file {name!r} is listed but not inside)")
            files[name] = archive.extractfile(member).read()
    data = json.dumps(_with_moved_models(json.loads(data)))
    return _with_moved_models(manifest), data, _with_moved_models(page_log), files


def _with_moved_models(value):
    """A backup's parsed JSON with every moved model named by its new app."""
    if isinstance(value, dict):
        renamed = {key: _with_moved_models(item) for key, item in value.items()}
        app_label, _, model = str(renamed.get("model", "")).partition(".")
        if (app_label, model) in MOVED_MODELS:
            renamed["model"] = f"{MOVED_MODELS[app_label, model]}.{model}"
        return renamed
    if isinstance(value, list):
        # A content type's natural key [app, model], or a permission's [codename, app, model].
        if len(value) in (2, 3) and all(isinstance(item, str) for item in value):
            app_label, model = value[-2:]
            if (app_label, model) in MOVED_MODELS:
                return [*value[:-2], MOVED_MODELS[app_label, model], model]
        return [_with_moved_models(item) for item in value]
    return value


def content_in_database():
    """What the database already holds beyond what `migrate` creates, as readable phrases."""
    found = []
    for label, queryset in (
        ("pages", pages_beyond_migrate()),
        ("people", apps.get_model("pages", "Person").objects.all()),
        ("images", get_image_model().objects.all()),
        ("documents", get_document_model().objects.all()),
        ("user accounts", get_user_model().objects.all()),
        ("revisions", Revision.objects.all()),
    ):
        count = queryset.count()
        if count:
            found.append(f"{count} {label}")
    return found


def restore_backup(path):
    """Load a backup into an empty, migrated database. All or nothing for the database."""
    manifest, data, page_log, files = read_backup(path)
    found = content_in_database()
    if found:
        raise BackupError(
            "The database is not empty (it has " + ", ".join(found) + "). Restore into a new, migrated database."
        )

    # Files first: if the database load fails, the files are harmless leftovers that a retry reuses.
    for name, content in files.items():
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                if stored.read() != content:
                    raise BackupError(f"Storage already has a different file named {name!r}; nothing was loaded.")
            continue
        saved_as = default_storage.save(name, ContentFile(content))
        if saved_as != name:
            raise BackupError(f"Storage saved {name!r} as {saved_as!r}; nothing was loaded.")

    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "content.json"
        fixture.write_text(data, encoding="utf-8")
        page_log_fixture = Path(folder) / "page_log.json"
        with transaction.atomic():
            # Empty every table (migrate's placeholder pages, default site, groups and workflows are
            # all in the backup); content types and permissions are recreated, then matched by natural key.
            call_command("flush", interactive=False, verbosity=0)
            _permissions_named_by_groups(json.loads(data))
            call_command("loaddata", str(fixture), verbosity=0)
            new_id = _content_type_ids(manifest["content_types"])
            for entry in page_log:
                entry["fields"]["content_type"] = new_id(entry["fields"]["content_type"])
            page_log_fixture.write_text(json.dumps(page_log), encoding="utf-8")
            call_command("loaddata", str(page_log_fixture), verbosity=0)
            _remap_revision_content_types(new_id)
            _remap_translation_source_content_types(new_id)
            call_command("rebuild_references_index", verbosity=0)
    call_command("update_index", verbosity=0)
    return manifest


def _permissions_named_by_groups(records):
    """Make again the permissions the backup's groups hold that flush does not: those a migration
    made rather than a model (wagtail-localize's "submit_translation", held by Translators)."""
    from django.contrib.auth.models import Permission

    for record in records:
        if record.get("model") != "auth.group":
            continue
        for codename, app_label, model in record["fields"].get("permissions", []):
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": codename.replace("_", " ").capitalize()},
            )


def _content_type_ids(old_content_types):
    """A function from a content type id in the backed-up database to the same type's id here."""
    new_ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}

    def new_id(old_id):
        if old_id is None:
            return None
        return new_ids[tuple(old_content_types[str(old_id)])]

    return new_id


def _remap_revision_content_types(new_id):
    """A page revision stores its content type as a bare id inside its content."""
    for revision in Revision.objects.all().only("pk", "content"):
        old_id = revision.content.get("content_type")
        if old_id is not None and new_id(old_id) != old_id:
            revision.content["content_type"] = new_id(old_id)
            Revision.objects.filter(pk=revision.pk).update(content=revision.content)


def _remap_translation_source_content_types(new_id):
    """wagtail-localize keeps the English page it translates from as JSON text (content_json), with
    the page's content type as a bare id, as a revision does: left alone it would name another model."""
    for source in TranslationSource.objects.all().only("pk", "content_json"):
        content = json.loads(source.content_json)
        old_id = content.get("content_type")
        if old_id is not None and new_id(old_id) != old_id:
            content["content_type"] = new_id(old_id)
            TranslationSource.objects.filter(pk=source.pk).update(content_json=json.dumps(content))
