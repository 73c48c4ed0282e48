"""The published guide carries the clinic's words exactly, in a sound structure."""

import re

import pytest

from tests.support import GUIDE_URL, normalise, source_lines, visible_text

# Lines of the source that are page metadata, rendered in the site's own words and tested below.
# "Medical Review" is the source's label for the reviewer; the page says "Medically reviewed by".
METADATA_LINES = {"Last Reviewed: August 26, 2025", "Short Disclaimer", "Medical Review"}
SECTION_HEADINGS = [
    "Understanding How NK Cell Therapy Works",
    "The Science Behind Your Immune Sentinels",
    "NK Cell Therapy for Cancer and Longevity",
    "Comparing Autologous and Allogeneic Options",
    "Your Patient Journey from Consultation to Treatment",
    "Ensuring Safety, Quality, and Choosing a Clinic",
    "Your Questions About NK Cell Therapy Answered",
]
KEY_CONCEPTS = [
    ["Component", "Description"],
    [
        "Immune Surveillance",
        "The natural process where NK cells patrol the body to detect and destroy abnormal cells before they can cause harm.",
    ],
    [
        "Cellular Expansion",
        "The laboratory process of multiplying a patient's own NK cells (ex vivo) into a large, therapeutic dose.",
    ],
    [
        "Immunomodulation",
        "The act of modifying or boosting the immune system's response to better fight disease and support overall wellness.",
    ],
    [
        "Autologous Therapy",
        "The use of a patient's own cells for treatment, which eliminates the risk of rejection and ensures perfect compatibility.",
    ],
]
COMPARISON = [
    ["Feature", "Autologous Therapy (Patient's Own Cells)", "Allogeneic Therapy (Donor Cells)"],
    [
        "Cell Source",
        "Collected directly from the patient's own blood.",
        "Sourced from a healthy, pre-screened donor (often umbilical cord blood).",
    ],
    [
        "Compatibility",
        "100% compatible, eliminating the risk of rejection or GvHD.",
        "Carefully matched and processed to minimize rejection risk.",
    ],
    [
        "Availability",
        "Requires a lab cultivation period (typically several weeks) to expand cells.",
        'Can be available "off-the-shelf," allowing for faster treatment initiation.',
    ],
    [
        "Cell Potency",
        "Reflects the patient's current immune health and age.",
        "Cells are typically younger and may exhibit higher cytotoxic activity.",
    ],
    [
        "Best For",
        "Proactive longevity, general immune support, and patients with strong baseline cellular health.",
        "Patients with compromised immune systems or those who may benefit from younger, more potent cells.",
    ],
]
TABLE_LINES = {"".join("".join(row) for row in table) for table in (KEY_CONCEPTS, COMPARISON)}


def expected_lines():
    """Each source line as a reader should find it on the page."""
    for line in source_lines():
        if line in METADATA_LINES or line in TABLE_LINES:
            continue
        yield normalise(line[2:] if line.startswith("- ") else line)


def test_tables_in_this_test_are_the_source_lines_rebuilt():
    # The expected tables above are typed by hand; the source proves them right.
    assert TABLE_LINES <= set(source_lines())


def test_every_line_of_the_source_appears_word_for_word_in_order(guide_html):
    text = visible_text(guide_html)
    position = 0
    for line in expected_lines():
        found = text.find(line, position)
        assert found != -1, f"missing or out of order: {line[:80]!r}"
        position = found + len(line)


def test_nothing_is_invented_between_the_title_and_the_last_section(soup):
    # Inside the article, every paragraph, list item and cell is a piece of some source line.
    source = normalise(" ".join(source_lines()))
    for element in soup.select(
        "article p, article li, article th, article td, article summary, article h2, article h3"
    ):
        if element.find_parent("nav"):
            continue  # the contents list repeats headings and has its own label
        if element.find_parent(class_="guide-credits"):
            continue  # metadata, tested separately
        if element.find_parent(class_="review-overdue"):
            continue  # the site's own notice of a late review, tested in test_review_dates
        if element.find_parent("figure") or "guide__meta" in element.get("class", []):
            continue  # the site's own drawing and reading time, tested in test_reading_aids
        text = normalise(element.get_text(" "))
        assert text in source, f"not in the source: {text[:80]!r}"


@pytest.mark.parametrize("table", [KEY_CONCEPTS, COMPARISON], ids=["key-concepts", "comparison"])
def test_tables_are_real_tables_cell_for_cell(soup, table):
    heading = (
        "Key Concepts in NK Cell Therapy" if table is KEY_CONCEPTS else "Autologous vs. Allogeneic NK Cell Therapy"
    )
    # The section's heading names the table; no caption repeats it.
    matches = [t for t in soup.select("table") if normalise(soup.find(id=t["aria-labelledby"]).get_text()) == heading]
    assert len(matches) == 1
    html_table = matches[0]
    assert html_table.caption is None
    headers = html_table.select("thead th")
    assert [normalise(th.get_text()) for th in headers] == table[0]
    assert all(th["scope"] == "col" for th in headers)
    rows = html_table.select("tbody tr")
    assert len(rows) == len(table) - 1
    for row, expected in zip(rows, table[1:], strict=True):
        cells = row.find_all(["th", "td"])
        assert cells[0].name == "th" and cells[0]["scope"] == "row"
        assert all(cell.name == "td" for cell in cells[1:])
        assert [normalise(cell.get_text()) for cell in cells] == [normalise(c) for c in expected]


