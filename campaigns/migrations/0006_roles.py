"""Members get a role: the existing ones become owners, since they could do everything until now."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def members_become_owners(apps, schema_editor):
    Organisation = apps.get_model("campaigns", "Organisation")
    Membership = apps.get_model("campaigns", "Membership")
    rows = Organisation.members.through.objects.all()
    Membership.objects.bulk_create(
        Membership(organisation_id=row.organisation_id, user_id=row.user_id, role="owner") for row in rows
    )


def memberships_back(apps, schema_editor):
    Organisation = apps.get_model("campaigns", "Organisation")
    Membership = apps.get_model("campaigns", "Membership")
    through = Organisation.members.through
    through.objects.bulk_create(
        through(organisation_id=row.organisation_id, user_id=row.user_id) for row in Membership.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_plain_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("owner", "Owner"),
                            ("campaigner", "Campaigner"),
                            ("translator", "Translator"),
                            ("viewer", "Viewer"),
                        ],
                        default="campaigner",
                        help_text=(
                            "Owner: everything, erasing signers' data included. Campaigner: campaigns, letters, "
                            "targets, publishing, signers and their export. Translator: the pages and letters only. "
                            "Viewer: campaigns and figures, no signers' data."
                        ),
                        max_length=12,
                        verbose_name="role",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="campaigns.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "member",
                "verbose_name_plural": "members",
                "ordering": ["organisation", "user"],
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "user"), name="one_membership_per_user")
                ],
            },
        ),
        migrations.RunPython(members_become_owners, memberships_back),
        migrations.RemoveField(model_name="organisation", name="members"),
        migrations.AddField(
            model_name="organisation",
            name="members",
            field=models.ManyToManyField(
                blank=True,
                related_name="organisations",
                through="campaigns.Membership",
                to=settings.AUTH_USER_MODEL,
                verbose_name="members",
            ),
        ),
    ]
