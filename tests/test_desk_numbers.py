"""The numbers of the queue on the admin index: chart, ages, verdict time, decisions."""

from datetime import timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse
from django.utils import timezone

from comments import moderation

from .factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

INDEX = reverse("admin:index")


# In the early afternoon: "5 hours ago" and "2 hours ago" fall on the same day.
@time_machine.travel("2026-06-15 14:00 +02:00", tick=False)
def test_index_shows_the_chart_its_table_and_the_queue_numbers(client, moderator):
    now = timezone.now()
    CommentFactory(created_at=now - timedelta(hours=5))
    CommentFactory(created_at=now - timedelta(days=2))
    CommentFactory(approved=True, created_at=now - timedelta(days=1))
    CommentFactory(spam=True, created_at=now - timedelta(days=40))
    decided = CommentFactory(created_at=now - timedelta(hours=2))
    moderation.approve(decided, by=moderator)

    client.force_login(moderator)
    response = client.get(INDEX)

    assertContains(response, '<svg role="img"')
    assertContains(response, '<title id="comments-chart-title">')
    assertContains(response, '<desc id="comments-chart-desc">')
    assertContains(response, "<rect ", count=4)
    assertNotContains(response, "<script>")
    assertNotContains(response, "style=")
    days = response.context["numbers"]["days"]
    assert len(days) == 30
    assert sum(day["total"] for day in days) == 4
    assertContains(response, "Comments waiting</th><td>2</td>", html=False)
    assertContains(response, "2\xa0days")
    assertContains(response, "<td>maria</td><td>1</td>", html=False)
    assertContains(response, "2\xa0hours")


def test_numbers_are_cached_briefly(client, moderator):
    client.force_login(moderator)
    client.get(INDEX)
    CommentFactory()
    response = client.get(INDEX)
    assertContains(response, "Comments waiting</th><td>0</td>", html=False)


def test_numbers_are_for_moderators(client, journalist):
    client.force_login(journalist)
    assertNotContains(client.get(INDEX), "moderation-numbers")


def test_numbers_speak_italian(client, moderator, settings):
    settings.LANGUAGE_CODE = "it"
    client.force_login(moderator)
    assertContains(client.get(INDEX), "Commenti al giorno")


def test_index_queries_are_fixed_once_the_numbers_are_cached(
    client, moderator, django_assert_num_queries
):
    """After the first view, the numbers cost no query: the same count for any queue."""
    client.force_login(moderator)
    client.get(INDEX)
    with django_assert_num_queries(6):
        client.get(INDEX)
    CommentFactory.create_batch(3)
    with django_assert_num_queries(6):
        client.get(INDEX)
