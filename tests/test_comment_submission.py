"""Posting a comment: saved as pending, checked afterwards, every refusal explained."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from django.urls import reverse
from django.utils import timezone

from comments import tasks
from comments.cookies import AUTHOR_COOKIE
from comments.models import Comment, ModerationSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory


def post_url(article):
    return reverse("comments:post", args=[article.pk])


@pytest.mark.django_db
def test_comment_is_saved_pending_and_shown_only_to_its_author(client, post_comment):
    """Without a spam check the comment waits, visible to its author's browser only."""
    article = ArticleFactory()
    response = post_comment(article, extra={"REMOTE_ADDR": "203.0.113.7"})
    comment = Comment.objects.get()
    assertRedirects(
        response,
        f"{article.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}",
        fetch_redirect_response=False,
    )
    assert comment.status == Comment.Status.PENDING
    assert comment.check_state == Comment.CheckState.OFF
    assert comment.ip_address == "203.0.113.7"
    assert [e.message for e in comment.events.all()][0] == "ricevuto"

    page = client.get(article.get_absolute_url())
    assertContains(page, "A fair point, well made.")
    assertContains(page, "Il tuo commento è in attesa di moderazione.")
    assertContains(page, "Grazie per il tuo commento.")

    other_browser = client.__class__()
    assertNotContains(other_browser.get(article.get_absolute_url()), "A fair point")


@pytest.mark.django_db
def test_comment_keeps_the_request_data_for_akismet(client, comment_data):
    """IP, user agent, referrer, language and the article's permalink are stored."""
    article = ArticleFactory()
    client.post(
        "/en" + post_url(article),
        comment_data(article),
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="TestBrowser/1.0",
        HTTP_REFERER="https://news.example/somewhere",
    )
    comment = Comment.objects.get()
    assert comment.user_agent == "TestBrowser/1.0"
    assert comment.referrer == "https://news.example/somewhere"
    assert comment.language == "en"
    data = comment.akismet_data
    assert data["user_ip"] == "198.51.100.4"
    assert data["comment_author_email"] == "anna@example.org"
    assert data["permalink"].endswith(article.get_absolute_url().lstrip("/"))
    assert data["comment_type"] == "comment"


@pytest.mark.django_db
@pytest.mark.akismet_client(comment_check_response=0)
def test_comment_passing_the_check_is_published_at_once(
    client, post_comment, settings, monkeypatch, akismet_sync_class
):
    """With Akismet saying ham, the posted comment is on the page for everyone."""
    monkeypatch.setattr("comments.spam.client_class", akismet_sync_class)
    settings.AKISMET_API_KEY = "test-key"
    article = ArticleFactory()
    post_comment(article)
    assert Comment.objects.get().status == Comment.Status.APPROVED
    page = client.__class__().get(article.get_absolute_url())
    assertContains(page, "A fair point, well made.")
    assertContains(page, "1 comment")


@pytest.mark.django_db
def test_check_task_is_enqueued_after_commit(
    client, comment_data, django_capture_on_commit_callbacks, monkeypatch
):
    """The spam check is a task queued when the comment's transaction commits."""
    queued = []
    monkeypatch.setattr(
        tasks, "check_comment", SimpleNamespace(enqueue=lambda **kw: queued.append(kw))
    )
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(post_url(article), comment_data(article))
    comment = Comment.objects.get()
    assert len(callbacks) >= 1
    # Queued with its claim: the time its claim ends, as the row holds it.
    assert queued == [
        {"comment_id": comment.pk, "claim": comment.next_check_at.isoformat()}
    ]
    assert comment.check_state == Comment.CheckState.UNCHECKED
    assert comment.check_claimed_at is not None


