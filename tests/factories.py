from datetime import timedelta

import factory
from factory.django import DjangoModelFactory

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, AuthorProfile, Category, Image, Tag
from comments.models import Comment, CommentEvent


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Giulia"
    last_name = "Rossi"
    password = factory.django.Password("password")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """Put the user in groups by name: ``UserFactory(groups=["Editor"])``."""
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class ImageFactory(DjangoModelFactory):
    """A picture in the library; its renditions are generated on save."""

    class Meta:
        model = Image

    file = factory.django.ImageField(width=2000, height=1000, format="JPEG")
    alt_text = "A square in Rome at dusk"
    caption = "Piazza Navona"
    credit = "Newsroom"


class AuthorProfileFactory(DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory)
    display_name = "Giulia Rossi"
    bio = "Political correspondent."


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    standfirst = "A short summary."
    body = "<h2>Heading</h2><p>Some text of the article.</p>"
    author = factory.SubFactory(UserFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Article.Status.REVIEW, published_at=None)
        returned = factory.Trait(status=Article.Status.RETURNED, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(
                lambda: timezone.now() + timedelta(hours=1)
            )
        )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class CommentFactory(DjangoModelFactory):
    """A reader's comment, pending by default; traits for the other states."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = "A thoughtful remark about the article."
    ip_address = "192.0.2.10"
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    language = "it"

    class Params:
        approved = factory.Trait(
            status=Comment.Status.APPROVED,
            check_state=Comment.CheckState.CHECKED,
            verdict=Comment.Verdict.HAM,
        )
        spam = factory.Trait(
            status=Comment.Status.SPAM,
            check_state=Comment.CheckState.CHECKED,
            verdict=Comment.Verdict.SPAM,
        )
        trashed = factory.Trait(status=Comment.Status.TRASH)


class CommentEventFactory(DjangoModelFactory):
    class Meta:
        model = CommentEvent

    comment = factory.SubFactory(CommentFactory)
    message = "Akismet: ham"
