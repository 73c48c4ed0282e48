"""`make backup` then `make restore` into a fresh database gives back the same site."""

import io
import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageLogEntry

from backup.backup import read_backup, write_backup
from backup.tests.snapshot import site_snapshot
from benchmarks.harness import collect_static
from pages.models import GuidePage, Person
from pages.seeding import seed
from tests.support import database_url_for_other_processes
from tests.test_admin_editing import edit_form_data
from tests.test_uploads import jpeg_with_gps
from tests.throwaway import throwaway_database
from tests.translations import TEST_TITLE, publish_in_spanish_through_wagtail_localize


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def build_site(client):
    """The seeded site after a staff member has been at work: drafts, publishes, an upload."""
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    client.force_login(staff)
    guide = GuidePage.objects.get()
    data = edit_form_data(client, guide)
    data["summary"] = "A summary saved as a draft first."
    assert client.post(f"/admin/pages/{guide.pk}/edit/", data).status_code == 302
    guide.refresh_from_db()
    data = edit_form_data(client, guide)
    data["summary"] = "A summary published by staff."
    data["action-publish"] = "action-publish"
    assert client.post(f"/admin/pages/{guide.pk}/edit/", data).status_code == 302
    guide.refresh_from_db()
    data = edit_form_data(client, guide)
    data["title"] = "An unpublished title change"
    assert client.post(f"/admin/pages/{guide.pk}/edit/", data).status_code == 302
    person = Person.objects.first()
    person.short_bio = "An edited biography."
    person.save()
    person.save_revision(user=staff)
    # A transactional test after another finds the tables emptied, the migrations' root collection too.
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    get_image_model().objects.create(
        title="Consulting room",
        file=ImageFile(io.BytesIO(jpeg_with_gps()), name="consulting-room.jpg"),
        collection=collection,
    )
    get_document_model().objects.create(
        title="Consent form",
        file=ContentFile(b"%PDF-1.4 consent form", name="consent-form.pdf"),
        collection=collection,
    )


SPANISH_GUIDE_URL = "/es/guias/nk-cell-therapy/"
SNAPSHOT = (
    "import django, json; django.setup(); from backup.tests.snapshot import site_snapshot; "
    "print(json.dumps(site_snapshot(), default=str, sort_keys=True))"
)


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, **kwargs)


SPANISH_CHECK = (
    "import django, json; django.setup(); from backup.tests.restored_spanish import spanish_guide_after_restore; "
    "print(json.dumps(spanish_guide_after_restore()))"
)


def production(database_url, media_root):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="lmi_site.settings.production",
        SECRET_KEY="a-secret-for-this-test-only-" + "z" * 40,
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
    )
    return env


