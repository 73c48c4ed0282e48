"""Staff's search synonyms: patients' words that also find the guides' words, per language, kept by
Moderators, offered from the searches report for each term that found nothing."""

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Locale

from searches.models import SearchWithoutResults, Synonym
from searches.tests.support import main_text, search, shown
from tests.support import GUIDE_URL, normalise

ADD = "/admin/search-synonyms/new/"


def add_synonym(client, term, means, locale=None):
    locale = locale or Locale.get_default()
    return client.post(ADD, {"locale": locale.pk, "term": term, "means": means})


def errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        field["data-contentpath"]: normalise(field.select_one("[data-field-errors]").get_text(" "))
        for field in soup.select("[data-field]")
        if normalise(field.select_one("[data-field-errors]").get_text(" "))
    }


def test_a_moderator_adds_a_synonym_and_the_patients_word_finds_the_guide(client, seeded, make_staff):
    assert shown(search(client, "recuperation")) == []
    _, moderator = make_staff("Moderators")
    response = add_synonym(moderator, "  Recuperation! ", "Downtime")
    assert response.status_code == 302, errors(response)
    assert list(Synonym.objects.values_list("locale__language_code", "term", "means")) == [
        (Locale.get_default().language_code, "recuperation", "downtime")
    ]

    soup = search(client, "recuperation")
    (result,) = shown(soup)
    assert result.href == GUIDE_URL
    assert "1 guide found." in main_text(soup)
    assert {word.lower() for word in result.marked} == {"downtime"}
    # Counted as a search that found something; the one before the synonym found nothing.
    assert SearchWithoutResults.objects.get(query__query_string="recuperation").hits == 1


def test_a_synonym_of_two_words_leads_to_the_section_about_it(client, seeded):
    Synonym.objects.create(locale=Locale.get_default(), term="side effects", means="safety")
    soup = search(client, "What are the side effects?")
    (result,) = shown(soup)
    assert result.section == "Ensuring Safety, Quality, and Choosing a Clinic"
    assert result.marked == ["side effects", "safety"]
    assert [normalise(m.get_text()) for m in soup.select(".search-results__section mark")] == ["Safety"]


def test_a_synonym_applies_only_in_its_own_language(client, seeded):
    spanish = Locale.objects.get(language_code="es")  # the Spanish locale the site has
    Synonym.objects.create(locale=spanish, term="recuperation", means="downtime")
    assert shown(search(client, "recuperation")) == []


@pytest.mark.parametrize(
    "term, means, field, message",
    [
        ("!!!", "cost", "term", "letters or numbers"),
        ("price", "¿?", "means", "letters or numbers"),
        ("Price", "price.", "means", "These are the patients' words again"),
        ("p" * 201, "cost", "term", "at most 200 characters (it has 201)"),
        ("", "cost", "term", "This field is required."),
    ],
)
def test_a_synonym_that_is_not_one_is_refused_with_what_is_wrong(make_staff, db, term, means, field, message):
    _, moderator = make_staff("Moderators")
    response = add_synonym(moderator, term, means)
    assert response.status_code == 200
    assert message in errors(response)[field]
    assert not Synonym.objects.exists()


def test_the_same_synonym_twice_is_refused(make_staff, db):
    _, moderator = make_staff("Moderators")
    assert add_synonym(moderator, "price", "cost").status_code == 302
    response = add_synonym(moderator, "PRICE", "Cost!")
    assert response.status_code == 200
    assert "This synonym is already there." in normalise(BeautifulSoup(response.content, "html.parser").get_text(" "))
    assert Synonym.objects.count() == 1


@pytest.mark.parametrize("group, keeps", [("Moderators", True), ("Editors", False), ("Medical reviewers", False)])
def test_moderators_keep_the_synonyms(make_staff, db, group, keeps):
    _, client = make_staff(group)
    synonym = Synonym.objects.create(locale=Locale.get_default(), term="price", means="cost")
    pages = ["/admin/search-synonyms/", ADD, f"/admin/search-synonyms/edit/{synonym.pk}/"]
    for page in pages:
        response = client.get(page)
        assert (response.status_code == 200) is keeps, page
        if not keeps:
            assert response.status_code == 302 and response["Location"] == "/admin/", page
    assert (
        add_synonym(client, "fees", "cost").status_code == 302 and Synonym.objects.filter(term="fees").exists()
    ) is keeps
    assert (b"/admin/search-synonyms/" in client.get("/admin/").content) is keeps  # in the Settings menu or not
    client.post(f"/admin/search-synonyms/delete/{synonym.pk}/")
    assert Synonym.objects.filter(pk=synonym.pk).exists() is not keeps


# --- from the searches report ----------------------------------------------------------------------


def without_results_rows(client):
    soup = BeautifulSoup(client.get("/admin/reports/searches/").content, "html.parser")
    return soup.select("#searches-without-results tbody tr")


def test_the_report_links_a_term_that_found_nothing_to_adding_its_synonym(client, seeded, make_staff):
    search(client, "Dental implants?")
    _, moderator = make_staff("Moderators")
    (row,) = without_results_rows(moderator)
    link = row.select_one("a")
    assert normalise(link.get_text(" ")) == 'Add a synonym for "dental implants"'
    assert link["href"] == f"{ADD}?term=dental%20implants"

    form = BeautifulSoup(moderator.get(link["href"]).content, "html.parser")
    assert form.select_one("input[name=term]")["value"] == "dental implants"
    assert form.select_one("input[name=means]").get("value") in (None, "")
    assert form.select_one("select[name=locale] option[selected]")["value"] == str(Locale.get_default().pk)

    assert add_synonym(moderator, "dental implants", "infusion").status_code == 302
    (row,) = without_results_rows(moderator)
    assert normalise(row.select("td")[3].get_text(" ")).startswith('Also finds "infusion".')


def test_staff_who_do_not_keep_synonyms_see_the_terms_without_the_link(client, seeded, make_staff):
    search(client, "dental implants")
    _, editor = make_staff("Editors")
    (row,) = without_results_rows(editor)
    assert [normalise(cell.get_text()) for cell in row.select("td")] == ["dental implants", "English", "1", ""]
    assert row.select("a") == []
    assert SearchWithoutResults.objects.get().date == timezone.localdate()
