import pytest
from pytest_django.asserts import assertContains, assertNotContains

from django.db import connection
from django.urls import reverse

from comments import spam
from comments.models import Comment, CommentEvent, ModerationSettings

from .factories import (
    ArticleFactory,
    CommentEventFactory,
    CommentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def edit(comment, **fields):
    """The change form as the browser posts it: the fields, and the history's
    management form."""
    events = comment.events.count()
    return {
        "events-TOTAL_FORMS": events,
        "events-INITIAL_FORMS": events,
        "events-MIN_NUM_FORMS": 0,
        "events-MAX_NUM_FORMS": 0,
        **fields,
    }


# The queue


def test_queue_shows_pending_comments_by_default(moderator_client):
    CommentFactory(body="Waiting for a moderator")
    CommentFactory(approved=True, body="Already published")
    CommentFactory(spam=True, body="Cheap pills")
    CommentFactory(trashed=True, body="Thrown away")

    response = moderator_client.get(QUEUE)

    assertContains(response, "Waiting for a moderator")
    assertNotContains(response, "Already published")
    assertNotContains(response, "Cheap pills")
    assertNotContains(response, "Thrown away")


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("approved", "Already published", "Waiting for a moderator"),
        ("spam", "Cheap pills", "Already published"),
        ("trash", "Thrown away", "Cheap pills"),
    ],
)
def test_status_filter_shows_one_status(moderator_client, status, shown, hidden):
    CommentFactory(body="Waiting for a moderator")
    CommentFactory(approved=True, body="Already published")
    CommentFactory(spam=True, body="Cheap pills")
    CommentFactory(trashed=True, body="Thrown away")

    response = moderator_client.get(QUEUE, {"status": status})

    assertContains(response, shown)
    assertNotContains(response, hidden)


def test_status_filter_all_shows_every_status(moderator_client):
    CommentFactory(body="Waiting for a moderator")
    CommentFactory(spam=True, body="Cheap pills")

    response = moderator_client.get(QUEUE, {"status": "all"})

    assertContains(response, "Waiting for a moderator")
    assertContains(response, "Cheap pills")


def test_status_filter_labels_carry_the_counts(moderator_client):
    CommentFactory.create_batch(3)
    CommentFactory(approved=True)
    CommentFactory.create_batch(2, spam=True)

    response = moderator_client.get(QUEUE)

    assertContains(response, "Pending (3)")
    assertContains(response, "Approved (1)")
    assertContains(response, "Spam (2)")
    assertContains(response, "Trash (0)")


def test_queue_columns(moderator_client):
    article = ArticleFactory(title="Budget vote tonight")
    CommentFactory(
        article=article,
        author_name="Luca Verdi",
        author_email="luca@example.org",
        ip_address="198.51.100.7",
        body="Link one http://a.example link two http://b.example",
        held_reason="2 links",
        verdict=Comment.Verdict.HAM,
        check_state=Comment.CheckState.CHECKED,
    )

    response = moderator_client.get(QUEUE)

    for text in [
        "Budget vote tonight",
        "Luca Verdi",
        "luca@example.org",
        "198.51.100.7",
        "Link one http://a.example",
        "Not spam",
        "2 links",
    ]:
        assertContains(response, text)


def test_why_held_shows_the_last_check_error_when_no_rule_held_it(moderator_client):
    CommentFactory(last_check_error="try again later: timed out")

    response = moderator_client.get(QUEUE)

    assertContains(response, "try again later: timed out")


@pytest.mark.parametrize(
    ("term", "body"),
    [
        ("Verdi", "by name"),
        ("luca@example", "by email"),
        ("Luca@Example.ORG", "by whole email, any case"),
        ("198.51.100", "by IP"),
        ("198.51.100.7", "by whole IP"),
        ("zucchine", "zucchine ripiene by text"),
    ],
)
def test_search_by_name_email_ip_and_text(moderator_client, term, body):
    CommentFactory(
        author_name="Luca Verdi",
        author_email="luca@example.org",
        ip_address="198.51.100.7",
        body=body,
    )
    CommentFactory(
        author_name="Anna Neri",
        author_email="anna@example.net",
        ip_address="203.0.113.5",
        body="Unrelated remark",
    )

    response = moderator_client.get(QUEUE, {"q": term})

    assertContains(response, body)
    assertNotContains(response, "Unrelated remark")


def test_search_for_a_whole_address_matches_it_exactly(moderator_client):
    """A whole email or IP finds that author only, not addresses containing it."""
    CommentFactory(author_email="luca@example.org", ip_address="10.0.0.1", body="Own")
    CommentFactory(
        author_email="gianluca@example.org", ip_address="10.0.0.10", body="Other"
    )

    by_email = moderator_client.get(QUEUE, {"q": "luca@example.org"})
    by_ip = moderator_client.get(QUEUE, {"q": "10.0.0.1"})

    for response in (by_email, by_ip):
        assertContains(response, "Own")
        assertNotContains(response, "Other")