@pytest.mark.django_db(transaction=True)
def test_posting_stays_within_the_query_budget(
    client,
    post_comment,
    django_assert_max_num_queries,
    settings,
    monkeypatch,
    akismet_sync_class,
):
    """
    Posting a comment, spam check included in-process, takes at most 14 queries
    (two of them claim the check and look for checks waiting after a failure).
    """
    monkeypatch.setattr("comments.spam.client_class", akismet_sync_class)
    settings.AKISMET_API_KEY = "test-key"
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article, approved=True)
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(14):
        response = post_comment(article)
    assert response.status_code == 302
    assert Comment.objects.latest("pk").status == Comment.Status.SPAM


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "", "Scrivi il tuo commento."),
        ("body", "   \n  ", "Scrivi il tuo commento."),
        ("author_email", "not-an-address", "Inserisci un indirizzo email valido"),
        ("author_email", "", "Inserisci il tuo indirizzo email."),
        ("author_name", "", "Inserisci il tuo nome."),
        ("author_url", "javascript:alert(1)", "Inserisci un indirizzo web valido"),
    ],
)
def test_invalid_field_shows_the_form_again_with_the_text_kept(
    client, comment_data, field, value, message
):
    """A bad field gets a clear message; what the reader wrote is still there."""
    article = ArticleFactory()
    data = comment_data(article, **{field: value})
    if field != "body":
        data["body"] = "My carefully written words."
    response = client.post(post_url(article), data)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    if field != "body":
        assertContains(response, "My carefully written words.", status_code=400)
    assertContains(response, 'aria-invalid="true"', status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_over_long_comment_is_refused_and_kept(client, comment_data, settings):
    """A comment over COMMENTS_MAX_LENGTH is refused with its length and the limit."""
    settings.COMMENTS_MAX_LENGTH = 50
    article = ArticleFactory()
    body = "x" * 100
    response = client.post(post_url(article), comment_data(article, body=body))
    assertContains(response, "lungo 100 caratteri", status_code=400)
    assertContains(response, "a 50 caratteri", status_code=400)
    assertContains(response, body, status_code=400)
    assertContains(response, 'aria-describedby="id_body_error"', status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_errors_are_tied_to_their_fields(client, comment_data):
    """Each error has an id the field points to with aria-describedby."""
    article = ArticleFactory()
    response = client.post(post_url(article), comment_data(article, author_email="x"))
    html = response.content.decode()
    assert 'id="id_author_email_error"' in html
    assert 'aria-describedby="id_author_email_helptext id_author_email_error"' in html


@pytest.mark.django_db
def test_closed_article_refuses_a_post(client, comment_data, caplog):
    """Posting on an article with comments closed is refused, text kept, logged."""
    article = ArticleFactory(comments_open=False)
    with caplog.at_level(logging.INFO, logger="comments.moderation"):
        response = client.post(post_url(article), comment_data(article))
    assertContains(
        response, "I commenti su questo articolo sono chiusi.", status_code=400
    )
    assertContains(response, "A fair point, well made.", status_code=400)
    assert "refused (closed)" in caplog.text
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_comments_close_after_the_configured_days(client, comment_data):
    """With close_after_days, an older article shows and enforces closed comments."""
    rules = ModerationSettings.load()
    rules.close_after_days = 14
    rules.save()
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=15))
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    assertContains(client.get(old.get_absolute_url()), "I commenti sono chiusi.")
    assertNotContains(client.get(old.get_absolute_url()), 'name="body"')
    assertContains(client.get(recent.get_absolute_url()), 'name="body"')
    response = client.post(post_url(old), comment_data(old))
    assertContains(
        response, "I commenti su questo articolo sono chiusi", status_code=400
    )


@pytest.mark.django_db
def test_flood_from_the_same_ip_is_refused(client, comment_data, caplog):
    """A second comment from the same IP within the flood interval is refused."""
    article = ArticleFactory()
    client.post(post_url(article), comment_data(article), REMOTE_ADDR="192.0.2.1")
    with caplog.at_level(logging.INFO, logger="comments.moderation"):
        response = client.post(
            post_url(article),
            comment_data(article, author_email="other@example.org", body="Again!"),
            REMOTE_ADDR="192.0.2.1",
        )
    assertContains(
        response, "Stai inviando commenti troppo in fretta.", status_code=400
    )
    assertContains(response, "Again!", status_code=400)
    assert "refused (flood)" in caplog.text
    # The log names no reader: neither their address nor their email.
    assert "192.0.2.1" not in caplog.text
    assert "other@example.org" not in caplog.text
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_flood_from_the_same_email_is_refused(client, comment_data):
    """The same email from another IP within the interval is refused too."""
    article = ArticleFactory()
    client.post(post_url(article), comment_data(article), REMOTE_ADDR="192.0.2.1")
    response = client.post(
        post_url(article), comment_data(article, body="Two"), REMOTE_ADDR="192.0.2.2"
    )
    assertContains(response, "troppo in fretta", status_code=400)


