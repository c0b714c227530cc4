"""Re-encrypt signer data under the first of SIGNER_DATA_KEYS (after putting a new key first).

Afterwards the old key can be removed from SIGNER_DATA_KEYS. Safe to run while the site is live,
and again if it was interrupted.
"""

from django.core.management.base import BaseCommand

from petitions.core.encryption import reencrypt_signer_data


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size: int, **options):
        done: dict[str, int] = {}

        def progress(model_name: str, rows: int) -> None:
            done[model_name] = done.get(model_name, 0) + rows
            self.stdout.write(f"\r{model_name}: {done[model_name]} rows re-encrypted", ending="")
            self.stdout.flush()

        total = reencrypt_signer_data(batch_size=batch_size, on_batch=progress)
        self.stdout.write(f"\nDone: {total} rows now encrypted under the first key.")
