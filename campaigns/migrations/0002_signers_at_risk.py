"""require_confirmation becomes signers_at_risk, on by default: a campaign keeps its choice."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="campaign", old_name="require_confirmation", new_name="signers_at_risk"),
        migrations.AlterField(
            model_name="campaign",
            name="signers_at_risk",
            field=models.BooleanField(
                default=True,
                help_text="Count, show and send only signatures confirmed through a link emailed to the signer, so "
                "nobody can find out whether an address has signed by signing with it. Unconfirmed signatures "
                "are deleted after a few days. Turn this off only if signing puts no one in danger: signatures "
                "then count at once, and whoever knows an address can find out whether it has signed.",
                verbose_name="signers may be at risk",
            ),
        ),
    ]
