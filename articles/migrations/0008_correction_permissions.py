"""
Editors note corrections (the inline of the article admin needs the model's
permissions, which migration 0004 could not grant); journalists see them.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": [
        "add_correction",
        "change_correction",
        "delete_correction",
        "view_correction",
    ],
    "Journalist": ["view_correction"],
}


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after all migrations have run.
    create_permissions(
        global_apps.get_app_config("articles"), apps=apps, verbosity=0, using=db
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.using(db).filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.using(db).filter(
                    content_type__app_label="articles", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = GRANTS["Editor"]
    for group in Group.objects.using(db).filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.using(db).filter(
                content_type__app_label="articles", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_seo_and_corrections"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
