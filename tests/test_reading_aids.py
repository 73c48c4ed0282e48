"""Reading a long guide: back to contents after each section, and the script that marks the section read."""

from django.conf import settings

from tests.support import normalise


def test_every_section_ends_with_a_link_back_to_the_contents(soup):
    sections = soup.select("article section.guide-section")
    body_sections = [section for section in sections if section.select_one(".back-to-contents")]
    assert len(body_sections) == 7
    for section in body_sections:
        link = section.find_all(recursive=False)[-1].select_one("a")
        assert normalise(link.get_text()) == "Back to contents" and link["href"] == "#contents"
    contents = soup.select_one("nav.contents")
    assert contents["id"] == "contents" and contents["tabindex"] == "-1"


def test_the_section_marker_is_a_same_origin_file_not_inline_code(soup):
    scripts = soup.select("script:not([type='application/ld+json'])")
    # The editing bar's script is only for signed-in staff; a patient's page has this one alone.
    # print.js (every page) dates a printout and writes the site's links out in full.
    assert [(script.get("src"), script.has_attr("defer"), script.string) for script in scripts] == [
        ("/static/js/print.js", True, None),
        ("/static/js/contents.js", True, None),
        ("/static/js/reading-counter.js", True, None),  # counts the reading on this site only (impact/)
    ]
    for name in ("contents.js", "print.js"):
        source = (settings.BASE_DIR / "static" / "js" / name).read_text()
        assert "http" not in source and "fetch" not in source  # it loads and sends nothing
    source = (settings.BASE_DIR / "static" / "js" / "contents.js").read_text()
    assert 'setAttribute("aria-current", "location")' in source
