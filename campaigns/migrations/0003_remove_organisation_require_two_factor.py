"""Organisation.require_two_factor goes: everyone who sees signer data must use two-factor sign-in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_signers_at_risk")]

    operations = [migrations.RemoveField(model_name="organisation", name="require_two_factor")]
