"""The editorial workflow: every transition, its record, its mail, and its refusals."""

from datetime import timedelta

import pytest
import time_machine
from pytest_django.asserts import assertContains

from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition
from tests.factories import ArticleFactory, UserFactory

State = Article.State


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def author(journalist):
    journalist.email = "luca@example.com"
    journalist.save()
    return journalist


@pytest.mark.django_db
def test_submitting_for_review_records_step_and_mails_editors(
    client,
    author,
    editor,
    article_form_data,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Journalist submits through admin: a step is recorded, editors are emailed."""
    UserFactory(username="other-editor", is_staff=True, groups=["Editor"])
    article = ArticleFactory(draft=True, author=author, title="Bridge works")
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(article),
            article_form_data(article, status="review", note="Ready."),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    step = article.transitions.get()
    assert (step.actor, step.from_state, step.to_state, step.note) == (
        author,
        State.DRAFT,
        State.REVIEW,
        "Ready.",
    )
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["anna@example.com", "other-editor@example.com"]
    assert "Bridge works" in mailoutbox[0].subject
    assert "Ready." in mailoutbox[0].body
    assert change_url(article) in mailoutbox[0].body


@pytest.mark.django_db
def test_mail_is_sent_only_after_commit(author, editor, mailoutbox):
    """The mail task is enqueued on commit: a rolled-back step sends nothing."""
    article = ArticleFactory(draft=True, author=author)
    workflow.submit_for_review(article, by=author)
    # pytest-django wraps the test in a transaction that never commits.
    assert mailoutbox == []


@pytest.mark.django_db
def test_send_back_needs_a_note_and_mails_the_author(
    client,
    author,
    editor,
    article_form_data,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """An editor sends an article back with a note; without one the form refuses."""
    article = ArticleFactory(in_review=True, author=author)
    client.force_login(editor)
    response = client.post(
        change_url(article), article_form_data(article, status="returned")
    )
    assert response.status_code == 200
    assert "note" in response.context["adminform"].form.errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(article),
            article_form_data(
                article, status="returned", note="Check the figures in §2."
            ),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.RETURNED
    assert article.transitions.get().note == "Check the figures in §2."
    assert [m.to for m in mailoutbox] == [["luca@example.com"]]
    assert "Check the figures in §2." in mailoutbox[0].body


@pytest.mark.django_db
def test_resubmitting_a_sent_back_article(author, editor):
    """A sent-back article goes back to review when its author resubmits it."""
    article = ArticleFactory(in_review=True, author=author)
    workflow.send_back(article, by=editor, note="Shorter, please.")
    workflow.submit_for_review(article, by=author)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert list(
        article.transitions.order_by("pk").values_list("from_state", "to_state")
    ) == [(State.REVIEW, State.RETURNED), (State.RETURNED, State.REVIEW)]


@pytest.mark.django_db
def test_publishing_dates_the_article_now_and_mails_the_author(
    author, editor, mailoutbox, django_capture_on_commit_callbacks
):
    """Publishing makes the article public at once; the author hears of it."""
    article = ArticleFactory(in_review=True, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=editor)
    article.refresh_from_db()
    assert article.is_published()
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert [m.to for m in mailoutbox] == [["luca@example.com"]]


@pytest.mark.django_db
def test_scheduled_article_appears_by_itself(
    client,
    author,
    editor,
    article_form_data,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """An editor schedules an article two minutes ahead; it goes live on its own."""
    article = ArticleFactory(in_review=True, author=author, title="At noon")
    when = timezone.now().replace(microsecond=0) + timedelta(minutes=2)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(article),
            article_form_data(article, status="scheduled", published_at=when),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state() == State.SCHEDULED
    assert article.published_at == when
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert [m.to for m in mailoutbox] == [["luca@example.com"]]
    assert "At noon" in mailoutbox[0].subject
    with time_machine.travel(when + timedelta(seconds=1)):
        assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_published_with_a_future_date_is_a_schedule(client, editor, article_form_data):
    """Choosing Published with a future date schedules the article."""
    article = ArticleFactory(draft=True)
    when = timezone.now() + timedelta(days=1)
    client.force_login(editor)
    client.post(
        change_url(article),
        article_form_data(article, status="published", published_at=when),
    )
    article.refresh_from_db()
    assert article.state() == State.SCHEDULED
    assert article.transitions.get().to_state == State.SCHEDULED


@pytest.mark.django_db
def test_schedule_needs_a_future_date(client, editor, article_form_data):
    """Scheduling without a future date is a form error and changes nothing."""
    article = ArticleFactory(draft=True)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        article_form_data(
            article, status="scheduled", published_at=timezone.now() - timedelta(1)
        ),
    )
    assert response.status_code == 200
    assert "published_at" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_unpublishing_takes_the_article_off_the_site(client, editor, article_form_data):
    """An editor unpublishes a live article: it becomes a draft, hidden again."""
    article = ArticleFactory()
    client.force_login(editor)
    response = client.post(
        change_url(article), article_form_data(article, status="draft")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()
    step = article.transitions.get()
    assert (step.from_state, step.to_state) == (State.PUBLISHED, State.DRAFT)


@pytest.mark.parametrize(
    "transition, traits",
    [
        (lambda a, by: workflow.publish(a, by=by), {"in_review": True}),
        (lambda a, by: workflow.unpublish(a, by=by), {}),
        (lambda a, by: workflow.send_back(a, by=by, note="No."), {"in_review": True}),
        (
            lambda a, by: workflow.schedule(
                a, timezone.now() + timedelta(days=1), by=by
            ),
            {"draft": True},
        ),
    ],
    ids=["publish", "unpublish", "send back", "schedule"],
)
@pytest.mark.django_db
def test_journalist_cannot_take_editor_transitions(journalist, transition, traits):
    """Only editors publish, unpublish, schedule and send back."""
    article = ArticleFactory(author=journalist, **traits)
    before = (article.status, article.published_at)
    with pytest.raises(workflow.TransitionNotAllowed):
        transition(article, journalist)
    article.refresh_from_db()
    assert (article.status, article.published_at) == before
    assert not ArticleTransition.objects.exists()


@pytest.mark.django_db
def test_transitions_refused_from_the_wrong_state(editor, journalist):
    """A published article is not submitted, sent back or published again."""
    article = ArticleFactory(author=journalist)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit_for_review(article, by=journalist)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.send_back(article, by=editor, note="x")
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.publish(article, by=editor)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.schedule(article, timezone.now() + timedelta(days=1), by=editor)


@pytest.mark.django_db
def test_bulk_publish_reports_what_it_did(client, editor):
    """The editors' bulk action publishes drafts and reports refusals separately."""
    drafts = ArticleFactory.create_batch(2, draft=True)
    live = ArticleFactory(title="Already live")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [a.pk for a in [*drafts, live]],
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("2" in t for t in texts)
    assert any("Already live" in t for t in texts)
    assert Article.objects.published().count() == 3
    assert ArticleTransition.objects.filter(to_state=State.PUBLISHED).count() == 2


@pytest.mark.django_db
def test_bulk_unpublish(client, editor):
    """The editors' bulk unpublish turns live articles into drafts."""
    articles = ArticleFactory.create_batch(3)
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [a.pk for a in articles]},
    )
    assert not Article.objects.published().exists()
    assert ArticleTransition.objects.filter(to_state=State.DRAFT).count() == 3


