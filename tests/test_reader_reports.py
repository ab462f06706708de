"""
Readers' reports: the "Report" link under each published comment, the form it
opens, the comment taken off the site by enough readers, the Reported view of
the queue and the moderator's "keep".
"""

import logging

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comments.models import Comment, ReaderReport

from .factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
OWN_ORIGIN = {"origin": "http://testserver"}


def report_url(comment, language="en"):
    with translation.override(language):
        return reverse("comments:report", args=[comment.pk])


def send_report(client, comment, ip="203.0.113.1", **fields):
    data = {"reason": "abusive", "note": "", **fields}
    return client.post(report_url(comment), data, REMOTE_ADDR=ip)


@pytest.fixture
def comment():
    return CommentFactory(approved=True, body="Everyone who disagrees is an idiot.")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def history(comment):
    return list(comment.events.values_list("message", flat=True))


# The link and the form


def test_each_published_comment_has_a_report_link(client, comment, post_comment):
    """The link sits beside the reply link; the reader's own pending one has none."""
    article = comment.article
    post_comment(article, body="Still waiting for a moderator.")
    pending = Comment.objects.pending().get()

    response = client.get("/en" + article.get_absolute_url())

    assertContains(response, "Still waiting for a moderator.")
    assertContains(response, f'href="{report_url(comment)}"')
    assertContains(
        response, f'aria-label="Report the comment by {comment.author_name}"'
    )
    assertNotContains(response, f'href="{report_url(pending)}"')


def test_the_report_link_is_on_closed_threads_too(client):
    """Comments closed: no reply link, but published comments can still be reported."""
    closed = CommentFactory(approved=True, article=ArticleFactory(comments_open=False))

    response = client.get(closed.article.get_absolute_url())

    assertContains(response, f'href="{report_url(closed, "it")}"')
    assertContains(response, ">Segnala</a>")


def test_the_report_address_is_translated(client, comment):
    assert report_url(comment, "it") == f"/commenti/segnala/{comment.pk}/"
    assert report_url(comment, "en") == f"/en/comments/report/{comment.pk}/"

    response = client.get(report_url(comment, "it"))

    assertContains(response, "Segnala un commento")
    assertContains(response, "Everyone who disagrees is an idiot.")


def test_the_form_quotes_the_comment_and_lists_the_reasons(client, comment):
    response = client.get(report_url(comment))

    assert response.status_code == 200
    assertContains(response, "Report a comment")
    assertContains(response, "Everyone who disagrees is an idiot.")
    for value, label in ReaderReport.Reason.choices:
        assertContains(response, f'value="{value}"')
        assertContains(response, label)
    assertContains(response, 'name="robots" content="noindex"')
    # A reader's page: no CSRF cookie for an anonymous reader.
    assert not response.cookies


def test_the_comment_is_escaped_on_the_form(client):
    hostile = CommentFactory(approved=True, body="<script>alert(1)</script>")

    response = client.get(report_url(hostile))

    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;")


@pytest.mark.parametrize(
    "state", [{}, {"spam": True}, {"trashed": True}, {"author_deleted": True}]
)
def test_a_comment_not_published_cannot_be_reported(client, state):
    hidden = CommentFactory(**state)

    assert client.get(report_url(hidden)).status_code == 404
    assert send_report(client, hidden).status_code == 404
    assert not ReaderReport.objects.exists()


def test_a_comment_on_an_unpublished_article_cannot_be_reported(client):
    draft = CommentFactory(approved=True, article=ArticleFactory(draft=True))

    assert send_report(client, draft).status_code == 404


def test_an_unknown_comment_is_not_found(client):
    assert client.get("/en/comments/report/999999/").status_code == 404


# Recording a report


def test_a_report_is_recorded_in_the_comments_history(client, comment, caplog):
    with caplog.at_level(logging.INFO, logger="comments"):
        response = send_report(
            client, comment, ip="198.51.100.23", reason="spam", note="Sells pills."
        )

    assert response.status_code == 302
    with translation.override("en"):
        assert response["Location"] == comment.get_absolute_url()
    report = ReaderReport.objects.get()
    assert (report.comment, report.reason, report.note) == (
        comment,
        "spam",
        "Sells pills.",
    )
    assert report.cleared_at is None
    # The reader is counted by a keyed hash of the address, not the address.
    assert "198.51.100.23" not in report.reporter
    assert len(report.reporter) == 64
    comment.refresh_from_db()
    assert comment.reports_open == 1
    assert comment.status == Comment.Status.APPROVED
    assert "segnalato da un lettore (spam o pubblicità)" in history(comment)
    assert f"Comment {comment.pk} reported" in caplog.text
    assert "198.51.100.23" not in caplog.text
    assert comment.author_email not in caplog.text
    followed = client.get(response["Location"])
    assertContains(followed, "Thank you: the moderators will look at this comment.")


