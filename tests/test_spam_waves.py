"""Spam waves: bursts sharing a link, a text or a network, grouped and held."""

from datetime import timedelta

import akismet
import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse
from django.utils import timezone

from comments import spam, waves
from comments.models import Comment

from .factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture(autouse=True)
def _no_flood_limit(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def ham(akismet_sync_class, monkeypatch, settings):
    """Akismet says ham to everything: only the rules decide."""
    settings.AKISMET_API_KEY = "test-key"
    monkeypatch.setattr(spam, "client_class", akismet_sync_class)


def post_burst(post_comment, count, *, body, network="203.0.113", addresses=12):
    article = ArticleFactory()
    for n in range(count):
        post_comment(
            article,
            author_email=f"buyer{n}@example.org",
            body=body.format(n=n),
            extra={"REMOTE_ADDR": f"{network}.{n % addresses + 1}"},
        )
    return article


def test_keys_are_taken_at_intake():
    assert waves.link_key("Buy at https://WWW.Pills.example/x?y=1 now") == (
        "pills.example"
    )
    assert waves.link_key("see www.cheap.example today") == "cheap.example"
    assert waves.link_key("no link") == ""
    assert waves.text_key("Hello,   WORLD!") == waves.text_key("hello world")
    assert waves.network_key("198.51.100.77") == "198.51.100.0/24"
    assert waves.network_key("2001:db8:aa:bb::1") == "2001:db8:aa::/48"
    assert waves.network_key("") == ""


def test_a_wave_sharing_a_link_is_grouped_and_marked_spam_at_once(
    client, moderator, post_comment, django_capture_on_commit_callbacks
):
    """30 comments, one link, 12 addresses: one line in the queue, one decision."""
    post_burst(post_comment, 30, body="Great deals at https://pills.example/{n}")
    assert Comment.objects.filter(link_key="pills.example").count() == 30

    client.force_login(moderator)
    response = client.get(QUEUE)
    assertContains(response, "30 comments, same link, 12 addresses, last 1 minutes")
    assertContains(response, "pills.example")

    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("admin:comments_comment_wave"),
            {"kind": "link", "key": "pills.example", "decision": "mark_spam"},
            follow=True,
        )
    assertContains(response, "30 comments marked as spam and reported to Akismet.")
    assert Comment.objects.spam().count() == 30
    assert Comment.objects.filter(report="spam").count() == 30
    assertNotContains(client.get(QUEUE), "same link")


def test_same_text_and_same_network_make_waves_too(client, moderator, post_comment):
    post_burst(post_comment, 10, body="I agree {n}", network="198.51.100", addresses=3)
    post_burst(post_comment, 10, body="Totally legit offer!", network="192.0.2")
    client.force_login(moderator)
    response = client.get(QUEUE)
    assertContains(response, "10 comments, same text, 10 addresses")
    assertContains(response, "10 comments, same network, 3 addresses")
    assertContains(response, "198.51.100.0/24")


def test_old_or_small_bursts_are_not_waves(client, moderator, post_comment):
    post_burst(post_comment, 9, body="Visit https://small.example/{n}")
    client.force_login(moderator)
    assertNotContains(client.get(QUEUE), "same link")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        post_burst(post_comment, 1, body="Visit https://small.example/x")
        assertNotContains(client.get(QUEUE), "same link")


@pytest.mark.akismet_client(comment_check_response=akismet.CheckResponse.HAM)
def test_while_a_wave_is_on_new_comments_in_it_are_held(ham, post_comment):
    """Akismet lets them through, but the wave rule holds them, saying why."""
    post_burst(post_comment, 12, body="Look at https://wave.example/{n} ok")
    statuses = list(Comment.objects.order_by("pk").values_list("status", "held_reason"))
    assert statuses[0] == (Comment.Status.APPROVED, "")
    assert statuses[-1] == (
        Comment.Status.PENDING,
        "part of a wave of comments (same link)",
    )


def test_wave_decision_is_for_moderators_and_checks_its_input(
    client, moderator, journalist
):
    url = reverse("admin:comments_comment_wave")
    client.force_login(journalist)
    assert (
        client.post(url, {"kind": "link", "key": "x", "decision": "trash"}).status_code
        == 403
    )
    client.force_login(moderator)
    response = client.post(
        url, {"kind": "odd", "key": "x", "decision": "trash"}, follow=True
    )
    assertContains(response, "That wave or decision is unknown.")
    assert client.get(url).status_code == 403


def test_links_to_the_site_itself_and_the_machines_own_address_make_no_wave(settings):
    settings.SITE_URL = "https://www.giornale.example"
    assert waves.link_key(
        "as https://giornale.example/a said, see https://x.example"
    ) == ("x.example")
    assert waves.link_key("https://www.giornale.example/2026/") == ""
    assert waves.network_key("127.0.0.1") == ""
    assert waves.network_key("::1") == ""


def test_one_address_alone_makes_no_network_wave(client, moderator, post_comment):
    """Many comments from one address are the flood rule's business, not a wave."""
    post_burst(post_comment, 12, body="My own view {n}", addresses=1)
    client.force_login(moderator)
    assertNotContains(client.get(QUEUE), "same network")
