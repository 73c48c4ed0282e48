import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, PublishingPanel
from wagtail.models import Page, PagePermissionTester, PageViewRestriction, Site
from wagtail.search import index

from lmi_site.clock import current_time_zone_name
from lmi_site.keeping import until_content_changes

from .people import display_name

# On a page-cache miss (an editor reading a live page, the first reader after a publish) Wagtail
# walks the tree one level at a time (a query for each child and another for its specific type),
# then asks for the view restrictions of the page and its ancestors. What they find changes only
# when content changes, so each is kept until then (lmi_site/keeping.py; the delivery app keeps
# them and drops them on every publish, move, deletion, site or privacy change).


def child_for_route(parent, slug):
    """The specific child page at `slug`, kept until content changes; Http404 if there is none."""

    def find():
        try:
            child = parent.get_children().get(slug=slug)
        except parent.base_page_model.DoesNotExist as missing:
            raise Http404 from missing  # nothing kept, so random addresses add no keys
        return child.specific

    key = f"route-child:{parent.pk}:" + hashlib.sha256(slug.encode()).hexdigest()[:32]
    child = until_content_changes(key, find)
    child._cached_parent_obj = parent  # as Wagtail's routing does, so get_parent() costs no query
    return child


def has_view_restrictions(page):
    """Whether the page or any ancestor is private, kept until content (or privacy) changes."""
    return until_content_changes(
        f"view-restricted:{page.pk}", lambda: "yes" if Page.get_view_restrictions(page).exists() else "no"
    )


def translations_of(pages, request):
    """{translation key: {language code: address}} of the live, public versions of each page, its
    own included, in one query kept until content changes: for the hreflang alternates, the
    sitemap and the link to the other language (the page's own versions, or else the home page's)."""
    keys = sorted({str(page.translation_key) for page in pages if page is not None})

    def find():
        # Like .live().public(), in one query: no view restriction on the page or an ancestor.
        restricted = PageViewRestriction.objects.filter(page__path=Substr(OuterRef("path"), 1, Length("page__path")))
        found = Page.objects.filter(~Exists(restricted), translation_key__in=keys).live().select_related("locale")
        versions = {key: {} for key in keys}
        for translation in found:
            versions[str(translation.translation_key)][translation.locale.language_code] = translation.get_url(request)
        return versions

    return until_content_changes(f"translations:{':'.join(keys)}:{request.get_host()}", find)


def hreflang(language_code):
    """The language alone (en, es): each version is for every reader of its language, wherever they are."""
    return language_code.split("-")[0]


class BasePageForm(WagtailAdminPageForm):
    """Refuses to save over a version someone else saved after this editor was opened.

    Wagtail itself checks this only for its autosave requests (EditView.is_out_of_date) and
    otherwise relies on a notice drawn by JavaScript, so a Publish or Save pressed in an
    out-of-date editor would silently replace another person's work. Unlike Wagtail's check,
    this one ignores the editor's own autosaves: the form's `loaded_revision_created_at` stays
    at the version the editor opened while autosave writes newer revisions of its own.

    The refusal is a form error, so the editor comes back with everything typed still in it;
    it then carries the newer version's id, so pressing Publish again saves over it on purpose.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A browser cuts text longer than `maxlength` without a word (a 300-character title
            # pasted became 255); without it the form says how long the text is and what fits.
            field.widget.attrs.pop("maxlength", None)

    def clean(self):
        cleaned_data = super().clean()
        newer = self.newer_revision_by_someone_else()
        if newer is not None:
            who = display_name(newer.user) if newer.user else "Someone"
            when = timezone.localtime(newer.created_at).strftime("%H:%M on %d %B %Y")
            self.add_error(
                None,
                f"{who} saved a newer version of this page at {when}, after you opened it. Nothing was saved, "
                "so their changes are safe, and what you typed is still here. Compare the two in the page's "
                "History; to replace their version with yours, press the button again.",
            )
        return cleaned_data

    def newer_revision_by_someone_else(self):
        loaded_at = self.data.get("loaded_revision_created_at", "")
        if not self.instance.pk or not loaded_at or self.for_user is None:
            return None
        try:
            loaded_at = datetime.datetime.fromisoformat(loaded_at)
        except ValueError:
            return None
        return (
            self.instance.revisions.filter(created_at__gt=loaded_at)
            .exclude(user=self.for_user)  # keeps revisions with no user (scripts): someone else
            .select_related("user")
            .order_by("-created_at")
            .first()
        )


class ClinicPublishingPanel(PublishingPanel):
    """Wagtail's "Go live at" and "Expiry", saying which time zone the times are in (it does not)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for child in self.children:
            child.help_text = format_lazy(
                "In {}, your time zone (the clinic's unless you chose another in your account settings).",
                current_time_zone_name(),
            )