def test_filters_by_verdict_check_state_and_article(moderator_client):
    article = ArticleFactory(title="Harbour works")
    CommentFactory(article=article, body="On the harbour")
    CommentFactory(body="Elsewhere", check_state=Comment.CheckState.OFF)
    CommentFactory(
        body="Checked and held",
        check_state=Comment.CheckState.CHECKED,
        verdict=Comment.Verdict.HAM,
    )

    by_article = moderator_client.get(QUEUE, {"article__id__exact": article.pk})
    by_state = moderator_client.get(QUEUE, {"check_state__exact": "off"})
    by_verdict = moderator_client.get(QUEUE, {"verdict__exact": "ham"})

    assertContains(by_article, "On the harbour")
    assertNotContains(by_article, "Elsewhere")
    assertContains(by_state, "Elsewhere")
    assertNotContains(by_state, "On the harbour")
    assertContains(by_verdict, "Checked and held")
    assertNotContains(by_verdict, "Elsewhere")


def test_queue_runs_a_fixed_number_of_queries(
    moderator_client, django_assert_num_queries, django_assert_max_num_queries
):
    CommentFactory()
    # The header's pending badge counts once, then reads its cached count.
    moderator_client.get(QUEUE)
    # 10, plus the planner's estimate of the list's length on PostgreSQL.
    with django_assert_max_num_queries(11) as one_row:
        moderator_client.get(QUEUE)

    for article in ArticleFactory.create_batch(10):
        parent = CommentFactory(article=article, approved=True)
        CommentFactory.create_batch(9, article=article, parent=parent)

    with django_assert_num_queries(len(one_row.captured_queries)):
        response = moderator_client.get(QUEUE)
    assert len(response.context["cl"].result_list) == 91


def test_queue_shows_the_parent_beside_a_reply_and_links_the_article(
    moderator_client,
):
    article = ArticleFactory(title="On the harbour")
    parent = CommentFactory(
        article=article, approved=True, author_name="Lucia", body="The pier first."
    )
    reply = CommentFactory(article=article, parent=parent, body="No, the road.")

    response = moderator_client.get(QUEUE)

    assertContains(response, "No, the road.")
    assertContains(response, "Lucia: «The pier first.»")
    assertContains(response, reverse("admin:comments_comment_change", args=[parent.pk]))
    assertContains(response, f'href="{article.get_absolute_url()}"')
    assert reply.pk in [c.pk for c in response.context["cl"].result_list]


