"""seed_content: builds the site from fixtures/, idempotent, careful with staff edits and bad files."""

import copy
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision, Site

from pages.models import ClinicSettings, GuideIndexPage, GuidePage, HomePage, Person
from tests.support import FIXTURES, TEST_FIXTURES

GUIDE_FILE = FIXTURES / "guides" / "nk-cell-therapy.yaml"
SECOND_GUIDE = TEST_FIXTURES / "guides" / "second-guide.yaml"


def run_seed(*args):
    from io import StringIO

    out = StringIO()
    call_command("seed_content", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Everything the seeder could write, to prove a failed run wrote nothing."""
    clinic = ClinicSettings.objects.first()
    return {
        "pages": sorted((p.path, p.slug, p.title, p.latest_revision_id, p.live) for p in Page.objects.order_by("path")),
        "revisions": Revision.objects.count(),
        "people": sorted(Person.objects.values_list("name", "role", "latest_revision_id")),
        "clinic": clinic and (clinic.clinic_name, clinic.disclaimer),
        "sites": sorted(Site.objects.values_list("hostname", "root_page_id")),
    }


def guide_data():
    return yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))


def write_yaml(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_seed_builds_the_page_tree_people_and_settings():
    run_seed()
    home = HomePage.objects.get(locale__language_code="en-gb")
    assert Site.objects.get(is_default_site=True).root_page_id == home.id
    index = GuideIndexPage.objects.child_of(home).get()
    guide = GuidePage.objects.child_of(index).get()
    assert guide.url == "/guides/nk-cell-therapy/"
    assert guide.live and not guide.has_unpublished_changes
    assert guide.author.name == "Dr. Kirk Sanford" and guide.reviewed_by.credentials == "MD"
    assert str(guide.last_reviewed) == "2025-08-26"
    assert [s[0] for s in guide.sections()][0] == "Understanding How NK Cell Therapy Works"
    assert Person.objects.count() == 2
    assert ClinicSettings.load().mexico_heading == "Considering Stem Cell Therapy in Mexico?"
    # Wagtail's placeholder welcome page is gone; ours, and its Spanish version, are the only pages
    # under the root.
    assert Page.objects.filter(depth=2).count() == 2
    home_es = HomePage.objects.get(locale__language_code="es")
    assert home_es.translation_key == home.translation_key and home_es.live and home_es.url == "/es/"
    assert GuideIndexPage.objects.child_of(home_es).get().url == "/es/guias/"


@pytest.mark.django_db
def test_seeding_again_changes_and_duplicates_nothing():
    run_seed()
    before = snapshot()
    output = run_seed()
    assert snapshot() == before
    assert "created" not in output and "updated" not in output
    # With the consultation and privacy pages, the Spanish home and index, and the Spanish form and notice.
    assert output.count("unchanged") == 12


@pytest.mark.django_db
def test_a_changed_fixture_updates_an_unedited_page_with_a_new_revision(tmp_path):
    run_seed()
    guide = GuidePage.objects.get()
    revisions = guide.revisions.count()
    data = guide_data()
    data["summary"] = "A new summary from an updated fixture."
    output = run_seed(str(write_yaml(tmp_path / "nk.yaml", data)))
    guide.refresh_from_db()
    assert guide.summary == "A new summary from an updated fixture."
    assert guide.revisions.count() == revisions + 1
    assert "Guide 'nk-cell-therapy': updated (summary)" in output


@pytest.mark.django_db
def test_staff_edits_are_kept_unless_forced_and_then_stay_restorable(tmp_path):
    run_seed()
    editor = get_user_model().objects.create_user("editor", password="unused-here")
    guide = GuidePage.objects.get()
    guide.summary = "Edited by staff."
    staff_revision = guide.save_revision(user=editor)
    staff_revision.publish()

    output = run_seed()
    guide.refresh_from_db()
    assert guide.summary == "Edited by staff."
    assert "kept staff edits" in output

    output = run_seed("--force")
    guide.refresh_from_db()
    assert guide.summary == guide_data()["summary"].strip()
    assert guide.latest_revision_id != staff_revision.id
    # The staff version is still there to restore.
    assert guide.revisions.filter(id=staff_revision.id).exists()
    assert staff_revision.as_object().summary == "Edited by staff."


@pytest.mark.django_db
def test_a_second_guide_file_loads_without_code_changes(client):
    run_seed(str(GUIDE_FILE), str(SECOND_GUIDE))
    response = client.get("/guides/second-test-guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="first" tabindex="-1">First Test Section</h2>' in html
    assert '<th scope="row">Alpha</th>' in html
    assert "Is this a test question?" in html
    home = client.get("/").content.decode()
    assert home.index("A Patient&#x27;s Guide to NK Cell Therapy") < home.index("A Second Test Guide")


def _missing_title(data):
    del data["title"]


def _unknown_block(data):
    data["sections"][0]["content"].append({"video": "https://example.com"})


def _short_row(data):
    table = data["sections"][0]["subsections"][1]["content"][1]["table"]
    table["rows"][2] = table["rows"][2][:1]


def _empty_paragraph(data):
    data["sections"][1]["content"][0] = {"paragraph": ""}


def _bad_date(data):
    data["last_reviewed"] = "26/08/2025"


def _unknown_person(data):
    data["reviewed_by"] = "Dr. Nobody"


def _duplicate_anchor(data):
    data["sections"][1]["heading"] = data["sections"][0]["heading"]


def _long_summary(data):
    data["summary"] = "x" * 410


def _long_therapy_name(data):
    data["therapy_name"] = "N" * 201


def _future_date(data):
    data["last_reviewed"] = "2999-01-01"


BAD_GUIDES = [
    (_long_summary, "summary: is 410 characters long; the admin allows at most 400"),
    (_long_therapy_name, "therapy_name: is 201 characters long; the admin allows at most 200"),
    (_future_date, "last_reviewed: 2999-01-01 is in the future"),
    (_missing_title, "missing required field 'title'"),
    (_unknown_block, "sections[0].content[2].video: unknown block type 'video'"),
    (_short_row, "sections[0].subsections[1].content[1].table.rows[2]: has 1 cells but the table has 2 columns"),
    (_empty_paragraph, "sections[1].content[0].paragraph: expected a paragraph of text"),
    (_bad_date, "last_reviewed: '26/08/2025' is not a date written as YYYY-MM-DD"),
    (_unknown_person, "reviewed_by: 'Dr. Nobody' is not one of the people"),
    (_duplicate_anchor, "sections[1]: anchor 'understanding-how-nk-cell-therapy-works' is already used by sections[0]"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("already_seeded", [False, True], ids=["empty-db", "seeded-db"])
@pytest.mark.parametrize("break_it,message", BAD_GUIDES, ids=[f.__name__.strip("_") for f, _ in BAD_GUIDES])
def test_bad_guide_file_names_file_and_field_and_writes_nothing(tmp_path, break_it, message, already_seeded):
    if already_seeded:
        run_seed()
    before = snapshot()
    data = guide_data()
    data["summary"] = "Changed, so a partial write would show."
    bad = copy.deepcopy(data)
    break_it(bad)
    good_path = write_yaml(tmp_path / "good.yaml", data | {"slug": "another-guide"})
    bad_path = write_yaml(tmp_path / "bad.yaml", bad)
    with pytest.raises(CommandError) as error:
        run_seed(str(good_path), str(bad_path))
    assert str(bad_path) in str(error.value)
    assert message in str(error.value)
    assert "Nothing was written" in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_malformed_yaml_names_the_line(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("slug: broken\ntitle: [unclosed\nsummary: x\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.yaml: line \d+, column \d+: not valid YAML"):
        run_seed(str(bad))
    assert Page.objects.filter(depth__gt=1).count() <= 1  # only Wagtail's own placeholder, if any
    assert not GuidePage.objects.exists()


@pytest.mark.django_db
def test_duplicate_slug_across_guide_files_is_refused(tmp_path):
    copy_path = write_yaml(tmp_path / "copy.yaml", guide_data())
    with pytest.raises(CommandError, match=r"copy\.yaml: slug: 'nk-cell-therapy' is already the slug of"):
        run_seed(str(GUIDE_FILE), str(copy_path))
    assert not GuidePage.objects.exists()


@pytest.mark.django_db
def test_bad_site_file_names_the_field(tmp_path):
    site = yaml.safe_load((FIXTURES / "site.yaml").read_text(encoding="utf-8"))
    del site["clinic"]["disclaimer"]
    path = write_yaml(tmp_path / "site.yaml", site)
    with pytest.raises(CommandError, match=r"site\.yaml: clinic: missing required field 'disclaimer'"):
        run_seed("--site", str(path))
    assert not ClinicSettings.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("already_seeded", [False, True], ids=["empty-db", "seeded-db"])
def test_an_impossible_date_written_without_quotes_is_named_not_a_traceback(tmp_path, already_seeded):
    if already_seeded:
        run_seed()
    before = snapshot()
    # YAML reads an unquoted 2025-02-30 as a date itself; it must reach the seeder's own check.
    text = GUIDE_FILE.read_text(encoding="utf-8").replace("last_reviewed: '2025-08-26'", "last_reviewed: 2025-02-30")
    assert "last_reviewed: 2025-02-30\n" in text
    path = tmp_path / "impossible.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run_seed(str(path))
    assert f"{path}: last_reviewed: '2025-02-30' is not a date that exists" in str(error.value)
    assert "Nothing was written" in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_folder_named_as_a_guide_file_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError) as error:
        run_seed(str(tmp_path))
    assert f"{tmp_path}: is a folder; name a .yaml file" in str(error.value)
    assert not GuidePage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "section,field,limit",
    [("people", "role", 200), ("people", "short_bio", 600), ("home", "summary", 400), ("clinic", "clinic_name", 200)],
)
def test_site_file_text_longer_than_the_admin_allows_is_refused(tmp_path, section, field, limit):
    site = yaml.safe_load((FIXTURES / "site.yaml").read_text(encoding="utf-8"))
    target = site[section][0] if section == "people" else site[section]
    target[field] = "x" * (limit + 1)
    path = write_yaml(tmp_path / "site.yaml", site)
    where = "people[0]" if section == "people" else section
    with pytest.raises(CommandError) as error:
        run_seed("--site", str(path))
    assert f"{where}.{field}: is {limit + 1} characters long; the admin allows at most {limit}" in str(error.value)
    assert not ClinicSettings.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.yaml: file not found"):
        run_seed(str(Path(tmp_path) / "nowhere.yaml"))


@pytest.mark.django_db
def test_markup_in_a_fixture_is_shown_as_text_never_run(tmp_path, client):
    data = guide_data()
    data["sections"][0]["content"][0] = {"paragraph": "<script>alert(1)</script> <img src=x onerror=alert(2)>"}
    run_seed(str(write_yaml(tmp_path / "nk.yaml", data)))
    html = client.get("/guides/nk-cell-therapy/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


# --- first deploy: `make serve` runs seed_content --if-empty -----------------------------------


@pytest.mark.django_db
def test_if_empty_builds_the_site_on_a_new_database_even_if_an_administrator_signed_up_first():
    get_user_model().objects.create_superuser("admin", "admin@clinic.test", "a-long-password")
    assert HomePage.objects.count() == 0  # migrate's "Welcome" placeholder only
    report = run_seed("--if-empty")
    assert "Home page: created" in report
    assert (
        GuidePage.objects.get().live
        and Site.objects.get().root_page_id == HomePage.objects.get(locale__language_code="en-gb").pk
    )


@pytest.mark.django_db
def test_if_empty_never_touches_a_database_with_content():
    run_seed()
    guide = GuidePage.objects.get()
    guide.delete()  # staff removed it; a plain seed_content would build it again
    before = snapshot()
    report = run_seed("--if-empty")
    assert report.strip().startswith("The database already has content (")
    assert report.strip().endswith("nothing was seeded.")
    assert snapshot() == before and not GuidePage.objects.exists()


@pytest.mark.django_db
def test_if_empty_does_not_rebuild_a_site_whose_pages_were_all_deleted():
    run_seed()
    for page in Page.objects.filter(depth=2):
        page.delete()
    assert "page history entries" in run_seed("--if-empty")
    assert not HomePage.objects.exists()


@pytest.mark.django_db
def test_force_and_if_empty_together_are_refused():
    with pytest.raises(CommandError, match="Choose --force or --if-empty, not both"):
        run_seed("--force", "--if-empty")
    assert not HomePage.objects.exists()