def test_heading_outline(soup):
    article = soup.select_one("article")
    assert [normalise(h.get_text()) for h in soup.select("h1")] == ["A Patient's Guide to NK Cell Therapy"]
    sections = article.select("section.guide-section")
    h2s = [normalise(section.find("h2").get_text()) for section in sections]
    # The seven guide sections, then the clinic's statement about care in Mexico.
    assert h2s == SECTION_HEADINGS + ["Considering Stem Cell Therapy in Mexico?"]
    assert len(article.select("h2")) == 8
    h3s_by_section = {
        normalise(section.find("h2").get_text()): [normalise(h.get_text()) for h in section.select("h3")]
        for section in sections
    }
    assert h3s_by_section["Understanding How NK Cell Therapy Works"] == [
        "The Process of Cellular Reinforcement",
        "Key Concepts in NK Cell Therapy",
    ]
    assert h3s_by_section["Your Patient Journey from Consultation to Treatment"] == [
        "Step 1: Comprehensive Evaluation and Candidacy",
        "Step 2: Cell Collection and Expansion",
        "Step 3: The Infusion and Integration",
    ]
    assert h3s_by_section["Comparing Autologous and Allogeneic Options"] == [
        "Autologous Therapy: Your Own Immune Force",
        "Allogeneic Therapy: A Fresh, Potent Source",
        "Autologous vs. Allogeneic NK Cell Therapy",
        "Dosing and Combination Protocols",
    ]
    # Every heading line of the source is a heading on the page (FAQ questions are summaries).
    all_h3 = [normalise(h.get_text()) for h in article.select("h3")]
    assert len(all_h3) == 16


def test_sections_have_stable_anchors_and_the_contents_links_to_them(soup):
    for heading in SECTION_HEADINGS:
        h2 = next(h for h in soup.select("h2") if normalise(h.get_text()) == heading)
        expected = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
        assert h2["id"] == expected
    assert soup.select_one("h2#comparing-autologous-and-allogeneic-options")
    contents = [a["href"] for a in soup.select("nav.contents a")]
    assert contents == ["#" + h2["id"] for h2 in soup.select("section.guide-section h2")][:7]


def test_faq_items_are_structured_questions_with_answers(soup):
    items = soup.select("details.faq-item")
    assert [normalise(item.summary.get_text()) for item in items] == [
        "Who Is an Ideal Candidate for NK Cell Therapy?",
        "Is the Treatment Painful? What About Downtime?",
        "How Soon Can I Expect to See Results?",
        "How Does This Fit into a Personal Longevity Plan?",
    ]
    first_answer = [normalise(p.get_text()) for p in items[0].select(".faq-item__answer p")]
    assert first_answer[0].startswith("The ideal candidate is often someone")
    assert len(first_answer) == 2
    assert all(len(item.select(".faq-item__answer p")) == 2 for item in items)


def test_bulleted_lists_keep_their_lead_in_words_in_strong(soup):
    lists = soup.select("article ul.key-points")
    assert len(lists) == 2
    leads = [[normalise(s.get_text()) for s in ul.select("li > strong")] for ul in lists]
    assert leads == [
        ["Reduce Chronic Inflammation:", "Enhance Immune Surveillance:", "Support Cellular Rejuvenation:"],
        ["Licensed Facilities:", "Meticulous Donor Screening:", "Precise Cell Dosing:"],
    ]


def test_author_reviewer_review_date_and_disclaimer(soup):
    credits = soup.select_one(".guide-credits")
    text = normalise(credits.get_text(" "))
    assert "Author: Dr. Kirk Sanford, DC — Founder & CEO, Longevity Medical Institute. Dr. Sanford focuses" in text
    assert "Medically reviewed by: Dr. Félix Porras, MD — Medical Director, Longevity Medical Institute." in text
    last_reviewed, next_due = credits.select("time")
    assert normalise(last_reviewed.find_parent("dd").find_previous_sibling("dt").get_text()) == "Last reviewed:"
    assert last_reviewed.get_text() == "26 August 2025" and last_reviewed["datetime"] == "2025-08-26"
    assert "Last reviewed: 26 August 2025" in text
    # Derived from the clinic's default interval of 12 months; one date style throughout.
    assert normalise(next_due.find_parent("dd").find_previous_sibling("dt").get_text()) == "Next review due:"
    assert next_due.get_text() == "26 August 2026" and next_due["datetime"] == "2026-08-26"
    assert "Next review due: 26 August 2026" in text
    disclaimer = normalise(soup.select_one(".disclaimer").get_text(" "))
    assert disclaimer.startswith("Disclaimer:")
    assert disclaimer.endswith(normalise(source_lines()[-1]))


def test_closing_invitation_and_mexico_section_follow_the_last_section(guide_html):
    text = visible_text(guide_html)
    faq_end = text.index("optimize your healthspan and vitality.")
    invitation = text.index("Longevity Medical Institute offers physician-guided regenerative therapies")
    mexico = text.index("Considering Stem Cell Therapy in Mexico?")
    author = text.index("Dr. Kirk Sanford, DC")
    assert faq_end < invitation < mexico < author


def test_mentions_of_guides_that_do_not_exist_stay_as_plain_text(soup):
    sentence = (
        "You can explore the core principles behind this approach in our guide on how regenerative medicine works."
    )
    paragraph = next(p for p in soup.select("article p") if sentence in normalise(p.get_text()))
    assert paragraph.find("a") is None


def test_guide_page_has_exactly_one_main_and_language(client, seeded):
    html = client.get(GUIDE_URL).content.decode()
    # The clinic's words are written in US English ("personalized", "specialized"), so say so.
    assert '<html lang="en-US">' in html
    assert "personalized" in html and "personalised" not in html
    assert html.count("<main") == 1
