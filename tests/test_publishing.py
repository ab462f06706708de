from datetime import UTC, datetime, timedelta

import pytest

from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory


@pytest.mark.django_db
def test_published_selects_only_past_published_articles():
    """published() keeps published rows dated now or earlier, and nothing else."""
    visible = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(in_review=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(status=Article.Status.RETURNED, published_at=None)

    assert list(Article.objects.published()) == [visible]


@pytest.mark.django_db
def test_scheduled_article_becomes_published_at_its_time(time_machine):
    """An article dated later appears by itself once its time has come."""
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=2))
    assert not article.is_published()
    assert article.is_scheduled()

    time_machine.move_to(timezone.now() + timedelta(minutes=3))

    assert article.is_published()
    assert list(Article.objects.published()) == [article]


@pytest.mark.django_db
def test_slug_stays_when_title_changes():
    """A published article keeps its address when its title is edited."""
    article = ArticleFactory(title="Prima versione")
    article.title = "Seconda versione"
    article.save()

    article.refresh_from_db()
    assert article.slug == "prima-versione"


@pytest.mark.django_db
def test_slugs_are_unique():
    first = ArticleFactory(title="Stesso titolo")
    second = ArticleFactory(title="Stesso titolo")

    assert first.slug != second.slug


@pytest.mark.django_db
def test_published_months_lists_each_month_with_a_published_article():
    """The archive's months: newest first, local time, nothing unpublished."""
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    for when in [
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),  # 1 April in Rome
        datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        datetime(2025, 12, 24, 9, 0, tzinfo=UTC),
        datetime(2025, 12, 1, 9, 0, tzinfo=UTC),
    ]:
        ArticleFactory(published_at=when)
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)

    months = Article.objects.published_months()

    assert months == [
        datetime(2026, 4, 1, tzinfo=rome),
        datetime(2026, 3, 1, tzinfo=rome),
        datetime(2025, 12, 1, tzinfo=rome),
    ]
    assert months == list(
        Article.objects.published().datetimes("published_at", "month", order="DESC")
    )