class ClinicPagePermissionTester(PagePermissionTester):
    """Wagtail's tests of what a person may do to a page, with deleting (and so moving) and copying
    narrowed.

    Wagtail lets whoever may change a page delete it while it is not live. Medical reviewers and
    Translators change pages only to review or translate them, and an Editor's draft is their own
    work: so those who do not publish may delete only drafts they wrote themselves that were never
    published (Wagtail's own rule for those who may only add pages); Moderators delete as Wagtail
    lets them. Wagtail has no setting for this, hence our own tester (BasePage.permissions_for_user).
    """

    def can_delete(self, ignore_bulk=False):
        if not self.user.is_active or self.user.is_superuser or "publish" in self.permissions:
            return super().can_delete(ignore_bulk=ignore_bulk)
        if "add" not in self.permissions:
            return False
        if not self.page.is_leaf() and not ignore_bulk and "bulk_delete" not in self.permissions:
            return False
        pages_to_delete = self.page.get_descendants(inclusive=True)
        return not pages_to_delete.exclude(live=False, first_published_at__isnull=True, owner=self.user).exists()

    def can_copy(self):
        # Wagtail offers Copy to whoever may change a page, but a copy is a new page: a Medical
        # reviewer or a Translator, who may add none, was led to a form that could only refuse.
        return super().can_copy() and (self.user.is_superuser or "add" in self.permissions)


class BasePage(Page):
    """What every public page has: a summary, a canonical address and breadcrumbs."""

    summary = models.TextField(
        max_length=400,
        help_text="One or two plain sentences shown in lists of pages and to search engines.",
    )

    content_panels = Page.content_panels + [FieldPanel("summary")]
    settings_panels = [ClinicPublishingPanel(), *Page.settings_panels[1:]]
    base_form_class = BasePageForm
    # What the page shows does not depend on the query string, so the page cache serves it by
    # path whatever tracking parameters a link carries (delivery/cache.py). A page type that reads
    # request.GET (filters, pagination) must say so.
    reads_query_string = False

    def route(self, request, path_components):
        # As Wagtail's Page.route, with each level's child kept until content changes (child_for_route).
        if path_components:
            return child_for_route(self, path_components[0]).route(request, path_components[1:])
        return super().route(request, path_components)

    def permissions_for_user(self, user):
        return ClinicPagePermissionTester(user, self)

    def get_view_restrictions(self):
        # Wagtail's check_view_restrictions hook asks this on every page served: most pages are
        # public, which is kept until content changes, and then it costs no query (has_view_restrictions).
        if has_view_restrictions(self) == "no":
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    search_fields = Page.search_fields + [index.SearchField("summary")]

    class Meta:
        abstract = True

    def canonical_url(self, request):
        # From the request's checked host (ALLOWED_HOSTS), so it is right behind any domain.
        return request.build_absolute_uri(self.get_url(request))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["canonical_url"] = self.canonical_url(request)
        context["breadcrumbs"] = self.breadcrumbs(request)
        site = Site.find_for_request(request)  # kept for pages served (delivery/routing.py): no query
        home = site.root_page if site else None
        versions = translations_of([self, home], request)
        context["translations"] = translations = versions[str(self.translation_key)] if self.live else {}
        context["home_translations"] = versions[str(home.translation_key)] if home else {}
        context["language_alternates"] = self.language_alternates(request, translations)
        return context

    def language_alternates(self, request, translations):
        """(hreflang, absolute address) of each language's version and x-default (the English one),
        when the page is published in more than one language; none otherwise."""
        if len(translations) < 2:
            return []
        alternates = [(hreflang(code), request.build_absolute_uri(url)) for code, url in sorted(translations.items())]
        if settings.LANGUAGE_CODE in translations:
            alternates.append(("x-default", request.build_absolute_uri(translations[settings.LANGUAGE_CODE])))
        return alternates

    def breadcrumbs(self, request):
        """(title, address) of the live pages above this one, home first.

        Walks up through get_parent(), which Wagtail's routing has already filled in while it
        found this page, so a served page's trail costs no query. The site's top page is "Home"
        in every trail, whatever its title.
        """
        trail, page = [], self.get_parent() if self.depth > 2 else None
        while page is not None:
            if page.live:
                trail.append((gettext("Home") if page.depth == 2 else page.title, page.get_url(request)))
            page = page.get_parent() if page.depth > 2 else None
        return trail[::-1]

    def get_sitemap_urls(self, request=None):
        alternates = self.language_alternates(request, translations_of([self], request)[str(self.translation_key)])
        return [
            {
                "location": self.canonical_url(request),
                "lastmod": self.last_published_at,
                "alternates": [{"lang_code": code, "location": url} for code, url in alternates],
            }
        ]


def pages_beyond_migrate():
    """Pages that are content: migrate makes the root page and Wagtail's "Welcome" placeholder, nothing more."""
    return Page.objects.exclude(depth=1).exclude(depth=2, content_type__app_label="wagtailcore")