def test_queue_is_refused_to_staff_without_permission(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(QUEUE).status_code == 403


def test_queue_sends_anonymous_users_to_the_login_page(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# Warnings about the spam check


def test_warns_when_spam_checking_is_off(moderator_client, settings):
    settings.AKISMET_API_KEY = ""

    response = moderator_client.get(QUEUE)

    assertContains(response, "Spam checking is off")


@pytest.mark.parametrize(
    "check_state", [Comment.CheckState.UNCHECKED, Comment.CheckState.GAVE_UP]
)
def test_warns_when_akismet_rejected_the_key(moderator_client, settings, check_state):
    settings.AKISMET_API_KEY = "wrong-key"
    CommentFactory(
        check_state=check_state,
        last_check_error=spam.MISCONFIGURED + ": invalid API key",
    )

    response = moderator_client.get(QUEUE)

    assertContains(response, "Akismet rejected the configuration")
    assertNotContains(response, "Spam checking is off")


def test_no_warning_when_spam_checking_works(moderator_client, settings):
    settings.AKISMET_API_KEY = "good-key"
    CommentFactory(last_check_error=spam.RETRY + ": timed out")

    response = moderator_client.get(QUEUE)

    assertNotContains(response, "Akismet rejected")
    assertNotContains(response, "Spam checking is off")


def test_admin_index_shows_the_pending_count_and_warnings(moderator_client, settings):
    settings.AKISMET_API_KEY = ""
    CommentFactory.create_batch(3)
    CommentFactory(approved=True)

    response = moderator_client.get(reverse("admin:index"))

    assertContains(response, "3 comments awaiting moderation")
    assertContains(response, "Spam checking is off")


def test_admin_index_hides_the_count_from_staff_without_permission(client):
    client.force_login(UserFactory(is_staff=True))
    CommentFactory()

    response = client.get(reverse("admin:index"))

    assertNotContains(response, "awaiting moderation")


# The change page


def test_change_page_shows_history_akismet_data_and_check_state(moderator_client):
    comment = CommentFactory(
        akismet_data={"comment_author": "Luca Verdi", "user_ip": "198.51.100.7"},
        check_attempts=2,
        last_check_error="try again later: connection refused",
    )
    CommentEventFactory(
        comment=comment,
        message="Akismet unreachable, retry 2 at 14:05",
        from_status="pending",
        to_status="pending",
    )
    CommentEventFactory(
        comment=comment,
        actor=UserFactory(username="paolo"),
        message="approved by paolo",
        from_status="pending",
        to_status="approved",
    )

    response = moderator_client.get(change_url(comment))

    assertContains(response, "Akismet unreachable, retry 2 at 14:05")
    assertContains(response, "approved by paolo")
    assertContains(response, "paolo")
    assertContains(response, "the system")
    assertContains(response, "&quot;user_ip&quot;: &quot;198.51.100.7&quot;")
    assertContains(response, "Not checked yet")
    assertContains(response, "try again later: connection refused")
    # History is read-only: no formset fields to change it.
    assertNotContains(response, 'name="events-0-message"')


def test_change_page_links_to_the_comment_on_the_site(moderator_client):
    comment = CommentFactory()

    response = moderator_client.get(change_url(comment))

    assertContains(response, f'href="{comment.get_absolute_url()}"')
    assert comment.get_absolute_url().endswith(f"#comment-{comment.pk}")


def test_moderator_edits_the_text_and_the_history_records_it(moderator_client):
    comment = CommentFactory(body="Tihs has a typo.", author_name="Luca")
    CommentEventFactory(comment=comment, message="received")

    response = moderator_client.post(
        change_url(comment), edit(comment, body="Fixed text.")
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Fixed text."
    assert comment.author_name == "Luca"
    assert comment.status == Comment.Status.PENDING
    event = comment.events.last()
    assert comment.events.count() == 2
    assert event.actor.username == "maria"
    assert "maria" in event.message


def test_only_the_text_can_be_edited(moderator_client):
    comment = CommentFactory(author_name="Luca")

    moderator_client.post(
        change_url(comment),
        edit(comment, body=comment.body, author_name="Changed", status="approved"),
    )

    comment.refresh_from_db()
    assert comment.author_name == "Luca"
    assert comment.status == Comment.Status.PENDING
    assert not CommentEvent.objects.exists()


def test_an_empty_text_is_refused_and_the_comment_kept(moderator_client):
    comment = CommentFactory(body="Original.")

    response = moderator_client.post(change_url(comment), edit(comment, body=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
    comment.refresh_from_db()
    assert comment.body == "Original."


def test_comments_cannot_be_added_in_admin(moderator_client, admin_client):
    url = reverse("admin:comments_comment_add")

    assert moderator_client.get(url).status_code == 403
    assert admin_client.get(url).status_code == 403


# Moderation settings


def test_administrator_edits_the_moderation_settings(admin_client):
    rules = ModerationSettings.load()
    url = reverse("admin:comments_moderationsettings_change", args=[rules.pk])
    data = {
        "hold_all": "on",
        "link_limit": 5,
        "moderation_words": "casino",
        "disallowed_words": "",
        "close_after_days": 30,
        "thread_depth": 2,
        "notify_moderators": "on",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.hold_all
    assert rules.link_limit == 5
    assert rules.moderation_words == "casino"
    assert rules.thread_depth == 2
    assert not rules.notify_article_author


def test_moderation_settings_list_opens_the_single_row(admin_client):
    response = admin_client.get(reverse("admin:comments_moderationsettings_changelist"))

    rules = ModerationSettings.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:comments_moderationsettings_change", args=[rules.pk]
    )


def test_moderation_settings_cannot_be_added_twice_or_deleted(admin_client):
    rules = ModerationSettings.load()

    add = admin_client.get(reverse("admin:comments_moderationsettings_add"))
    delete = admin_client.get(
        reverse("admin:comments_moderationsettings_delete", args=[rules.pk])
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert ModerationSettings.objects.count() == 1


def test_article_filter_lists_only_the_chosen_article(moderator_client):
    """The queue links each comment's article instead of listing every article."""
    chosen = ArticleFactory(title="Harbour works")
    other = ArticleFactory(title="Bridge closed")
    CommentFactory(article=chosen, body="On the harbour")
    CommentFactory(article=other, body="On the bridge")

    queue = moderator_client.get(QUEUE)
    filtered = moderator_client.get(QUEUE, {"article__id__exact": chosen.pk})

    assertContains(queue, f'href="?article__id__exact={chosen.pk}"')
    assertNotContains(filtered, "On the bridge")
    assertContains(filtered, "Harbour works")
    assertNotContains(filtered, f'href="?article__id__exact={other.pk}"')


def test_status_counts_stop_at_a_cap(moderator_client, monkeypatch):
    """Past the cap the queue says "more than N" instead of counting every row."""
    from comments.admin import StatusFilter

    monkeypatch.setattr(StatusFilter, "COUNT_CAP", 2)
    CommentFactory.create_batch(3)
    CommentFactory(approved=True)

    response = moderator_client.get(QUEUE)

    assertContains(response, "Pending (more than 2)")
    assertContains(response, "Approved (1)")


def test_the_queue_finds_comments_by_a_word_and_still_by_email_or_address(
    client, moderator
):
    wanted = CommentFactory(
        body="La siccità colpisce le campagne del sud",
        author_email="Ada@Example.org",
        ip_address="198.51.100.7",
    )
    other = CommentFactory(body="Tutt'altro discorso", ip_address="203.0.113.9")
    client.force_login(moderator)
    url = reverse("admin:comments_comment_changelist")

    def found(term):
        response = client.get(url, {"q": term})
        assert response.status_code == 200
        return {c.pk for c in response.context["cl"].result_list}

    assert found("campagne") == {wanted.pk}
    assert found("ada@example.org") == {wanted.pk}
    assert found("198.51.100.7") == {wanted.pk}
    assert found("203.0.113.9") == {other.pk}
    assert Comment.objects.count() == 2


def test_held_by_a_rule_view_names_the_rules_with_counts(moderator_client):
    CommentFactory.create_batch(2, held_rule=Comment.HeldRule.LINKS, body="Two links")
    CommentFactory(held_rule=Comment.HeldRule.WORDS, body="A listed word")
    CommentFactory(held_rule=Comment.HeldRule.LINKS, approved=True, body="Decided")

    queue = moderator_client.get(QUEUE)
    links = moderator_client.get(QUEUE, {"held_rule": "links", "status": "all"})

    assertContains(queue, "too many links (2)")
    assertContains(queue, "a word on the moderation list (1)")
    assertContains(queue, "?held_rule=links")
    assertContains(links, "Two links", count=2)
    assertNotContains(links, "A listed word")
    assertNotContains(links, "Decided")


def test_each_row_has_the_selection_checkbox_the_actions_read(moderator_client):
    comment = CommentFactory(author_name="Ada <b>")

    response = moderator_client.get(QUEUE)

    assertContains(
        response,
        f'<input type="checkbox" name="_selected_action" value="{comment.pk}" '
        'class="action-select" aria-label="Select this object for an action - '
        f'Ada &lt;b&gt; on {comment.article_id}">',
        html=True,
    )


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the word index is PostgreSQL's"
)


@postgresql_only
def test_a_rare_word_is_found_through_the_index_newest_first(moderator_client):
    older = CommentFactory(body="Il ponte di Messina, di nuovo", approved=True)
    newer = CommentFactory(body="Ancora il ponte sullo stretto")
    CommentFactory(body="Tutt'altro discorso")

    response = moderator_client.get(QUEUE, {"q": "ponte", "status": "all"})
    nothing = moderator_client.get(QUEUE, {"q": "zzzassente", "status": "all"})
    no_word = moderator_client.get(QUEUE, {"q": "!!!", "status": "all"})

    assert [c.pk for c in response.context["cl"].result_list] == [newer.pk, older.pk]
    assert list(nothing.context["cl"].result_list) == []
    assert no_word.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


@postgresql_only
def test_a_word_in_more_comments_than_the_probe_takes_is_still_found(
    moderator_client, monkeypatch
):
    from comments import word_search

    monkeypatch.setattr(word_search, "PROBE_LIMIT", 2)
    comments = CommentFactory.create_batch(4, body="Piove sul raccolto")
    CommentFactory(body="Sole pieno")

    response = moderator_client.get(QUEUE, {"q": "raccolto", "status": "all"})

    assert {c.pk for c in response.context["cl"].result_list} == {
        c.pk for c in comments
    }


@postgresql_only
def test_the_share_of_a_word_comes_from_the_index_statistics():
    from comments import word_search

    CommentFactory.create_batch(30, body="grazie per l'articolo")
    CommentFactory.create_batch(30, body="ottima analisi")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")

    assert word_search.rarest_share("grazie") == pytest.approx(0.5, abs=0.1)
    assert word_search.rarest_share("grazie analisi") == pytest.approx(0.5, abs=0.1)
    assert word_search.rarest_share("grazie sconosciuta") == 0.0
    assert word_search.rarest_share("!!!") == 0.0
