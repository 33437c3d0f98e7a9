"""The Editors group: add, change and view on the curation models, nothing on users,
groups or sites. Permissions are created here because they normally appear only after
all migrations have run."""

from django.db import migrations

CURATED = ("article", "entity", "claim", "source")
VIEW_ONLY = ("mention", "entitymerge", "sourcemerge")


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("articles")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CURATED for action in ("add", "change", "view")]
    codenames += [f"view_{model}" for model in VIEW_ONLY]
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