def test_the_same_reader_reporting_twice_is_told_so_kindly(client, comment):
    send_report(client, comment, ip="198.51.100.23")
    response = send_report(client, comment, ip="198.51.100.23", reason="spam")

    assert response.status_code == 302
    assertContains(
        client.get(response["Location"]), "You have already reported this comment."
    )
    assert ReaderReport.objects.count() == 1
    comment.refresh_from_db()
    assert comment.reports_open == 1


@pytest.mark.usefixtures("english_site")
def test_reports_from_enough_readers_take_the_comment_off_the_site(
    client, comment, settings, moderator_client, django_capture_on_commit_callbacks
):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    article_url = comment.article.get_absolute_url()
    assertContains(client.get(article_url), "Everyone who disagrees")

    send_report(client, comment, ip="198.51.100.1", reason="abusive")
    send_report(client, comment, ip="198.51.100.2", reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        send_report(client, comment, ip="2001:db8::3", reason="abusive")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_rule == Comment.HeldRule.REPORTED
    assert comment.held_reason == "reported by 3 readers"
    assert comment.reports_open == 3
    assert "taken off the site: reported by 3 readers" in history(comment)
    assertNotContains(Client().get(article_url), "Everyone who disagrees")

    reported = moderator_client.get(QUEUE, {"status": "reported"})
    assertContains(reported, "Everyone who disagrees")
    assertContains(reported, "Reported (1)")
    assertContains(reported, "3 — abusive or insulting ×2, spam or advertising")


def test_reports_behind_the_trusted_proxy_count_each_reader(client, comment, settings):
    """The address is the one the proxy saw (newsroom.proxies), not the proxy's."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for ip in ("198.51.100.1", "198.51.100.2"):
        client.post(
            report_url(comment),
            {"reason": "abusive"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=ip,
        )
    comment.refresh_from_db()
    assert comment.reports_open == 2


# Refusals


def test_a_reader_sending_too_many_reports_is_asked_to_wait(client, settings):
    settings.COMMENTS_REPORTS_PER_HOUR = 2
    comments = CommentFactory.create_batch(3, approved=True)
    for comment in comments[:2]:
        assert send_report(client, comment, ip="198.51.100.9").status_code == 302

    response = send_report(
        client, comments[2], ip="198.51.100.9", note="Written with care."
    )

    assert response.status_code == 429
    assertContains(response, "too many reports", status_code=429)
    assertContains(response, "Written with care.", status_code=429)
    assert ReaderReport.objects.count() == 2
    # Another reader is not held back.
    assert send_report(client, comments[2], ip="198.51.100.10").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": "because"}, "Please choose one of the reasons in the list."),
        ({"reason": ""}, "Please choose a reason."),
        ({"reason": "spam", "note": "x" * 100_000}, "at most 500 characters"),
        ({"reason": "spam", "note": "Kept text \x00 here"}, "control characters"),
        ({"reason": ["spam", "abusive"], "note": "Kept text"}, ""),
    ],
)
def test_hostile_input_shows_the_form_again(client, comment, fields, message):
    response = client.post(report_url(comment), fields, REMOTE_ADDR="198.51.100.4")

    assert response.status_code in (400, 302)
    if response.status_code == 400:
        assertContains(response, message, status_code=400)
        if "Kept text" in str(fields.get("note")):
            assertContains(response, "Kept text", status_code=400)
    assert ReaderReport.objects.count() == (response.status_code == 302)


def test_the_reason_must_be_chosen_and_the_note_is_kept(client, comment):
    response = client.post(
        report_url(comment), {"note": "A note I wrote."}, REMOTE_ADDR="198.51.100.4"
    )

    assertContains(response, "Please choose a reason.", status_code=400)
    assertContains(response, "A note I wrote.", status_code=400)


def test_a_report_forged_from_elsewhere_is_refused(comment):
    reader = Client(enforce_csrf_checks=True)

    forged = reader.post(
        report_url(comment),
        {"reason": "spam"},
        headers={"origin": "https://evil.example"},
    )
    accepted = reader.post(report_url(comment), {"reason": "spam"}, headers=OWN_ORIGIN)

    assert forged.status_code == 403
    assert accepted.status_code == 302
    assert ReaderReport.objects.count() == 1


def test_a_refused_report_gives_the_note_back(comment):
    """A browser that sends neither Origin nor Referer: the note is not lost."""
    reader = Client(enforce_csrf_checks=True)

    refused = reader.post(
        report_url(comment), {"reason": "spam", "note": "Sembra pubblicità."}
    )

    assertContains(refused, "Sembra pubblicità.", status_code=403)


# The moderators


def report_by_three(client, comment):
    for n, reason in enumerate(["abusive", "abusive", "spam"]):
        send_report(client, comment, ip=f"198.51.100.{n + 1}", reason=reason)
    comment.refresh_from_db()


def keep(client, *comments):
    return client.post(
        QUEUE + "?status=reported",
        {"action": "keep", "_selected_action": [c.pk for c in comments]},
    )


@pytest.mark.usefixtures("english_site")
def test_keep_clears_the_reports_and_publishes_the_comment_again(
    client, comment, moderator_client
):
    report_by_three(client, comment)
    assert comment.status == Comment.Status.PENDING

    response = keep(moderator_client, comment)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reports_open == 0
    assert comment.held_rule == ""
    assert not ReaderReport.objects.filter(cleared_at__isnull=True).exists()
    assert "3 reports cleared by maria (kept)" in history(comment)
    assert "approved by maria" in history(comment)
    assertContains(
        Client().get(comment.article.get_absolute_url()),
        "Everyone who disagrees",
    )
    assertNotContains(
        moderator_client.get(QUEUE, {"status": "reported"}), "Everyone who disagrees"
    )


@pytest.mark.usefixtures("english_site")
def test_keep_on_a_comment_still_published_only_clears_its_reports(
    client, comment, moderator_client
):
    send_report(client, comment)

    keep(moderator_client, comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reports_open == 0
    assert "approved by maria" not in history(comment)


def test_a_reader_may_report_again_after_a_keep(client, comment, moderator_client):
    send_report(client, comment)
    keep(moderator_client, comment)

    send_report(client, comment, reason="spam")

    comment.refresh_from_db()
    assert comment.reports_open == 1
    assert comment.reader_reports.count() == 2


@pytest.mark.usefixtures("english_site")
def test_staff_without_the_moderate_permission_cannot_keep(client, comment):
    report_by_three(client, comment)
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    clerk_client = Client()
    clerk_client.force_login(clerk)

    assertNotContains(clerk_client.get(QUEUE), 'value="keep"')
    keep(clerk_client, comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.reports_open == 3


@pytest.mark.usefixtures("english_site")
def test_the_change_page_lists_the_reports(client, comment, moderator_client):
    send_report(client, comment, reason="personal_data", note="My phone number.")

    response = moderator_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    )

    assertContains(response, "personal data of other people")
    assertContains(response, "My phone number.")


@pytest.mark.usefixtures("english_site")
def test_the_reported_view_costs_no_query_per_comment(client, moderator_client):
    first = CommentFactory(approved=True)
    report_by_three(client, first)
    moderator_client.get(QUEUE, {"status": "reported"})
    with CaptureQueriesContext(connection) as one:
        moderator_client.get(QUEUE, {"status": "reported"})

    for n in range(10):
        comment = CommentFactory(approved=True)
        send_report(client, comment, ip=f"198.51.100.{n + 10}", reason="off_topic")
        send_report(client, comment, ip=f"198.51.100.{n + 30}", reason="spam")
    with CaptureQueriesContext(connection) as eleven:
        response = moderator_client.get(QUEUE, {"status": "reported"})

    assert len(response.context["cl"].result_list) == 11
    assertContains(response, "2 — off topic, spam or advertising", count=10)
    assert len(eleven) == len(one)


@pytest.mark.usefixtures("english_site")
def test_approving_a_comment_hidden_by_reports_keeps_it(
    client, comment, moderator_client
):
    """Approve clears the reports too: the next report does not hide it again."""
    report_by_three(client, comment)

    moderator_client.post(
        QUEUE, {"action": "approve", "_selected_action": [comment.pk]}
    )
    send_report(client, comment, ip="198.51.100.99")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reports_open == 1
    assert "3 reports cleared by maria (kept)" in history(comment)
