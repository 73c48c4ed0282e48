"""Two gunicorn instances share one database and one Redis: a publish through one shows through both.

This is how the site grows past one machine (docs/deploy.md). The instances run the production
settings in their own processes, so only the shared database and cache connect them.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group

from benchmarks.harness import AdminSession, collect_static, empty_redis, gunicorn, production_env
from pages.models import GuidePage
from pages.seeding import seed
from tests.support import GUIDE_URL, database_url_for_other_processes, redis_for_test

PASSWORD = "a-long-scale-out-test-password"
NEW_TITLE = "Published through the first instance"


@pytest.fixture
def shared_database_url(transactional_db, tmp_path):
    """The test's own database, committed, in a form a second process can open."""
    seed()
    # Hashed as production checks it; the test settings' fast hasher is not one production accepts.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    # A Moderator publishes: the least a publish needs (production asks superusers for a second factor).
    editor = get_user_model().objects.create_user("editor", "editor@example.com", password=None)
    editor.groups.add(Group.objects.get(name="Moderators"))
    get_user_model().objects.filter(username="editor").update(password=hashed)
    # An editor's draft, saved but not yet published: readers must not see it until the publish.
    guide = GuidePage.objects.get()
    guide.title = NEW_TITLE
    guide.save_revision()
    return database_url_for_other_processes(tmp_path)


def get(base, path=GUIDE_URL):
    import requests

    response = requests.get(base + path, timeout=30)
    assert response.status_code == 200
    return response


def test_a_publish_through_one_instance_is_visible_through_the_other_at_once(shared_database_url):
    redis_url = os.environ.get("REDIS_URL") or redis_for_test(6)
    empty_redis(redis_url)
    env = production_env(shared_database_url, redis_url)
    collect_static(env)
    with gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second:
        # Both instances hold the guide in the shared cache before the change.
        for base in (first, second):
            for _ in range(3):
                response = get(base)
            assert response.headers.get("X-Page-Cache") == "hit"
            assert "A Patient&#x27;s Guide to NK Cell Therapy" in response.text
            assert NEW_TITLE not in response.text

        editor = AdminSession(first)
        editor.log_in("editor", PASSWORD)
        editor.publish(GuidePage.objects.get().id)

        for base in (second, first):
            for path in (GUIDE_URL, "/", "/guides/"):
                assert NEW_TITLE in get(base, path).text, (base, path)
