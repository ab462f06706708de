"""
The "Journalist" and "Editor" groups, with exactly the permissions of their role.

Journalists write articles and upload images; which articles they may change (their
own, while drafts or sent back) is decided per article in articles/workflow.py.
Editors also publish, schedule, unpublish and send back any article, and manage
categories, tags and images. Both edit their own author profile.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Journalist": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "view_articletransition",
        "add_image",
        "change_image",
        "delete_image",
        "view_image",
        "view_category",
        "view_tag",
        "add_authorprofile",
        "change_authorprofile",
        "view_authorprofile",
    ],
    "Editor": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",
        "review_article",
        "view_articletransition",
        "add_image",
        "change_image",
        "delete_image",
        "view_image",
        "add_category",
        "change_category",
        "delete_category",
        "view_category",
        "add_tag",
        "change_tag",
        "delete_tag",
        "view_tag",
        "add_authorprofile",
        "change_authorprofile",
        "view_authorprofile",
    ],
}


def create_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after all migrations have run; create this
    # app's now, from the historical models, so they can be granted below.
    create_permissions(
        global_apps.get_app_config("articles"), apps=apps, verbosity=0, using=db
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        permissions = [
            Permission.objects.using(db).get(
                content_type__app_label="articles", codename=codename
            )
            for codename in codenames
        ]
        group, _created = Group.objects.using(db).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=GROUPS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0003_article_transition"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
    ]
