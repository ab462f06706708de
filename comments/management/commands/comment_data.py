import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from comments import cache
from comments.models import Comment, CommentEvent
from newsroom.sanitize import comment_text_to_html


class Command(BaseCommand):
    help = (
        "A commenter's personal data, found by email address: 'export' prints their "
        "comments and the comments' history as JSON; 'erase' anonymises their "
        "comments, which stay in their threads."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email", help="The commenter's email address.")
        parser.add_argument(
            "--remove-text",
            action="store_true",
            help="erase: also replace the text of the comments with a notice.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="erase: do not ask for confirmation.",
        )

    def handle(self, *, action, email, remove_text, interactive, **options):
        try:
            validate_email(email)
        except Exception as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        comments = Comment.objects.filter(
            Q(author_email__iexact=email) | Q(user__email__iexact=email)
        )
        if action == "export":
            self.export(comments, email)
        else:
            self.erase(
                comments, email, remove_text=remove_text, interactive=interactive
            )

    def export(self, comments, email):
        comments = comments.select_related(
            "article", "page", "parent"
        ).prefetch_related("events")
        data = {
            "email": email,
            "comments": [
                {
                    "id": comment.pk,
                    "article": {
                        "id": comment.article_id,
                        "title": comment.target.title,
                        "url": settings.SITE_URL + comment.target.get_absolute_url(),
                    },
                    "in_reply_to": comment.parent_id,
                    "name": comment.author_name,
                    "email": comment.author_email,
                    "website": comment.author_url,
                    "text": comment.body,
                    "status": comment.status,
                    "date": comment.created_at,
                    "language": comment.language,
                    "ip_address": comment.ip_address,
                    "user_agent": comment.user_agent,
                    "referrer": comment.referrer,
                    "akismet_verdict": comment.verdict,
                    "data_sent_to_akismet": comment.akismet_data,
                    "history": [
                        {
                            "date": event.created_at,
                            "from": event.from_status,
                            "to": event.to_status,
                            "what_happened": event.message,
                        }
                        for event in comment.events.all()
                    ],
                }
                for comment in comments
            ],
        }
        self.stdout.write(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )

    def erase(self, comments, email, *, remove_text, interactive):
        count = comments.count()
        if not count:
            self.stdout.write(f"No comments found for {email}.")
            return
        if interactive:
            also = " and remove their text" if remove_text else ""
            answer = input(
                f"Anonymise {count} comment(s) by {email}{also}? This cannot be "
                "undone. Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Erasure cancelled.")
        erased = 0
        with transaction.atomic():
            pks = list(comments.values_list("pk", flat=True))
            languages = (
                Comment.objects.filter(pk__in=pks)
                .values_list("language", flat=True)
                .distinct()
            )
            # Readers see the placeholder name in the comment's own language.
            for language in list(languages):
                with translation.override(language or settings.LANGUAGE_CODE):
                    changes = {
                        "author_name": gettext("Anonymous"),
                        "author_email": "",
                        "author_url": "",
                        "user": None,
                        "ip_address": None,
                        "user_agent": "",
                        "referrer": "",
                        "akismet_data": {},
                    }
                    if remove_text:
                        changes["body"] = gettext(
                            "This comment was removed at its author's request."
                        )
                        changes["body_html"] = comment_text_to_html(changes["body"])
                    erased += Comment.objects.filter(
                        pk__in=pks, language=language
                    ).update(**changes)
            with translation.override(settings.LANGUAGE_CODE):
                message = gettext("Personal data erased at the author's request.")
            CommentEvent.objects.bulk_create(
                CommentEvent(comment_id=pk, message=message) for pk in pks
            )
            articles = Comment.objects.filter(pk__in=pks).values_list(
                "article_id", flat=True
            )
            cache.comments_changed(*set(articles))
        self.stdout.write(f"Anonymised {erased} comment(s) by {email}.")
