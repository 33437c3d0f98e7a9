"""Settings come from the environment: a wrong one stops manage.py with one line naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "Set DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL cannot be read"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@host:port/db"}, "DATABASE_URL cannot be read"),
        ({"DJANGO_DEBUG": "1", "DJANGO_HSTS_SECONDS": "a year"}, "DJANGO_HSTS_SECONDS must be a whole number"),
        ({"DJANGO_DEBUG": "1", "ARCHIVE_MAX_IMPORT_BYTES": "16M"}, "ARCHIVE_MAX_IMPORT_BYTES must be a whole number"),
    ],
)
def test_a_wrong_setting_is_one_line_not_a_traceback(environment, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "ARCHIVE_"))}
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"], env={**env, **environment}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http_and_says_when_the_database_does_not(client, settings):
    from unittest import mock

    from django.db import OperationalError

    settings.SECURE_SSL_REDIRECT = True  # as in production: every other page redirects to HTTPS
    assert client.get("/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n" and "no-cache" in response["Cache-Control"]
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        assert client.get("/healthz").status_code == 503
    assert client.post("/healthz").status_code == 405
