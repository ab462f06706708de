from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import personal_data


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
        if action == "export":
            self.stdout.write(personal_data.as_json(email))
            return
        count = personal_data.comments_of(email).count()
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
        erased = personal_data.erase(email, remove_text=remove_text)
        self.stdout.write(f"Anonymised {erased} comment(s) by {email}.")
