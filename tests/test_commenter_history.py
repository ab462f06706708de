"""The commenter's history: every comment by an email or an address, notes, actions."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.urls import reverse

from comments.models import Ban, Comment, CommenterNote

from .factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def history_url(comment, **params):
    url = reverse("admin:comments_comment_commenter", args=[comment.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def commenter():
    """Comments by one person: two emails' cases, one address, and a stranger's."""
    first = CommentFactory(
        author_email="Mario@Example.org", ip_address="198.51.100.1", body="First one"
    )
    CommentFactory(
        author_email="mario@example.org",
        ip_address="203.0.113.5",
        approved=True,
        body="Second one",
    )
    CommentFactory(
        author_email="other@example.org",
        ip_address="198.51.100.1",
        spam=True,
        body="Same address",
    )
    CommentFactory(
        author_email="stranger@example.org", ip_address="192.0.2.99", body="Stranger"
    )
    return first


def test_history_lists_comments_by_email_ignoring_case_and_by_address(
    moderator_client, commenter
):
    """Every comment by that email (any case) or that IP, counted by status."""
    response = moderator_client.get(history_url(commenter))

    assertContains(response, "First one")
    assertContains(response, "Second one")
    assertContains(response, "Same address")
    assertNotContains(response, "Stranger")
    counts = response.context["counts"]
    assert (counts["pending"], counts["approved"], counts["spam"]) == (1, 1, 1)
    assert counts["total"] == 3
    assert counts["first"] <= counts["last"]
    assertContains(response, 'id="commenter-trust"')


def test_history_is_linked_from_the_queue_and_the_change_form(
    moderator_client, commenter
):
    """One click from a queue row or a comment's page opens the record."""
    url = history_url(commenter)
    assertContains(
        moderator_client.get(reverse("admin:comments_comment_changelist")), url
    )
    assertContains(
        moderator_client.get(
            reverse("admin:comments_comment_change", args=[commenter.pk])
        ),
        url,
    )


def test_only_moderators_open_the_history(client, commenter, journalist):
    """Anonymous readers go to the login page, staff without the permission get 403."""
    url = history_url(commenter)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]

    client.force_login(journalist)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "trash_all"}).status_code == 403
    assert not Comment.objects.trash().exists()


def test_unknown_comment_is_a_404(moderator_client):
    assert (
        moderator_client.get(
            reverse("admin:comments_comment_commenter", args=[999])
        ).status_code
        == 404
    )


def test_history_makes_a_fixed_number_of_queries(
    moderator_client, commenter, django_assert_num_queries
):
    """Session, user, permissions, the comment, rows, counts, bans, notes, trust."""
    moderator_client.get(history_url(commenter))
    with django_assert_num_queries(11):
        moderator_client.get(history_url(commenter))
    CommentFactory.create_batch(
        5, author_email="mario@example.org", ip_address="198.51.100.1"
    )
    CommenterNote.objects.create(email="mario@example.org", note="Trolls a bit")
    Ban.objects.create(kind=Ban.Kind.NETWORK, value="198.51.100.0/24", reason="x")
    with django_assert_num_queries(11):
        response = moderator_client.get(history_url(commenter))
    assertContains(response, "Trolls a bit")
    assertContains(response, "198.51.100.0/24")


def test_history_shows_a_page_of_comments_then_more(moderator_client, commenter):
    """Fifty comments at first, with a link that shows more."""
    CommentFactory.create_batch(60, author_email="mario@example.org")
    response = moderator_client.get(history_url(commenter))
    assert len(response.context["rows"]) == 50
    assertContains(response, "?shown=100")
    response = moderator_client.get(history_url(commenter, shown=100))
    assert len(response.context["rows"]) == 63
    assertNotContains(response, "Show more")
    assert moderator_client.get(history_url(commenter, shown="lots")).status_code == 200


def test_approve_all_pending(moderator_client, commenter):
    other = CommentFactory(author_email="MARIO@example.org", body="Third")
    moderator_client.post(history_url(commenter), {"action": "approve_pending"})
    commenter.refresh_from_db()
    other.refresh_from_db()
    assert commenter.status == other.status == Comment.Status.APPROVED
    assert Comment.objects.get(body="Stranger").status == Comment.Status.PENDING
    assert commenter.events.filter(message__contains="approved by maria").exists()


def test_trash_all(moderator_client, commenter):
    response = moderator_client.post(
        history_url(commenter), {"action": "trash_all"}, follow=True
    )
    assertContains(response, "3 comments moved to the trash.")
    assert Comment.objects.trash().count() == 3
    assert Comment.objects.get(body="Stranger").status == Comment.Status.PENDING


def test_moderators_write_notes_about_the_person(
    moderator_client, commenter, moderator
):
    """A note is kept under the email, whatever its case, and signed."""
    moderator_client.post(
        history_url(commenter), {"action": "note", "note-note": "Warned by email."}
    )
    note = CommenterNote.objects.get()
    assert (note.email, note.author) == ("mario@example.org", moderator)
    later = CommentFactory(author_email="MARIO@EXAMPLE.ORG", ip_address=None)
    response = moderator_client.get(history_url(later))
    assertContains(response, "Warned by email.")
    assertContains(response, "maria")


def test_empty_note_is_refused_with_a_message(moderator_client, commenter):
    response = moderator_client.post(
        history_url(commenter), {"action": "note", "note-note": ""}
    )
    assert response.status_code == 200
    assertContains(response, "This field is required.")
    assert not CommenterNote.objects.exists()


def test_history_speaks_italian(client, commenter, settings):
    settings.LANGUAGE_CODE = "it"
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    with pytest.MonkeyPatch.context():
        response = client.get(history_url(commenter), HTTP_ACCEPT_LANGUAGE="it")
    assertContains(response, "Approva tutti i commenti in attesa")
