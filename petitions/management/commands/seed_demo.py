"""Create the demo campaign and an organiser login, once; running it again changes nothing.

The demo is modelled on the 2025 campaign for four jailed members of the "Workers' Table"
Confederation of Trade Unions in Azerbaijan. Its target is a placeholder address at example.org:
the demo must never write to a real government mailbox.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, MessageTemplate, Organisation, Target, TargetName

SLUG = "workers-table-four"

STORY_EN = """\
In 2023 the authorities of Azerbaijan jailed four members of the "Workers' Table" Confederation of \
Trade Unions, an independent union centre founded in 2022 that stood with striking motorcycle couriers \
and argued for the right to organise.

Afiaddin Mammadov, the confederation's chair, was detained in September 2023 and sentenced to eight \
years on charges of hooliganism and causing serious harm. Aykhan Israfilov and Elvin Mustafayev were \
arrested in August 2023 on drug charges and given three years each in 2024. Mohyaddin Orujov, detained \
in October 2023, also on drug charges, received three years in February 2025.

All four say the accusations were made up to punish their union work. Azerbaijan has ratified ILO \
Conventions 87 and 98 on freedom of association and collective bargaining; jailing trade unionists \
breaks both.

Add your name to the letter below. Each signature sends one letter, signed by you, to the \
presidential administration."""

LETTER_EN = """\
Dear {target_name},

I am writing to ask for the immediate release of Afiaddin Mammadov, Aykhan Israfilov, Elvin \
Mustafayev and Mohyaddin Orujov, members of the "Workers' Table" Confederation of Trade Unions.

Their prosecution is at odds with Azerbaijan's obligations under ILO Conventions 87 and 98, which \
protect the freedom of association and the right to organise. I urge your government to free them \
without delay and to respect workers' rights and democratic freedoms.

{signer_message}

Yours sincerely,
{signer_signoff}"""

STORY_AZ = """\
2023-cü ildə Azərbaycan hakimiyyəti "İşçi Masası" Həmkarlar İttifaqları Konfederasiyasının dörd \
üzvünü həbs etdi: sədr Afiəddin Məmmədov, Ayxan İsrafilov, Elvin Mustafayev və Möhyəddin Orucov.

Onların hamısı ittihamların həmkarlar ittifaqı fəaliyyətinə görə uydurulduğunu bildirir. Aşağıdakı \
məktuba imza atın: hər imza sizin adınızdan prezident administrasiyasına bir məktub göndərir."""

LETTER_AZ = """\
Hörmətli {target_name},

"İşçi Masası" Həmkarlar İttifaqları Konfederasiyasının üzvləri Afiəddin Məmmədov, Ayxan İsrafilov, \
Elvin Mustafayev və Möhyəddin Orucovun dərhal azad edilməsini xahiş edirəm. Onların təqib edilməsi \
BƏT-in 87 və 98 saylı Konvensiyalarına ziddir.

{signer_message}

Hörmətlə,
{signer_signoff}"""


# The target as letters and pages in each language name it (English is the target's own name).
TARGET_NAMES = {
    "az": ("Prezident Administrasiyası", "Azərbaycan Respublikası (demo ünvanı)"),
    "ru": ("Администрация Президента", "Азербайджанская Республика (демонстрационный адрес)"),
    "tr": ("Cumhurbaşkanlığı İdaresi", "Azerbaycan Cumhuriyeti (demo adresi)"),
}


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        organisation, _ = Organisation.objects.get_or_create(
            slug="workers-table-solidarity", defaults={"name": "Workers' Table Solidarity Network"}
        )
        now = timezone.now()
        campaign, created = Campaign.objects.get_or_create(
            slug=SLUG,
            defaults={
                "organisation": organisation,
                "name": "Free the Workers' Table four",
                "status": CampaignStatus.LIVE,
                "starts_at": now - timedelta(days=1),
                "ends_at": now + timedelta(days=90),
                "goal": 5000,
                "default_language": "en",
                "share_text": "Four trade unionists are in jail in Azerbaijan for organising. Write for their release:",
            },
        )
        if created:
            MessageTemplate.objects.create(
                campaign=campaign,
                language="en",
                page_title="Free the four jailed Workers' Table trade unionists",
                summary="Email the presidential administration of Azerbaijan: release Afiaddin Mammadov, "
                "Aykhan Israfilov, Elvin Mustafayev and Mohyaddin Orujov.",
                story=STORY_EN,
                letter_subject="Release the jailed members of the Workers' Table union",
                letter_body=LETTER_EN,
            )
            MessageTemplate.objects.create(
                campaign=campaign,
                language="az",
                page_title='"İşçi Masası"nın dörd həbsdə olan üzvünə azadlıq',
                summary="Prezident administrasiyasına yazın: həbs olunan həmkarlar ittifaqı üzvlərini azad edin.",
                story=STORY_AZ,
                letter_subject='"İşçi Masası" üzvlərini azad edin',
                letter_body=LETTER_AZ,
            )
            target = Target.objects.create(
                campaign=campaign,
                name="Presidential Administration",
                title="Republic of Azerbaijan (demo address)",
                email="office@president.example.org",
                language="en",
                timezone="Asia/Baku",
            )
            TargetName.objects.bulk_create(
                TargetName(target=target, language=language, name=name, title=title)
                for language, (name, title) in TARGET_NAMES.items()
            )
        self.stdout.write(f"Demo campaign: {settings.SITE_URL}/c/{campaign.slug}/")
        self._organiser_login(organisation)

    def _organiser_login(self, organisation: Organisation) -> None:
        """An admin login for the embedded setup, its password kept in var/ so it can be shown again."""
        User = get_user_model()
        password_file = settings.VAR_DIR / "admin-password.txt"
        user = User.objects.filter(username="admin").first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser("admin", "admin@outcry.example.org", password)
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        organisation.members.add(user)
        shown = (
            password_file.read_text().strip()
            if password_file.exists()
            else "(set earlier; see manage.py changepassword admin)"
        )
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/  user: admin  password: {shown}")
        self.stdout.write("At the first sign-in you set up an authenticator app (two-factor sign-in).")
