"""
The moderation queue's search for words, on PostgreSQL: a full-text index of
each comment's author name and text (the expression comments.admin searches
with). Built concurrently, so a large table stays writable meanwhile. Other
databases search by substring, without an index.
"""

from django.db import migrations

INDEX = "comment_words_idx"
EXPRESSION = (
    "to_tsvector('simple'::regconfig, "
    "COALESCE(\"author_name\", '') || ' ' || COALESCE(\"body\", ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            f"ON comments_comment USING gin ({EXPRESSION})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0012_history_bans_waves"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
