"""Two organisations side by side: alice organises Alpha; Bravo's rows must never reach her.

Everything of Bravo carries the word "bravo" (names, addresses, codes, errors), so a leak shows as
that word in a page alice receives.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import Campaign, Endorser, MessageTemplate, Organisation, Partner, Target
from petitions.enums import DeliveryStatus
from petitions.models import (
    Delivery,
    PaperBatch,
    Response,
    Signature,
    SignatureExport,
    TrackingEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.factories import OrganisationFactory, SignatureFactory, live_campaign
from tests.twofactor import verified_login


@dataclass
class Tenant:
    organisation: Organisation
    campaign: Campaign
    target: Target
    template: MessageTemplate
    partner: Partner
    signature: Signature
    delivery: Delivery
    export: SignatureExport
    event: TrackingEvent
    # Paper sheets and endorsers, added by add_paper_and_endorser where a test wants them.
    paper_batch: PaperBatch | None = None
    endorser: Endorser | None = None
    response: Response | None = None
    webhook: WebhookEndpoint | None = None
    webhook_delivery: WebhookDelivery | None = None

    def objects(self) -> dict:
        """Each admin-visible model's row of this tenant."""
        return {type(obj): obj for obj in vars(self).values() if obj is not None}


def build_tenant(name: str, *, member) -> Tenant:
    word = name.lower()
    organisation = OrganisationFactory(name=f"{name} Coalition", slug=f"{word}-coalition")
    organisation.members.add(member)
    campaign = live_campaign(organisation=organisation, name=f"{name} secret campaign", slug=f"{word}-secret")
    target = campaign.targets.get()
    target.name, target.email = f"{name} Minister", f"minister@{word}.example.org"
    target.save()
    template = campaign.templates.get()
    template.page_title = f"{name} page title"
    template.save()
    partner = Partner.objects.create(campaign=campaign, name=f"{name} Partner", code=f"{word}-ref")
    signature = SignatureFactory(
        campaign=campaign,
        first_name=f"{name}signer",
        last_name=f"{name}son",
        email=f"{word}.signer@example.net",
        source=partner.code,
        city=f"{name}ville",
    )
    delivery = Delivery.objects.create(
        campaign=campaign, signature=signature, target=target, status=DeliveryStatus.FAILED, last_error=f"{word}-error"
    )
    export = SignatureExport.objects.create(campaign=campaign, user=member, actor=f"{word}-exporter", via="admin")
    event = TrackingEvent.objects.create(
        delivery=delivery, provider="mailgun", event_type="bounced", occurred_at=timezone.now(), description=word
    )
    response = Response.objects.create(
        delivery=delivery,
        campaign=campaign,
        target=target,
        sender=target.email,
        subject=f"Re: {word} letter",
        text=f"{name} ministry answers {word}signer",
        dedupe_key=f"{word}-reply",
        from_target=True,
    )
    webhook = WebhookEndpoint.objects.create(
        organisation=organisation,
        campaign=campaign,
        name=f"{name} CRM hook",
        url=f"https://hooks.{word}.example.org/in",
        events=["signature.confirmed"],
    )
    webhook_delivery = WebhookDelivery.objects.create(
        endpoint=webhook,
        event="signature.confirmed",
        event_id=f"signature.confirmed:{signature.pk}",
        body=f'{{"email": "{word}.signer@example.net"}}',
        status="dead",
        last_error=f"{word}-error",
    )
    return Tenant(
        organisation,
        campaign,
        target,
        template,
        partner,
        signature,
        delivery,
        export,
        event,
        response=response,
        webhook=webhook,
        webhook_delivery=webhook_delivery,
    )


def add_paper_and_endorser(tenant: Tenant) -> Tenant:
    """A count of paper signatures with a scan of its sheets, and an endorsing organisation."""
    word = tenant.organisation.slug.split("-")[0]
    tenant.paper_batch = PaperBatch(
        campaign=tenant.campaign,
        signatures=12,
        source=f"{word} dockers' meeting",
        collected_on="2025-03-12",
        added_by=tenant.organisation.members.get(),
    )
    tenant.paper_batch.scan.save(f"{word}-sheet.png", ContentFile(f"{word} names".encode()), save=False)
    tenant.paper_batch.save()
    tenant.endorser = Endorser.objects.create(
        campaign=tenant.campaign, name=f"{word} Endorsing Union", statement=f"{word} stands"
    )
    return tenant


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Scans of paper sheets written under the test's own folder."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


@pytest.fixture
def alpha(db, alice) -> Tenant:
    return build_tenant("Alpha", member=alice)


@pytest.fixture
def bravo(db, django_user_model) -> Tenant:
    brenda = django_user_model.objects.create_user("brenda", "brenda@bravo.example.org", "pw-bravo-123", is_staff=True)
    return build_tenant("Bravo", member=brenda)


@pytest.fixture
def alice_client(client, alice):
    verified_login(client, alice)
    return client


@pytest.fixture
def root_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "root-password-123")
    verified_login(client, root)
    return client
