""" "Did you mean …?": a misspelt word is put right from the words of the published guides, and only those."""

from urllib.parse import quote

import pytest
from wagtail.models import PageViewRestriction

from pages.models import GuidePage
from pages.seeding import seed
from searches.tests.support import main_text, search, shown, suggestion
from tests.support import FIXTURES, GUIDE_URL, TEST_FIXTURES


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("natual killer", "natural killer"),
        ("imunotherapy", "immunotherapy"),
        ("Perforn", "perforin"),
        ("senesent cells", "senescent cells"),
    ],
)
def test_a_misspelt_word_offers_the_word_the_guide_uses_and_following_it_finds_the_guide(client, seeded, typed, meant):
    soup = search(client, typed)
    assert shown(soup) == []
    assert f'No guides matched "{typed}". Did you mean {meant}?' in main_text(soup)
    assert suggestion(soup) == (meant, f"?q={quote(meant)}")

    followed = search(client, meant)
    (result,) = shown(followed)
    assert result.href == GUIDE_URL
    assert meant in {words.lower() for words in result.marked}
    assert suggestion(followed) is None


@pytest.mark.parametrize("typed", ["xylophone", "dental implants", "zzzz", "2025", "qx"])
def test_no_suggestion_when_no_word_of_the_guides_is_near(client, seeded, typed):
    soup = search(client, typed)
    assert suggestion(soup) is None
    assert "check the spelling" in main_text(soup)


def second_guide():
    seed(guide_paths=[FIXTURES / "guides" / "nk-cell-therapy.yaml", TEST_FIXTURES / "guides" / "second-guide.yaml"])
    return GuidePage.objects.get(slug="second-test-guide")


def test_the_words_suggested_follow_publishing(client, seeded):
    # "Alpha" is in the second test guide's table, and in no other guide.
    assert suggestion(search(client, "alpah")) is None  # and the guides' words are now kept

    second = second_guide()
    assert suggestion(search(client, "alpah")) == ("alpha", "?q=alpha")

    second.unpublish()
    assert suggestion(search(client, "alpah")) is None

    # A draft's words are not the guides' words until it is published.
    second.save_revision().publish()
    draft = second.get_latest_revision_as_object()
    draft.introduction = "<p>This draft mentions zebrafish.</p>"
    draft.save_revision()
    assert suggestion(search(client, "zebrafsh")) is None
    assert suggestion(search(client, "alpah")) == ("alpha", "?q=alpha")


def test_the_words_of_a_guide_behind_a_password_are_never_suggested(client, seeded):
    second = second_guide()
    PageViewRestriction.objects.create(page=second, restriction_type=PageViewRestriction.PASSWORD, password="x-secret")
    assert suggestion(search(client, "alpah")) is None


def test_no_suggestion_that_would_find_nothing_either(client, seeded):
    second_guide()
    # Each word is put right from a different guide; no guide has both, so nothing is offered.
    assert suggestion(search(client, "alpah")) == ("alpha", "?q=alpha")
    assert suggestion(search(client, "perforn")) == ("perforin", "?q=perforin")
    soup = search(client, "alpah perforn")
    assert shown(soup) == [] and suggestion(soup) is None
