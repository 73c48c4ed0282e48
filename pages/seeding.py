"""Load the site's content from the YAML files in fixtures/ (format: fixtures/README.md).

Everything is read and checked before anything is written, and the writing happens in one
transaction, so a bad file leaves the database exactly as it was.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail import hooks
from wagtail.models import DraftStateMixin, Locale, Page, Site

from lmi_site.language import SPANISH
from pages.blocks import ILLUSTRATIONS, GuideBodyBlock, with_block_ids
from pages.models import ClinicSettings, GuideIndexPage, GuidePage, HomePage, Person
from pages.models.base import pages_beyond_migrate
from pages.roles import setup_roles_and_workflow, setup_spanish_review, setup_translators

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SITE_FILE = FIXTURES_DIR / "site.yaml"
GUIDES_DIR = FIXTURES_DIR / "guides"

CONTENT_BLOCK_TYPES = ("paragraph", "table", "bullet_list", "faq_item", "figure")


# The Wagtail hook through which other apps seed their own pages after the guides (Seeder.run).
SEED_HOOK = "seed_content"


class SeedError(Exception):
    """A fixture file is wrong; the message names the file and the field."""


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: the seeder checks them itself and names the field.

    YAML's own date conversion turns `2025-02-30` into a traceback from inside the loader.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_limits(reader, model, values, where):
    """The admin's limits on text fields, which the model itself does not enforce on save."""
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            here = f"{where}.{name}" if where else name
            reader.fail(here, f"is {len(value)} characters long; the admin allows at most {limit}")
    return values


# --- reading and checking -------------------------------------------------------------------


class _Reader:
    """Checks one file's data, naming the file and the field in every error."""

    def __init__(self, path):
        self.path = Path(path)

    def fail(self, where, message):
        location = f"{self.path}: {where}" if where else str(self.path)
        raise SeedError(f"{location}: {message}")

    def load(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.fail("", "file not found")
        except IsADirectoryError:
            self.fail("", "is a folder; name a .yaml file")
        except UnicodeDecodeError as error:
            self.fail("", f"not UTF-8 text ({error.reason} at byte {error.start})")
        except OSError as error:
            self.fail("", f"cannot be read ({error.strerror})")
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(error, "problem", None) or str(error)
            self.fail(where, f"not valid YAML: {problem}")
        if not isinstance(data, dict):
            self.fail("", "expected a mapping of fields at the top level")
        return data

    def mapping(self, data, where, required, optional=()):
        if not isinstance(data, dict):
            self.fail(where, f"expected a mapping with the fields {', '.join(required)}")
        unknown = sorted(set(data) - set(required) - set(optional))
        if unknown:
            allowed = ", ".join(list(required) + list(optional))
            self.fail(where, f"unknown field {unknown[0]!r} (allowed: {allowed})")
        for name in required:
            if name not in data:
                self.fail(where, f"missing required field {name!r}")
        return data

    def text(self, data, name, where, required=True):
        value = data.get(name)
        here = f"{where}.{name}" if where else name
        if value is None or value == "":
            if required:
                self.fail(here, "must not be empty")
            return ""
        if not isinstance(value, str):
            self.fail(here, f"expected text, found {type(value).__name__}")
        return value.strip()

    def text_list(self, data, name, where):
        value = data.get(name)
        here = f"{where}.{name}" if where else name
        if not isinstance(value, list) or not value:
            self.fail(here, "expected a list of one or more paragraphs")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{here}[{index}]", "expected a paragraph of text")
        return [item.strip() for item in value]


def paragraphs_html(paragraphs):
    """Plain paragraphs as rich text; escaped, so a fixture can never inject markup."""
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def _content_blocks(reader, items, where):
    if not isinstance(items, list):
        reader.fail(where, "expected a list of blocks")
    blocks = []
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            reader.fail(
                here, f"expected one block written as 'TYPE: value', TYPE one of {', '.join(CONTENT_BLOCK_TYPES)}"
            )
        ((block_type, value),) = item.items()
        here = f"{here}.{block_type}"
        if block_type == "paragraph":
            if not isinstance(value, str) or not value.strip():
                reader.fail(here, "expected a paragraph of text")
            blocks.append({"type": "paragraph", "value": paragraphs_html([value.strip()])})
        elif block_type == "table":
            blocks.append({"type": "table", "value": _table(reader, value, here)})
        elif block_type == "bullet_list":
            if not isinstance(value, list) or not value:
                reader.fail(here, "expected a list of points, each with 'lead' and 'text'")
            points = []
            for point_index, point in enumerate(value):
                point_where = f"{here}[{point_index}]"
                reader.mapping(point, point_where, ("lead", "text"))
                points.append(
                    {"lead": reader.text(point, "lead", point_where), "text": reader.text(point, "text", point_where)}
                )
            blocks.append({"type": "bullet_list", "value": points})
        elif block_type == "faq_item":
            reader.mapping(value, here, ("question", "answer"))
            blocks.append(
                {
                    "type": "faq_item",
                    "value": {
                        "question": reader.text(value, "question", here),
                        "answer": paragraphs_html(reader.text_list(value, "answer", here)),
                    },
                }
            )
        elif block_type == "figure":
            reader.mapping(value, here, ("illustration", "caption", "description"))
            illustration = reader.text(value, "illustration", here)
            known = [key for key, _ in ILLUSTRATIONS]
            if illustration not in known:
                reader.fail(f"{here}.illustration", f"unknown drawing {illustration!r} (known: {', '.join(known)})")
            blocks.append(
                {
                    "type": "figure",
                    "value": {
                        "illustration": illustration,
                        "image": None,
                        "caption": reader.text(value, "caption", here),
                        "description": reader.text(value, "description", here),
                    },
                }
            )
        else:
            reader.fail(here, f"unknown block type {block_type!r} (expected one of: {', '.join(CONTENT_BLOCK_TYPES)})")
    return blocks


def _table(reader, value, where):
    reader.mapping(value, where, ("columns", "rows"), ("caption",))
    caption = reader.text(value, "caption", where, required=False)
    columns = value["columns"]
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c.strip() for c in columns):
        reader.fail(f"{where}.columns", "expected a list of one or more column headings")
    rows = value["rows"]
    if not isinstance(rows, list) or not rows:
        reader.fail(f"{where}.rows", "expected a list of one or more rows")
    for row_index, row in enumerate(rows):
        here = f"{where}.rows[{row_index}]"
        if not isinstance(row, list):
            reader.fail(here, "expected a list of cells")
        if len(row) != len(columns):
            reader.fail(here, f"has {len(row)} cells but the table has {len(columns)} columns")
        for cell_index, cell in enumerate(row):
            if not isinstance(cell, str | int | float) or isinstance(cell, bool) or str(cell).strip() == "":
                reader.fail(f"{here}[{cell_index}]", "expected the cell's text")
    return {
        "caption": caption,
        "columns": [{"type": "text", "heading": heading.strip()} for heading in columns],
        "rows": [{"values": [str(cell).strip() for cell in row]} for row in rows],
    }


