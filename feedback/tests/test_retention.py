"""Patients' feedback comments are cleared when their time is up; whether the guide helped is kept."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feedback.models import GuideFeedback
from pages.models import GuidePage


def feedback(guide, days_ago, comment):
    return GuideFeedback.objects.create(
        guide=guide, helpful=False, comment=comment, received_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_comments_older_than_the_period_are_cleared_and_the_answers_kept(seeded, settings, capsys):
    settings.FEEDBACK_COMMENTS_KEPT_MONTHS = 24
    guide = GuidePage.objects.get()
    old = feedback(guide, 800, "My name is Ana and I have leukaemia")
    recent = feedback(guide, 600, "The table was hard to read")
    call_command("clear_feedback_comments")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.comment == "" and old.helpful is False and old.guide == guide  # the answer stays
    assert recent.comment == "The table was hard to read"
    assert "Cleared 1 feedback comment older than 24 months." in capsys.readouterr().out
    # Running again finds nothing more to clear.
    call_command("clear_feedback_comments")
    assert "Cleared 0 feedback comments" in capsys.readouterr().out


def test_a_shorter_period_can_be_given_for_one_run_and_nonsense_is_refused(seeded):
    guide = GuidePage.objects.get()
    recent = feedback(guide, 60, "Too long")
    with pytest.raises(CommandError, match="--months must be between 1 and 120, not 0"):
        call_command("clear_feedback_comments", "--months", "0")
    assert GuideFeedback.objects.get().comment == "Too long"
    call_command("clear_feedback_comments", "--months", "1")
    recent.refresh_from_db()
    assert recent.comment == ""
