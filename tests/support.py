import os
import re
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from pages.seeding import seed


def redis_for_test(number):
    """A Redis database of one test module's own (each module that starts servers has its number).
    TEST_REDIS_SERVER names another Redis server, so that a second run of the suite beside this one
    (say, a check while a long series runs) touches none of its databases."""
    return f"{os.environ.get('TEST_REDIS_SERVER', 'redis://127.0.0.1:6379').rstrip('/')}/{number}"


FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCE_TEXT = FIXTURES / "source" / "nk-cell-therapy-guide.txt"
GUIDE_URL = "/guides/nk-cell-therapy/"
TEST_FIXTURES = Path(__file__).parent / "fixtures"

QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalise(text):
    """Compare words, not typography: straight quotes, single spaces."""
    text = re.sub(r"\s+", " ", text.translate(QUOTES))
    # get_text puts a space at each tag edge; none belongs before closing punctuation.
    return re.sub(r" ([.,;:!?)])", r"\1", text).strip()


def visible_text(html, selector="main"):
    soup = BeautifulSoup(html, "html.parser")
    root = soup.select_one(selector)
    for hidden in root.select("script, style, template, [hidden]"):
        hidden.decompose()
    return normalise(root.get_text(" "))


def source_lines():
    return [line for line in SOURCE_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]


def database_url_for_other_processes(tmp_path):
    """The test's database, committed (transactional_db), in a form a gunicorn process can open."""
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory; other processes share a file copy.
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (Redis keeps one between runs; test databases do not)."""
    cache.clear()


@pytest.fixture
def seeded(db):
    """The site as `make run` builds it."""
    return seed()


@pytest.fixture
def guide_html(client, seeded):
    response = client.get(GUIDE_URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def soup(guide_html):
    return BeautifulSoup(guide_html, "html.parser")


@pytest.fixture
def make_staff(db):
    """A user in one of the clinic's groups (made by the data migration), logged-in client ready."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    def make(group_name, username=None, person=None, email=""):
        username = username or group_name.lower().replace(" ", "-")
        user = get_user_model().objects.create_user(username, email or f"{username}@example.com", "a-long-password")
        user.groups.add(Group.objects.get(name=group_name))
        if person is not None:
            person.user = user
            person.save()
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def guide(seeded):
    from pages.models import GuidePage

    return GuidePage.objects.get()


@pytest.fixture
def staff_client(client, seeded):
    """A signed-in superuser: the clinic's site administrator."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    client.force_login(user)
    return client