@pytest.mark.django_db
def test_readers_behind_a_trusted_proxy_are_told_apart(client, comment_data, settings):
    """Behind a trusted proxy the reader's address comes from X-Forwarded-For."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    article = ArticleFactory()
    for n, reader in enumerate(["203.0.113.5", "203.0.113.6"]):
        response = client.post(
            post_url(article),
            comment_data(article, author_email=f"r{n}@example.org", body=f"Hi {n}"),
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.9, {reader}",
        )
        assert response.status_code == 302

    addresses = set(Comment.objects.values_list("ip_address", flat=True))
    assert addresses == {"203.0.113.5", "203.0.113.6"}
    assert Comment.objects.first().akismet_data["user_ip"] in addresses


@pytest.mark.django_db
def test_forwarded_address_from_an_untrusted_client_is_ignored(client, comment_data):
    """Anyone can write X-Forwarded-For: only trusted proxies are believed."""
    article = ArticleFactory()
    client.post(
        post_url(article),
        comment_data(article),
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert Comment.objects.get().ip_address == "192.0.2.1"


@pytest.mark.django_db
def test_flood_interval_is_a_setting(client, comment_data, settings):
    """After COMMENTS_FLOOD_SECONDS the same reader may comment again."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    article = ArticleFactory()
    client.post(post_url(article), comment_data(article))
    client.post(post_url(article), comment_data(article, body="Second thought."))
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_duplicate_comment_is_refused(client, comment_data, settings):
    """The same author posting the same text on the same article is refused."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    article = ArticleFactory()
    client.post(post_url(article), comment_data(article))
    response = client.post(post_url(article), comment_data(article))
    assertContains(response, "Hai già inviato questo commento.", status_code=400)
    other = ArticleFactory()
    client.post(post_url(other), comment_data(other))
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_honeypot_catches_bots(client, comment_data, caplog):
    """A filled-in hidden field means a bot: refused without any external call."""
    article = ArticleFactory()
    with caplog.at_level(logging.INFO, logger="comments.forms"):
        response = client.post(
            post_url(article), comment_data(article, homepage="http://spam.example")
        )
    assertContains(response, "sembra automatico", status_code=400)
    assert "honeypot" in caplog.text
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_sent_too_fast_is_refused(client, comment_data):
    """A form sent sooner than COMMENTS_MIN_FORM_SECONDS after display is refused."""
    article = ArticleFactory()
    page = client.get(article.get_absolute_url())
    token = page.content.decode().split('name="issued" value="')[1].split('"')[0]
    response = client.post(post_url(article), comment_data(article, issued=token))
    assertContains(response, "troppo presto", status_code=400)
    assertContains(response, "A fair point, well made.", status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_form_token_must_be_genuine(client, comment_data):
    """A forged or missing timestamp is refused as a stale form."""
    article = ArticleFactory()
    response = client.post(post_url(article), comment_data(article, issued="forged"))
    assertContains(response, "Questo modulo è scaduto.", status_code=400)


@pytest.mark.django_db
def test_reply_is_attached_to_its_parent(client, comment_data):
    """A reply posted with parent set hangs under that comment."""
    article = ArticleFactory()
    parent = CommentFactory(article=article, approved=True)
    client.post(post_url(article), comment_data(article, parent=parent.pk))
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    assert reply.akismet_data["comment_type"] == "reply"


@pytest.mark.django_db
def test_reply_to_a_hidden_comment_is_refused(client, comment_data):
    """Replying to a pending comment or one on another article is refused."""
    article = ArticleFactory()
    pending = CommentFactory(article=article)
    elsewhere = CommentFactory(approved=True)
    for parent in (pending, elsewhere):
        response = client.post(
            post_url(article), comment_data(article, parent=parent.pk)
        )
        assertContains(response, "non è disponibile", status_code=400)
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_unpublished_article_cannot_be_commented(client, comment_data):
    """Comments on a draft article are a 404."""
    article = ArticleFactory(draft=True)
    response = client.post(post_url(article), comment_data(article))
    assert response.status_code == 404


@pytest.mark.django_db
def test_get_on_the_post_url_goes_to_the_form(client):
    """The post URL opened in a browser leads to the article's comment form."""
    article = ArticleFactory()
    response = client.get(post_url(article))
    assertRedirects(
        response, article.get_absolute_url() + "#respond", fetch_redirect_response=False
    )


