"""
The "Moderator" group: exactly the permissions needed to work the comment queue.

Moderators see, edit (the text only) and delete comments, run the moderation
actions, and read each comment's history. They cannot touch articles, users or the
moderation settings, which stay with administrators.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Moderator"

PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "change_comment"),
    ("comments", "delete_comment"),
    ("comments", "moderate_comment"),
    ("comments", "view_commentevent"),
]


def create_moderator_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create this
    # app's now, from the historical models, so they can be granted below.
    create_permissions(
        global_apps.get_app_config("comments"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    permissions = [
        Permission.objects.using(db).get(
            content_type__app_label=app_label, codename=codename
        )
        for app_label, codename in PERMISSIONS
    ]
    group, _created = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_moderator_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name=GROUP_NAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_moderator_group, remove_moderator_group),
    ]