def test_backup_and_restore_into_a_fresh_database_give_back_every_page_and_revision(
    client, transactional_db, media, tmp_path
):
    seed()
    build_site(client)
    # Issue 21: a Spanish guide, translated in wagtail-localize and approved, is carried too.
    spanish, translation = publish_in_spanish_through_wagtail_localize()
    assert client.get(SPANISH_GUIDE_URL).status_code == 200
    original = json.loads(json.dumps(site_snapshot(), default=str, sort_keys=True))
    guide_path = GuidePage.objects.get(locale__language_code="en-gb").path
    assert len(original["pages"][guide_path]["revisions"]) == 4
    assert original["images"] and original["documents"]
    assert original["locales"] == ["en-gb", "es"] and len(original["translations"]) == 1
    assert original["groups"]["Translators"]["pages"] == [["/home-es/", "es", "change_page"]]

    # `make backup`, as the operator runs it, on the site's database as committed.
    made = run(
        ["make", "--no-print-directory", "backup", f"BACKUP_DIR={tmp_path / 'backups'}"],
        production(database_url_for_other_processes(tmp_path), media),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    backup = made.stdout.strip().splitlines()[-1]
    assert backup.endswith(".tar.gz") and os.path.exists(backup)

    with throwaway_database(tmp_path) as (database_url, _):
        env = production(database_url, tmp_path / "restored-media")
        result = run(["make", "--no-print-directory", "restore", f"BACKUP={backup}"], env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restored" in result.stdout

        restored = run([sys.executable, "-c", SNAPSHOT], env)
        assert restored.returncode == 0, restored.stderr
        restored = json.loads(restored.stdout)
        # The reader's page is drawn with production's hashed static files: collect them, as deploying does.
        env["STATIC_ROOT"] = str(tmp_path / "static")
        collect_static(env)
        spanish_restored = run([sys.executable, "-c", SPANISH_CHECK], env)
        assert spanish_restored.returncode == 0, spanish_restored.stderr
        spanish_restored = json.loads(spanish_restored.stdout)

        # Restoring again is refused: the database is no longer empty, and nothing changes.
        again = run(["make", "--no-print-directory", "restore", f"BACKUP={backup}"], env)
        assert again.returncode != 0
        assert "Nothing was restored. The database is not empty" in again.stderr

    for path, page in original["pages"].items():
        assert restored["pages"][path] == page, f"page {page['data']['title']!r} differs after restore"
        assert len(restored["pages"][path]["revisions"]) == len(page["revisions"])
    assert restored == original

    # The Spanish guide is served at its address, in Spanish, with its own title.
    assert spanish_restored["status"] == 200
    assert spanish_restored["lang"] == "es-MX" and spanish_restored["heading"] == TEST_TITLE == spanish.title
    assert spanish_restored["locales"] == ["en-gb", "es"]
    # wagtail-localize's link from the English guide survives: it still names the Spanish guide,
    # every string is still translated, and "Sync translated pages" works from it.
    assert spanish_restored["translation_target_is_the_spanish_guide"]
    total, done = translation.get_progress()
    assert spanish_restored["strings_translated"] == [done, total] and done == total > 0
    assert spanish_restored["sync_form"] == 200
    assert spanish_restored["sync"][0] == 302 and spanish_restored["synced_again"]
    # The Translators still change the Spanish pages, and only those.
    assert spanish_restored["translators_pages"] == [["/es/", "change_page"]]
    assert spanish_restored["translator_can_edit_spanish_guide"]
    assert not spanish_restored["translator_can_edit_english_guide"]


def test_restore_names_what_is_wrong_with_a_file_that_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some bytes")
    with pytest.raises(Exception, match="not a backup made by `make backup`"):
        call_command("restore_content", str(not_a_backup))


EDITED_DURING_BACKUP = "Added while the backup ran"


def edit_from_another_connection(outcome):
    """A staff member's save, committed (where the database lets it) while the backup reads."""
    guide = GuidePage.objects.get()
    try:
        with transaction.atomic():
            Person.objects.create(name=EDITED_DURING_BACKUP, role="Editor", short_bio="New.")
            PageLogEntry.objects.log_action(guide, "wagtail.edit", title=EDITED_DURING_BACKUP)
        outcome.append("committed")
    except OperationalError as error:  # SQLite: the backup's read lock keeps the writer out
        outcome.append(f"refused: {error}")
    finally:
        connection.close()


def test_a_backup_is_the_site_at_one_moment_even_while_staff_edit(transactional_db, tmp_path):
    seed()
    outcome = []

    def between_the_two_reads(execute, sql, params, many, context):
        # The first read (pages, people, revisions) is done; the page history is next.
        if not outcome and "wagtailcore_pagelogentry" in sql:
            writer = threading.Thread(target=edit_from_another_connection, args=(outcome,))
            writer.start()
            writer.join(timeout=60)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(between_the_two_reads):
        backup = write_backup(tmp_path)
    assert outcome, "the edit was never attempted"
    if connection.vendor == "postgresql":
        assert outcome == ["committed"]
        assert Person.objects.filter(name=EDITED_DURING_BACKUP).exists()

    manifest, data, page_log, _ = read_backup(backup)
    # Neither half of the edit is in the backup: not the person, and not the history entry.
    assert EDITED_DURING_BACKUP not in data
    assert not [entry for entry in page_log if EDITED_DURING_BACKUP in json.dumps(entry)]
    assert manifest["counts"]["pages.person"] == 2


def test_a_backup_is_named_by_the_clinics_clock_with_its_offset(db, tmp_path):
    """Issue 18: backup names were UTC while the clinic and its staff read Los Cabos time."""
    import datetime
    import re
    from pathlib import Path
    from zoneinfo import ZoneInfo

    seed()
    before = datetime.datetime.now(ZoneInfo("America/Mazatlan"))
    out = io.StringIO()
    call_command("backup_content", output_dir=str(tmp_path), stdout=out)
    name = Path(out.getvalue().strip()).name
    stamp = re.fullmatch(r"lmi-backup-(\d{8}-\d{6})-\d{6}([+-]\d{4})\.tar\.gz", name)
    assert stamp, name
    assert stamp.group(2) == before.strftime("%z") == "-0700"
    named = datetime.datetime.strptime(stamp.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=ZoneInfo("America/Mazatlan"))
    assert abs((named - before).total_seconds()) < 60