@pytest.mark.django_db
def test_steps_are_shown_on_the_article(client, author, editor):
    """The change page lists each step with who, from, to and the note."""
    article = ArticleFactory(draft=True, author=author)
    workflow.submit_for_review(article, by=author)
    workflow.send_back(article, by=editor, note="Add a quote from the mayor.")
    client.force_login(editor)
    response = client.get(change_url(article))
    assertContains(response, "Add a quote from the mayor.")
    assertContains(response, "anna")
    assertContains(response, "luca")


@pytest.mark.django_db
def test_editors_see_articles_in_review_first(client, editor):
    """In the editor's list, articles waiting for review come before the rest."""
    ArticleFactory(title="Live one")
    ArticleFactory(draft=True, title="A draft")
    ArticleFactory(in_review=True, title="Waiting")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"))
    titles = [a.title for a in response.context["cl"].result_list]
    assert titles[0] == "Waiting"


@pytest.mark.django_db
def test_journalists_see_sent_back_articles_first(client, journalist):
    """In the journalist's list, their sent-back articles come first."""
    ArticleFactory(draft=True, author=journalist, title="Draft")
    ArticleFactory(returned=True, author=journalist, title="Fix me")
    ArticleFactory(author=journalist, title="Live")
    client.force_login(journalist)
    response = client.get(reverse("admin:articles_article_changelist"))
    titles = [a.title for a in response.context["cl"].result_list]
    assert titles == ["Fix me", "Draft", "Live"]