def _slug(reader, value, where):
    try:
        validate_slug(value)
    except ValidationError:
        reader.fail(where, f"{value!r} is not a valid slug (lowercase letters, numbers and hyphens)")
    return value


@dataclass
class GuideData:
    path: Path
    slug: str
    fields: dict
    author: str
    reviewed_by: str


@dataclass
class SiteData:
    clinic: dict
    people: list
    home: dict
    guide_index: dict
    guides: list = field(default_factory=list)
    # The two pages above the guides in Spanish (under /es/): {"home": {...}, "guide_index": {...}}.
    spanish: dict = field(default_factory=dict)


def read_guide(path):
    reader = _Reader(path)
    data = reader.load()
    reader.mapping(
        data,
        "",
        (
            "slug",
            "title",
            "therapy_name",
            "summary",
            "introduction",
            "author",
            "reviewed_by",
            "last_reviewed",
            "sections",
        ),
    )
    slug = _slug(reader, reader.text(data, "slug", ""), "slug")
    last_reviewed = data["last_reviewed"]
    if not isinstance(last_reviewed, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", last_reviewed.strip()):
        reader.fail("last_reviewed", f"{last_reviewed!r} is not a date written as YYYY-MM-DD")
    try:
        last_reviewed = datetime.date.fromisoformat(last_reviewed.strip())
    except ValueError:
        reader.fail("last_reviewed", f"{last_reviewed!r} is not a date that exists")
    if last_reviewed > timezone.localdate():
        reader.fail("last_reviewed", f"{last_reviewed.isoformat()} is in the future")

    sections = data["sections"]
    if not isinstance(sections, list) or not sections:
        reader.fail("sections", "expected a list of one or more sections")
    body = []
    anchors = {}
    for index, section in enumerate(sections):
        where = f"sections[{index}]"
        reader.mapping(section, where, ("heading", "content"), ("anchor", "subsections"))
        heading = reader.text(section, "heading", where)
        anchor = section.get("anchor") or ""
        if anchor:
            _slug(reader, anchor, f"{where}.anchor")
        effective = anchor or slugify(heading)
        if effective in anchors:
            reader.fail(where, f"anchor {effective!r} is already used by sections[{anchors[effective]}]")
        anchors[effective] = index
        subsections = section.get("subsections") or []
        if not isinstance(subsections, list):
            reader.fail(f"{where}.subsections", "expected a list of subsections")
        sub_values = []
        for sub_index, subsection in enumerate(subsections):
            sub_where = f"{where}.subsections[{sub_index}]"
            reader.mapping(subsection, sub_where, ("heading", "content"))
            sub_values.append(
                {
                    "heading": reader.text(subsection, "heading", sub_where),
                    "content": _content_blocks(reader, subsection["content"], f"{sub_where}.content"),
                }
            )
        body.append(
            {
                "type": "section",
                "value": {
                    "heading": heading,
                    "anchor": anchor,
                    "content": _content_blocks(reader, section["content"], f"{where}.content"),
                    "subsections": sub_values,
                },
            }
        )

    # Wagtail's own block validation, as the editor would apply it.
    block = GuideBodyBlock()
    try:
        block.clean(block.to_python(body))
    except ValidationError as error:
        reader.fail("sections", f"rejected by the page editor's rules: {error}")

    fields = {
        "title": reader.text(data, "title", ""),
        "therapy_name": reader.text(data, "therapy_name", ""),
        "summary": reader.text(data, "summary", ""),
        "introduction": paragraphs_html(reader.text_list(data, "introduction", "")),
        "last_reviewed": last_reviewed,
        "body": with_block_ids(block, body),
    }
    _check_limits(reader, GuidePage, {"slug": slug, **fields}, "")
    return GuideData(
        path=Path(path),
        slug=slug,
        fields=fields,
        author=reader.text(data, "author", ""),
        reviewed_by=reader.text(data, "reviewed_by", ""),
    )


def read_site(site_path=SITE_FILE, guide_paths=None):
    reader = _Reader(site_path)
    data = reader.load()
    reader.mapping(data, "", ("clinic", "people", "home", "guide_index"), ("spanish",))

    clinic = reader.mapping(
        data["clinic"],
        "clinic",
        (
            "clinic_name",
            "consultation_invitation",
            "consultation_link_text",
            "mexico_heading",
            "mexico_statement",
            "disclaimer",
        ),
        ("consultation_link_url",),
    )
    clinic_fields = {
        name: reader.text(clinic, name, "clinic")
        for name in ("clinic_name", "consultation_invitation", "consultation_link_text", "mexico_heading", "disclaimer")
    }
    link_url = reader.text(clinic, "consultation_link_url", "clinic", required=False)
    if link_url:
        try:
            URLValidator(schemes=["http", "https"])(link_url)
        except ValidationError:
            reader.fail(
                "clinic.consultation_link_url", f"{link_url!r} is not a web address starting https:// or http://"
            )
    clinic_fields["consultation_link_url"] = link_url
    clinic_fields["mexico_statement"] = paragraphs_html(reader.text_list(clinic, "mexico_statement", "clinic"))
    _check_limits(reader, ClinicSettings, clinic_fields, "clinic")

    people = data["people"]
    if not isinstance(people, list) or not people:
        reader.fail("people", "expected a list of one or more people")
    people_fields = []
    names = set()
    for index, person in enumerate(people):
        where = f"people[{index}]"
        reader.mapping(person, where, ("name", "role", "short_bio"), ("credentials",))
        fields = {
            "name": reader.text(person, "name", where),
            "credentials": reader.text(person, "credentials", where, required=False),
            "role": reader.text(person, "role", where),
            "short_bio": reader.text(person, "short_bio", where),
        }
        _check_limits(reader, Person, fields, where)
        if fields["name"] in names:
            reader.fail(f"{where}.name", f"{fields['name']!r} is listed twice")
        names.add(fields["name"])
        people_fields.append(fields)

    home = reader.mapping(data["home"], "home", ("title", "summary"))
    index_page = reader.mapping(data["guide_index"], "guide_index", ("slug", "title", "summary"))
    _check_limits(reader, HomePage, {name: reader.text(home, name, "home") for name in home}, "home")
    _check_limits(
        reader,
        GuideIndexPage,
        {name: reader.text(index_page, name, "guide_index") for name in index_page},
        "guide_index",
    )
    site = SiteData(
        clinic=clinic_fields,
        people=people_fields,
        home={"title": reader.text(home, "title", "home"), "summary": reader.text(home, "summary", "home")},
        guide_index={
            "slug": _slug(reader, reader.text(index_page, "slug", "guide_index"), "guide_index.slug"),
            "title": reader.text(index_page, "title", "guide_index"),
            "summary": reader.text(index_page, "summary", "guide_index"),
        },
    )

    if "spanish" in data:
        site.spanish = _read_translated_frame(reader, data["spanish"], "spanish")

    if guide_paths is None:
        guide_paths = sorted(GUIDES_DIR.glob("*.yaml"))
    slugs = {}
    for path in guide_paths:
        guide = read_guide(path)
        if guide.slug in slugs:
            raise SeedError(f"{path}: slug: {guide.slug!r} is already the slug of {slugs[guide.slug]}")
        slugs[guide.slug] = path
        for name in ("author", "reviewed_by"):
            person = getattr(guide, name)
            if person not in names:
                raise SeedError(f"{path}: {name}: {person!r} is not one of the people in {site_path}")
        site.guides.append(guide)
    return site


def _read_translated_frame(reader, data, where):
    """The home page's and guide index's titles and summaries in another language (and the index's slug)."""
    reader.mapping(data, where, ("home", "guide_index"))
    home = reader.mapping(data["home"], f"{where}.home", ("title", "summary"))
    index_page = reader.mapping(data["guide_index"], f"{where}.guide_index", ("slug", "title", "summary"))
    frame = {
        "home": {name: reader.text(home, name, f"{where}.home") for name in ("title", "summary")},
        "guide_index": {name: reader.text(index_page, name, f"{where}.guide_index") for name in ("title", "summary")},
    }
    _check_limits(reader, HomePage, frame["home"], f"{where}.home")
    _check_limits(reader, GuideIndexPage, frame["guide_index"], f"{where}.guide_index")
    frame["guide_index"]["slug"] = _slug(
        reader, reader.text(index_page, "slug", f"{where}.guide_index"), f"{where}.guide_index.slug"
    )
    return frame


# --- writing --------------------------------------------------------------------------------


def _without_ids(value):
    """Stream data with Wagtail's generated block ids removed, for comparing content."""
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _comparable(instance, name):
    value = getattr(instance, name)
    if name == "body":
        stored = instance.body.get_prep_value() if hasattr(value, "get_prep_value") else value
        return _without_ids(with_block_ids(GuideBodyBlock(), stored))
    if isinstance(value, Person):
        return value.pk
    return value


def _edited_by_staff(instance):
    """Staff saves carry their user; the seeder's never do."""
    revision = instance.latest_revision
    return revision is not None and revision.user_id is not None


class Seeder:
    def __init__(self, force=False):
        self.force = force
        self.report = []

    def say(self, what, outcome):
        self.report.append(f"{what}: {outcome}")

    def sync(self, instance, fields, what):
        """Bring a page or person in line with the fixture, keeping staff edits unless forced."""
        new = type(instance)(**{name: value for name, value in fields.items()})
        changed = [name for name in fields if _comparable(instance, name) != _comparable(new, name)]
        if not changed:
            self.say(what, "unchanged")
            return instance
        if _edited_by_staff(instance) and not self.force:
            self.say(what, "kept staff edits (use --force to replace them with the fixture)")
            return instance
        for name in changed:
            setattr(instance, name, fields[name])
        if isinstance(instance, DraftStateMixin):
            instance.save_revision(log_action=True).publish()
            self.say(what, f"updated ({', '.join(changed)}), new revision published")
        else:
            instance.save()
            instance.save_revision(log_action=True)
            self.say(what, f"updated ({', '.join(changed)}), saved")
        return instance

    def person(self, fields):
        person = Person.objects.filter(name=fields["name"]).first()
        if person is None:
            person = Person(**fields)
            person.save()
            person.save_revision(log_action=True)
            self.say(f"Person {fields['name']!r}", "created")
            return person
        return self.sync(person, fields, f"Person {fields['name']!r}")

    def page(self, parent, model, slug, fields, what):
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug, **fields)
            parent.add_child(instance=page)
            page.save_revision(log_action=True).publish()
            self.say(what, "created")
            return page
        return self.sync(page, fields, what)

    def clinic_settings(self, fields):
        clinic = ClinicSettings.load()
        changed = [name for name, value in fields.items() if getattr(clinic, name) != value]
        if not changed:
            self.say("Clinic settings", "unchanged")
        elif clinic.clinic_name and not self.force:
            # Settings keep no revisions, so any difference may be a staff edit: keep it.
            self.say("Clinic settings", f"kept as edited ({', '.join(changed)} differ; use --force to replace)")
        else:
            for name in changed:
                setattr(clinic, name, fields[name])
            clinic.full_clean()
            clinic.save()
            self.say("Clinic settings", "saved")

    def tree_root(self):
        """Migrations make the root page, locale, staff roles and workflow; a flushed database has none."""
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:  # as migrations make them (pages 0011: Spanish)
            Locale.objects.get_or_create(language_code=code)
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
        setup_roles_and_workflow(django_apps)
        return root

    def home_page(self, fields):
        home = HomePage.objects.first()
        if home is not None:
            return self.sync(home, fields, "Home page")
        root = Page.get_first_root_node() or self.tree_root()
        # Wagtail's migrations leave a placeholder "Welcome" page; the clinic's home replaces it.
        for placeholder in root.get_children().filter(
            content_type__model="page", content_type__app_label="wagtailcore"
        ):
            placeholder.delete()
        home = HomePage(slug="home", **fields)
        root.add_child(instance=home)
        home.save_revision(log_action=True).publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=fields["title"]
            )
        else:
            site.root_page = home
            site.save()
        self.say("Home page", "created")
        return home

    def translation(self, page, language_code, fields, what):
        """The page's translation into the language, made (as wagtail-localize's editor makes one:
        Wagtail's copy for translation) and published with the fixture's words, or brought in line."""
        locale = Locale.objects.get(language_code=language_code)
        translated = page.get_translation_or_none(locale)
        if translated is None:
            translated = page.copy_for_translation(locale)
            for name, value in fields.items():
                setattr(translated, name, value)
            translated.save_revision(log_action=True).publish()
            self.say(what, "created")
            return translated
        return self.sync(translated.specific, fields, what)

    def spanish_frame(self, frame, home, guide_index):
        home_es = self.translation(home, SPANISH, frame["home"], "Home page (Spanish)")
        self.translation(guide_index, SPANISH, frame["guide_index"], "Guide index page (Spanish)")
        setup_translators(django_apps)  # Translators may change the Spanish pages, now there are some
        setup_spanish_review(django_apps)  # and Spanish guides are reviewed in Spanish, in their own workflow
        return home_es

    @transaction.atomic
    def run(self, site):
        self.clinic_settings(site.clinic)
        people = {fields["name"]: self.person(fields) for fields in site.people}
        home = self.home_page(site.home)
        index_fields = {"title": site.guide_index["title"], "summary": site.guide_index["summary"]}
        guide_index = self.page(home, GuideIndexPage, site.guide_index["slug"], index_fields, "Guide index page")
        for guide in site.guides:
            fields = dict(guide.fields, author=people[guide.author], reviewed_by=people[guide.reviewed_by])
            try:
                self.page(guide_index, GuidePage, guide.slug, fields, f"Guide {guide.slug!r}")
            except ValidationError as error:
                raise SeedError(f"{guide.path}: {error}") from error
        if site.spanish:
            self.spanish_frame(site.spanish, home, guide_index)
        # Then each other app's own pages (the consultation request page, the privacy notice, ...):
        # every app that has some registers a "seed_content" Wagtail hook, called as fn(seeder, home)
        # in this transaction, in INSTALLED_APPS order. The content app knows none of them.
        for seed_more in hooks.get_hooks(SEED_HOOK):
            seed_more(self, home)
        return self.report


# Any fixed number: PostgreSQL lets one session at a time hold it, so instances starting together seed once.
SEED_LOCK_ID = 7_160_902


def site_content_found():
    """What shows the site has been built already, as readable phrases; empty for a new database.

    Pages beyond migrate's placeholders, or any page's history: a site whose pages were all
    deleted on purpose keeps its history, and is not built again."""
    from wagtail.models import PageLogEntry

    found = []
    for label, queryset in (("pages", pages_beyond_migrate()), ("page history entries", PageLogEntry.objects.all())):
        if count := queryset.count():
            found.append(f"{count} {label}")
    return found


def seed(site_path=SITE_FILE, guide_paths=None, force=False, only_if_empty=False):
    if not only_if_empty:
        return Seeder(force=force).run(read_site(site_path, guide_paths))
    with transaction.atomic():
        # SQLite's IMMEDIATE transactions already let one writer in at a time.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEED_LOCK_ID])
        found = site_content_found()
        if found:
            return [f"The database already has content ({', '.join(found)}); nothing was seeded."]
        return Seeder(force=force).run(read_site(site_path, guide_paths))
