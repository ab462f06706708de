"""
The words of each article's body, counted on save (the reading time the page
shows, which was worked out from the body on every view). Existing articles
are counted here, a thousand at a time.
"""

from django.db import migrations, models

from articles.models import count_words

BATCH = 1000


def count_existing(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    last = 0
    while batch := list(
        Article.objects.filter(pk__gt=last).order_by("pk").only("pk", "body")[:BATCH]
    ):
        for article in batch:
            article.word_count = count_words(article.body)
        Article.objects.bulk_update(batch, ["word_count"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_correction_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="word_count",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="words"
            ),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
