"""While the database cannot be reached, pages answer 503 with a calm page; afterwards they recover.

The connection is pointed at a database that cannot be opened (a closed port on PostgreSQL, a path
in a missing folder on SQLite); the shared server is never stopped. tests/test_production_server.py
does the same against a real gunicorn and a PostgreSQL database that refuses connections.
"""

import contextlib
import socket

import pytest
from django.db import connection
from django.test import RequestFactory

from lmi_site.views import server_error
from pages.seeding import seed
from tests.support import GUIDE_URL

TRACE_WORDS = ("Traceback", "OperationalError", "connection", "SELECT", "sqlite", "psycopg", "SECRET_KEY")


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def unreachable_database():
    """Make the default connection unable to open its database; put everything back afterwards."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if in_memory:
        # Closing an in-memory SQLite database would destroy it: set its connection aside instead.
        kept_connection, connection.connection = connection.connection, None
    else:
        connection.close()
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/no-such-folder/for-this-test/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        settings_dict.clear()
        settings_dict.update(saved)
        if in_memory:
            connection.connection = kept_connection
        else:
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_while_the_database_is_unreachable_and_recover_after(client):
    seed()
    assert client.get(GUIDE_URL).status_code == 200  # now in the page cache

    with unreachable_database():
        # A page a reader already fetched is still served from the page cache ...
        cached = client.get(GUIDE_URL)
        assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
        # ... and everything that needs the database answers 503.
        for path in ("/", "/guides/", "/search/?q=nk", "/admin/login/", "/no-such-page/"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert response["Retry-After"] == "30"
            html = response.content.decode()
            assert "<h1>The guides are briefly unavailable</h1>" in html
            assert '<a href="/">Go to the home page</a>' in html
            for word in TRACE_WORDS:
                assert word not in html, (path, word)

    # The database is back: the next request is served as usual, with no restart.
    response = client.get("/guides/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    assert "A Patient&#x27;s Guide to NK Cell Therapy" in response.content.decode()


def test_the_500_page_renders_without_touching_the_database():
    # No django_db mark: any database query here would fail the test.
    response = server_error(RequestFactory().get("/anything/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html and '<a href="/">Go to the home page</a>' in html


@pytest.mark.django_db(transaction=True)
def test_staff_sign_in_fails_closed_while_the_database_is_away(client, settings):
    """The sign-in lock-out counts (django-axes), sessions and second-factor throttling are kept in the
    database, as the accounts are: with it away nobody is let in unchecked, and the page is calm."""
    from django.contrib.auth import get_user_model

    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    get_user_model().objects.create_superuser("staff", "staff@example.com", "a-long-test-password")
    with unreachable_database():
        response = client.post("/admin/login/", {"username": "staff", "password": "a-long-test-password"})
    assert response.status_code == 503
    assert "The guides are briefly unavailable" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
