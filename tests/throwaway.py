"""A private database for a subprocess: a new PostgreSQL database or SQLite file, dropped afterwards.

It follows the database the suite runs on, so the PostgreSQL run tests PostgreSQL. The shared
server itself is never stopped or reconfigured; only this database is touched.
"""

import contextlib
import os
import uuid

import psycopg2
from django.conf import settings


def on_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@contextlib.contextmanager
def admin_connection():
    params = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        host=params["HOST"],
        port=params["PORT"] or 5432,
    )
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


def execute(sql):
    with admin_connection() as connection, connection.cursor() as cursor:
        cursor.execute(sql)


@contextlib.contextmanager
def throwaway_database(tmp_path):
    """Yield (DATABASE_URL, name) of a new empty database."""
    if not on_postgresql():
        path = tmp_path / f"throwaway-{uuid.uuid4().hex[:8]}.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    params = settings.DATABASES["default"]
    name = f"lmi_throwaway_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}", name
    finally:
        execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        execute(f'DROP DATABASE IF EXISTS "{name}"')
