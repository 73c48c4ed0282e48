"""Plain language, measured for editors: reading levels per section, offline, never blocking."""

import json
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from pages.models import ClinicSettings, GuidePage
from pages.plain_language import as_sentences, guide_readability, measure
from pages.rich_text import plain_text
from tests.support import normalise
from tests.test_guide_content import SECTION_HEADINGS


def test_the_formulas_on_words_whose_syllables_are_known():
    # Nine one-syllable words in two sentences.
    result = measure("Short", "The cat sat on the mat. The dog ran.", target_grade=8)
    assert (result.words, result.sentences, result.long_words) == (9, 2, 0)
    # Flesch: 206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word).
    assert result.reading_ease == pytest.approx(206.835 - 1.015 * 4.5 - 84.6 * 1, abs=0.1)
    # Flesch-Kincaid: 0.39 x (words per sentence) + 11.8 x (syllables per word) - 15.59.
    assert result.grade == pytest.approx(0.39 * 4.5 + 11.8 * 1 - 15.59, abs=0.1)
    assert not result.above_target

    hard = measure("Hard", "Immunotherapy personalisation necessitates considerable administrative coordination.", 8)
    assert hard.long_words == 6 and hard.long_word_share == 100 and hard.above_target


def test_headings_cells_and_list_items_count_as_sentences_of_their_own():
    text = as_sentences(["A heading", "First point", "A sentence already ends.", "Is it a question?", ""])
    assert text == "A heading. First point. A sentence already ends. Is it a question?"


def test_the_seeded_guide_is_measured_section_by_section_from_the_words_patients_see(guide):
    readability = guide_readability(guide)
    assert readability.target_grade == 8
    assert [part.name for part in readability.sections] == ["Introduction"] + SECTION_HEADINGS
    assert sum(part.words for part in readability.sections) == readability.overall.words
    # The guide's words stay as they are; it is well above the target, and that is shown, not enforced.
    assert readability.overall.grade > 8
    assert readability.sections_above_target == readability.sections
    longest_words, longest = readability.overall.longest[0]
    all_text = " ".join(
        [plain_text(guide.introduction)]
        + [str(text) for text in guide.body.stream_block.get_searchable_content(guide.body)]
    )
    assert longest in " ".join(all_text.split())
    assert longest_words == max(words for part in readability.sections for words, _ in part.longest)


def test_the_target_grade_is_the_clinics_setting(guide):
    clinic = ClinicSettings.load()
    clinic.plain_language_target_grade = 18
    clinic.save()
    readability = guide_readability(GuidePage.objects.get())
    assert readability.target_grade == 18 and readability.sections_above_target == []


def test_it_works_with_the_network_refused(tmp_path):
    """textstat's data ships in installed packages: nothing is fetched, even on first use."""
    script = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import django
django.setup()
import json
from pages.plain_language import measure
result = measure("Test", "Natural killer cells patrol your body. They find and destroy abnormal cells.", 8)
print(json.dumps([result.words, result.sentences, result.long_words, result.grade]))
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lmi_site.settings.test",
        # No data from an earlier download can help: a fresh home, and nowhere for NLTK to look.
        "HOME": str(tmp_path),
        "NLTK_DATA": str(tmp_path / "nltk_data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    words, sentences, long_words, grade = json.loads(done.stdout.strip().splitlines()[-1])
    # "Natural", "abnormal" and "destroy"/"body" are the words of more than one syllable;
    # only "natural" and "abnormal" have three.
    assert (words, sentences, long_words) == (12, 2, 2)
    assert isinstance(grade, float)


# --- where staff see it ---------------------------------------------------------------------------


def panel(client, guide):
    response = client.get(f"/admin/pages/{guide.id}/edit/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(".plain-language")


@pytest.mark.parametrize("group", ["Editors", "Medical reviewers", "Moderators"])
def test_everyone_who_edits_guides_sees_the_reading_levels(make_staff, guide, group):
    _, client = make_staff(group)
    shown = panel(client, guide)
    text = normalise(shown.get_text(" "))
    assert "Whole guide: Flesch–Kincaid grade" in text
    assert "8 of 8 parts are above the target grade." in text
    rows = shown.select(".plain-language__sections tbody tr")
    assert [normalise(row.th.get_text()) for row in rows] == ["Introduction"] + SECTION_HEADINGS
    assert all("Above target" in row.get_text() for row in rows)
    report = client.get("/admin/reports/plain-language/")
    assert report.status_code == 200
    report_text = normalise(BeautifulSoup(report.content, "html.parser").get_text(" "))
    assert guide.title in report_text and "8 of 8 parts are above the target grade." in report_text
    assert b"/admin/reports/plain-language/" in client.get("/admin/").content  # in the sidebar's menu


def test_staff_without_page_permissions_and_the_public_do_not(client, guide):
    user = get_user_model().objects.create_user("other", "o@example.com", "a-long-password")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff = Client()
    staff.force_login(user)
    assert staff.get("/admin/reports/plain-language/").status_code in (302, 403)
    assert b"/admin/reports/plain-language/" not in staff.get("/admin/").content
    response = client.get("/admin/reports/plain-language/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_guide_above_the_target_still_publishes(staff_client, guide):
    from tests.test_admin_editing import edit_form_data

    data = edit_form_data(staff_client, guide)
    data["summary"] = "A summary changed by a moderator, written at a high reading level nonetheless."
    data["action-publish"] = "action-publish"
    response = staff_client.post(f"/admin/pages/{guide.id}/edit/", data)
    assert response.status_code == 302
    assert GuidePage.objects.get().summary.startswith("A summary changed by a moderator")
    assert guide_readability(GuidePage.objects.get()).overall.above_target


def test_the_docs_show_the_seeded_guides_figures(guide):
    page = (settings.BASE_DIR / "docs" / "patients.md").read_text(encoding="utf-8")
    table = page.split("## Trusted health information\n")[1].split("| part | grade |")[1]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:] if line.startswith("|")]
    readability = guide_readability(guide)
    expected = [
        [part.name, str(part.grade), str(part.reading_ease), str(part.words), f"{part.long_word_share}%"]
        for part in [readability.overall] + readability.sections
    ]
    assert [[cell.strip() for cell in row] for row in rows] == expected
    assert f"The longest sentence has {readability.overall.longest[0][0]} words." in page