@pytest.mark.django_db
def test_remember_me_keeps_the_author_in_a_cookie(client, comment_data, settings):
    """Only when ticked are name, email and website kept and filled in next time."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    article = ArticleFactory()
    client.post(
        post_url(article), comment_data(article, author_url="https://anna.example")
    )
    assert not getattr(client.cookies.get(AUTHOR_COOKIE), "value", "")
    assertNotContains(client.get(article.get_absolute_url()), 'value="Anna Bianchi"')

    client.post(post_url(article), comment_data(article, body="Two", remember="on"))
    assert client.cookies[AUTHOR_COOKIE].value
    page = client.get(article.get_absolute_url())
    assertContains(page, 'value="Anna Bianchi"')
    assertContains(page, 'value="anna@example.org"')

    client.post(post_url(article), comment_data(article, body="Three"))
    assert client.cookies[AUTHOR_COOKIE].value == ""


@pytest.mark.django_db
def test_logged_in_user_comments_under_their_account(client, comment_data):
    """A logged-in reader is not asked for name and email; the account supplies them."""
    user = UserFactory(username="maria", first_name="Maria", last_name="Verdi")
    client.force_login(user)
    article = ArticleFactory()
    page = client.get(article.get_absolute_url())
    assertNotContains(page, 'name="author_email"')
    assertContains(page, "Stai commentando come Maria Verdi.")
    data = comment_data(article)
    del data["author_name"], data["author_email"]
    client.post(post_url(article), data)
    comment = Comment.objects.get()
    assert comment.user == user
    assert comment.author_name == "Maria Verdi"
    assert comment.author_email == user.email


@pytest.mark.django_db
def test_akismet_notice_links_to_the_privacy_page(client):
    """The form says Akismet is used and links to the page explaining what is sent."""
    article = ArticleFactory()
    page = client.get(article.get_absolute_url())
    privacy = reverse("comments:privacy")
    assertContains(page, f'<a href="{privacy}">')
    response = client.get(privacy)
    assertContains(response, "Akismet")
    assertContains(response, "indirizzo IP")


@pytest.mark.django_db
def test_required_fields_are_marked(client):
    """Required fields carry a visible * and the required attribute."""
    article = ArticleFactory()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "I campi obbligatori sono contrassegnati *" in page
    assert page.count('<span class="required" aria-hidden="true"> *</span>') == 3
    assert 'name="author_url" autocomplete="url" maxlength="300" id' in page


@pytest.mark.django_db
def test_form_posted_at_once_passes_when_no_minimum_is_set(
    client, comment_data, settings, monkeypatch
):
    """With COMMENTS_MIN_FORM_SECONDS=0 even an instant post is accepted."""

    from comments import forms

    settings.COMMENTS_MIN_FORM_SECONDS = 0
    article = ArticleFactory()
    # A form shown at .x96 s and posted within the same tenth of a second.
    monkeypatch.setattr(forms.time, "time", lambda: 1_800_000_000.96)
    data = comment_data(article, issued=forms.issue_token(article.pk))

    response = client.post(post_url(article), data)

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_reply_at_the_depth_limit_hangs_one_level_up(client, post_comment, settings):
    """
    The thread depth is kept on the server: a reply to a comment already at
    the limit (3) is stored at the limit, under that comment's parent.
    """
    article = ArticleFactory()
    top = CommentFactory(article=article, approved=True)
    middle = CommentFactory(article=article, approved=True, parent=top)
    deepest = CommentFactory(article=article, approved=True, parent=middle)
    settings.COMMENTS_FLOOD_SECONDS = 0

    post_comment(article, parent=deepest.pk, body="Seconded, from below.")
    post_comment(article, parent=top.pk, body="A plain reply.", author_email="b@x.org")

    assert Comment.objects.get(body="Seconded, from below.").parent == middle
    assert Comment.objects.get(body="A plain reply.").parent == top


@pytest.mark.django_db
def test_with_one_level_replies_become_comments(client, post_comment):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 1})
    article = ArticleFactory()
    top = CommentFactory(article=article, approved=True)

    post_comment(article, parent=top.pk, body="Flat threads here.")

    assert Comment.objects.get(body="Flat threads here.").parent is None
