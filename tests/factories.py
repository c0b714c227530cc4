"""Factories for the test suite: valid, live, minimal objects; tests override what they are about."""

from datetime import timedelta

import factory
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, MessageTemplate, Organisation, Target
from petitions.core.hashing import email_hash, name_index
from petitions.delivery.queueing import letters_for
from petitions.enums import SignatureStatus
from petitions.models import Delivery, Signature
from petitions.signing import links, receipts

LETTER_BODY = "Dear {target_name},\n\nRelease the four trade unionists.\n\n{signer_message}\n\nYours,\n{signer_signoff}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Union {n}")
    slug = factory.Sequence(lambda n: f"union-{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    status = CampaignStatus.LIVE
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))
    goal = 1000
    default_language = "en"
    # Tests post forms in milliseconds: the fill-time defence is switched on by the tests about it.
    abuse_min_fill_seconds = 0
    # Counted at once, as most tests need; the at-risk default (confirm first) has tests of its own.
    signers_at_risk = False


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    campaign = factory.SubFactory(CampaignFactory)
    language = "en"
    page_title = "Free the Workers' Table four"
    summary = "Write to the presidential administration."
    story = "Four trade unionists are in jail for organising."
    letter_subject = "Release the jailed trade unionists"
    letter_body = LETTER_BODY


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    campaign = factory.SubFactory(CampaignFactory)
    name = "Presidential Administration"
    title = "Head of Administration"
    email = factory.Sequence(lambda n: f"office{n}@president.example.org")
    timezone = "Asia/Baku"
    # Unpaced, so that tests about sending see letters go at once; pacing tests set a cap.
    hourly_cap = None


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    campaign = factory.SubFactory(CampaignFactory)
    first_name = "Bob"
    last_name = factory.Sequence(lambda n: f"Signer{n}")
    email = factory.Sequence(lambda n: f"bob{n}@example.net")
    email_hash = factory.LazyAttribute(lambda o: email_hash(o.email))
    name_index = factory.LazyAttribute(lambda o: name_index(o.first_name, o.last_name))
    country = "GB"
    language = "en"
    status = SignatureStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


def live_campaign(**kwargs) -> Campaign:
    """A live campaign with an English template and one active target, ready to be signed."""
    campaign = CampaignFactory(**kwargs)
    MessageTemplateFactory(campaign=campaign)
    TargetFactory(campaign=campaign)
    return campaign


def queue_letters(*, signature: Signature) -> list[int]:
    """The queued letters of a stored signature, as confirming it makes them; the ids to enqueue now."""
    deliveries = Delivery.objects.bulk_create(letters_for(signature, now=timezone.now()))
    return [delivery.pk for delivery in deliveries if delivery.enqueued_at]


def receipt_token(signature: Signature) -> str:
    """The token of the signer's receipt link, as the receipt email carries it."""
    return links.make_token(signature, purpose=receipts.PURPOSE)
