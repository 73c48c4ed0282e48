"""The README fits on a screen and sends the reader on to docs/, and no link in either leads nowhere.

Text moves between README.md and docs/ pages; a relative link written for one folder breaks in
the other, and a renamed heading breaks every link to its anchor.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [words](target) and ![alt](target), but not inside `code`.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def anchors(markdown):
    """The anchors GitHub makes from a page's headings: lower case, punctuation dropped, spaces to hyphens."""
    made = set()
    for heading in re.findall(r"(?m)^#{1,6} +(.+?) *$", markdown):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        made.add(slug)
    return made


def links(path):
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def test_the_readme_fits_on_a_screen_and_points_to_every_docs_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    for command in ("make run", "make test", "make serve"):
        assert command in readme
    for page in (ROOT / "docs").glob("*.md"):
        assert f"](docs/{page.name})" in readme, f"the README does not lead to docs/{page.name}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document):
    for target in links(document):
        address, _, anchor = target.partition("#")
        destination = (document.parent / address).resolve() if address else document
        assert destination.exists(), f"{target} in {document.name} leads to no file"
        if anchor:
            assert anchor in anchors(destination.read_text(encoding="utf-8")), (
                f"{target} in {document.name}: no such heading in {destination.name}"
            )


# A file of ours named in `code`: the docs point a reader at it, so it must be where they say.
NAMED_FILE = re.compile(
    r"`((?:pages|delivery|medical_review|backup|impact|consultations|feedback|searches|lmi_site|tests|templates|static"
    r"|fixtures|deploy|benchmarks|docs|\.ci)/[\w./-]+)`"
)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_file_the_docs_name_is_where_they_say(document):
    named = set(NAMED_FILE.findall(document.read_text(encoding="utf-8")))
    missing = sorted(path for path in named if "<" not in path and not (ROOT / path).exists())
    assert missing == [], f"{document.name} names files that are not there (moved?): {missing}"
