"""
The words of each article's body, counted on save (the reading time the page
shows, which was worked out from the body on every view). Existing articles
are counted here, a thousand at a time.
"""

import html

from django.db import migrations, models

from newsroom.sanitize import strip_html

BATCH = 1000


def count_existing(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    counted = {}  # the same body is counted once
    last = 0
    while True:
        batch = list(
            Article.objects.filter(pk__gt=last).order_by("pk").only("pk", "body")[:BATCH]
        )
        if not batch:
            return
        for article in batch:
            if article.body not in counted:
                text = html.unescape(strip_html(article.body))
                counted[article.body] = len(text.split())
            article.word_count = counted[article.body]
        if len(counted) > 10 * BATCH:
            counted.clear()
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
