"""
The queue's "held by a rule" view and its counts: an index of the pending
comments by rule. Built concurrently on PostgreSQL, so a large table stays
writable meanwhile.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=["held_rule", "-created_at"],
    condition=models.Q(status="pending"),
    name="comment_held_idx",
)


def create_index(apps, schema_editor):
    model = apps.get_model("comments", "Comment")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def drop_index(apps, schema_editor):
    model = apps.get_model("comments", "Comment")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0015_data_requests_reports_after_keep"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="comment", index=INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        )
    ]
