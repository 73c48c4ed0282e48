"""Guides staff promoted for a search term (Wagtail's search promotions), shown first."""

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.search.utils import normalise_query_string

from pages.models import GuidePage


def promoted_guides(terms):
    """The live, public guides promoted for `terms`, in the order staff gave them.

    Only promoted guides are shown: a promotion of an external link would send patients to
    another site from the clinic's own search, which the site does not do.
    """
    page_ids = list(
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(terms), page__isnull=False)
        .order_by("sort_order", "pk")
        .values_list("page_id", flat=True)
    )
    if not page_ids:
        return []
    guides = {guide.pk: guide for guide in GuidePage.objects.live().public().filter(pk__in=page_ids)}
    return [guides[page_id] for page_id in page_ids if page_id in guides]
