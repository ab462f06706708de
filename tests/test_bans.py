"""Bans: by email, address or network, for a time or for good, never stored."""

import logging
from datetime import timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Ban, Comment

from .factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.django_db]

REFUSED = "Your comment could not be accepted."


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def history_url(comment):
    return reverse("admin:comments_comment_commenter", args=[comment.pk])


def ban_from_history(client, comment, scope, duration="1", reason="Insults"):
    return client.post(
        history_url(comment),
        {
            "action": "ban",
            "ban-scope": scope,
            "ban-duration": duration,
            "ban-reason": reason,
        },
    )


@pytest.mark.usefixtures("english_site")
def test_a_day_ban_on_an_address_refuses_then_expires(
    moderator_client, post_comment, caplog
):
    """Banned for a day: refused, not stored, logged by the ban's id; then expires."""
    comment = CommentFactory(ip_address="203.0.113.7")
    ban_from_history(moderator_client, comment, "ip")
    ban = Ban.objects.get()
    assert (ban.kind, ban.value) == (Ban.Kind.NETWORK, "203.0.113.7/32")
    assert ban.expires_at - timezone.now() > timedelta(hours=23)

    moderator_client.logout()
    article = ArticleFactory()
    with caplog.at_level(logging.INFO, logger="comments.moderation"):
        response = post_comment(article, extra={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 400
    assertContains(response, REFUSED, status_code=400)
    assert Comment.objects.count() == 1
    assert f"ban {ban.pk}" in caplog.text
    assert "203.0.113.7" not in caplog.text
    assert "anna@example.org" not in caplog.text

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = post_comment(article, extra={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 302
    assert Comment.objects.count() == 2


@pytest.mark.usefixtures("english_site")
def test_email_ban_for_good_ignores_case(moderator_client, post_comment):
    comment = CommentFactory(author_email="Troll@Example.org")
    ban_from_history(moderator_client, comment, "email", duration="")
    ban = Ban.objects.get()
    assert (ban.value, ban.expires_at) == ("troll@example.org", None)
    moderator_client.logout()
    response = post_comment(
        ArticleFactory(),
        author_email="TROLL@example.ORG",
        extra={"REMOTE_ADDR": "192.0.2.1"},
    )
    assertContains(response, REFUSED, status_code=400)


@pytest.mark.usefixtures("english_site")
def test_network_ban_covers_its_neighbours_ipv4_and_ipv6(
    moderator_client, post_comment
):
    v4 = CommentFactory(ip_address="198.51.100.20")
    ban_from_history(moderator_client, v4, "network")
    v6 = CommentFactory(ip_address="2001:db8:1:2::5")
    ban_from_history(moderator_client, v6, "network")
    assert set(Ban.objects.values_list("value", flat=True)) == {
        "198.51.100.0/24",
        "2001:db8:1::/48",
    }
    moderator_client.logout()
    article = ArticleFactory()
    for address in ("198.51.100.200", "2001:db8:1:ffff::1"):
        response = post_comment(article, extra={"REMOTE_ADDR": address})
        assertContains(response, REFUSED, status_code=400)
    response = post_comment(article, extra={"REMOTE_ADDR": "198.51.101.1"})
    assert response.status_code == 302


def test_refusal_uses_the_cached_list_and_sees_changes_at_once(
    client, moderator, post_comment, django_assert_num_queries
):
    """A ban added in admin applies to the next comment; deleting it lifts it."""
    client.force_login(moderator)
    response = client.post(
        reverse("admin:comments_ban_add"),
        {
            "kind": "network",
            "value": "192.0.2.0/24",
            "reason": "Spam",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 302, response.content
    client.logout()
    article = ArticleFactory()
    response = post_comment(article, extra={"REMOTE_ADDR": "192.0.2.44"})
    assert response.status_code == 400
    client.force_login(moderator)
    ban = Ban.objects.get()
    client.post(reverse("admin:comments_ban_delete", args=[ban.pk]), {"post": "yes"})
    client.logout()
    assert post_comment(article, extra={"REMOTE_ADDR": "192.0.2.44"}).status_code == 302


@pytest.mark.usefixtures("english_site")
def test_ban_admin_checks_values_and_searches(moderator_client):
    url = reverse("admin:comments_ban_add")
    blank = {"expires_at_0": "", "expires_at_1": "", "reason": "r"}
    response = moderator_client.post(
        url, {"kind": "network", "value": "not-an-ip", **blank}
    )
    assertContains(response, "Enter an IP address or a network")
    response = moderator_client.post(url, {"kind": "email", "value": "nope", **blank})
    assertContains(response, "Enter a whole email address.")
    moderator_client.post(url, {"kind": "email", "value": "Spam@Example.org", **blank})
    assert Ban.objects.get().value == "spam@example.org"
    response = moderator_client.get(
        reverse("admin:comments_ban_changelist") + "?q=spam@"
    )
    assertContains(response, "spam@example.org")


def test_bans_are_for_moderators_only(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:comments_ban_changelist")).status_code == 403


def test_expired_bans_are_cleaned_up_by_command():
    Ban.objects.create(
        kind="email",
        value="a@example.org",
        reason="r",
        expires_at=timezone.now() - timedelta(days=1),
    )
    Ban.objects.create(kind="email", value="b@example.org", reason="r")
    call_command("purge_bans", verbosity=0)
    assert list(Ban.objects.values_list("value", flat=True)) == ["b@example.org"]
