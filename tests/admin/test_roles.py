"""Roles within an organisation: what an owner, a campaigner, a translator and a viewer can do in the
admin, tried through the pages and actions they would use. Every export and erasure is logged."""

import pytest
from django.urls import reverse

from campaigns.enums import CampaignStatus, Role
from campaigns.models import Campaign, Membership, MessageTemplate
from petitions.models import Signature, SignatureExport, SignerErasure
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:campaigns_campaign_changelist")
SIGNATURES = reverse("admin:petitions_signature_changelist")


@pytest.fixture
def member(client, django_user_model, alpha):
    """rita, member of Alpha only, in the role the test gives her."""
    rita = django_user_model.objects.create_user("rita", "rita@alpha.example.org", "rita-password-123", is_staff=True)

    def as_role(role: str):
        Membership.objects.update_or_create(user=rita, organisation=alpha.organisation, defaults={"role": role})
        verified_login(client, rita)
        return client

    return as_role


ALL = [Role.OWNER, Role.CAMPAIGNER, Role.TRANSLATOR, Role.VIEWER]


@pytest.mark.parametrize("role", ALL)
def test_every_role_sees_the_campaign_its_overview_and_dashboard(member, alpha, role):
    client = member(role)

    listed = client.get(CHANGELIST).content.decode()

    assert alpha.campaign.name in listed
    assert client.get(reverse("admin:campaigns_campaign_overview", args=[alpha.campaign.pk])).status_code == 200
    assert client.get(reverse("admin:petitions_signature_dashboard", args=[alpha.campaign.pk])).status_code == 200


@pytest.mark.parametrize(
    ("role", "sees"), [(Role.OWNER, True), (Role.CAMPAIGNER, True), (Role.TRANSLATOR, False), (Role.VIEWER, False)]
)
def test_only_owners_and_campaigners_see_the_signers_and_the_letters(member, alpha, role, sees):
    client = member(role)

    signatures = client.get(SIGNATURES)
    letters = client.get(reverse("admin:petitions_delivery_changelist"))
    index = client.get(reverse("admin:index")).content.decode()

    assert signatures.status_code == letters.status_code == (200 if sees else 403)
    assert ("Alphasigner" in signatures.content.decode()) is sees
    assert ('href="/admin/petitions/signature/"' in index) is sees


@pytest.mark.parametrize(
    ("role", "exports"), [(Role.OWNER, True), (Role.CAMPAIGNER, True), (Role.TRANSLATOR, False), (Role.VIEWER, False)]
)
def test_only_owners_and_campaigners_export_and_every_export_is_logged(member, alpha, role, exports):
    client = member(role)
    url = reverse("admin:petitions_signature_export", args=[alpha.campaign.pk])
    before = SignatureExport.objects.count()

    page = client.get(url)
    download = client.post(url)

    if exports:
        assert page.status_code == 200
        assert b"Alphasigner" in b"".join(download.streaming_content)
        log = SignatureExport.objects.latest("started_at")
        assert (log.actor, log.user.username, log.rows) == ("rita", "rita", 1)
    else:
        assert page.status_code == download.status_code == 403
        assert SignatureExport.objects.count() == before


@pytest.mark.parametrize(
    ("role", "edits"), [(Role.OWNER, True), (Role.CAMPAIGNER, True), (Role.TRANSLATOR, False), (Role.VIEWER, False)]
)
def test_only_owners_and_campaigners_edit_and_publish(member, alpha, role, edits):
    client = member(role)
    Campaign.objects.filter(pk=alpha.campaign.pk).update(status=CampaignStatus.DRAFT)

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [alpha.campaign.pk]})
    overview = reverse("admin:campaigns_campaign_overview", args=[alpha.campaign.pk])
    pressed = client.post(overview, {"action": "publish"})
    form = client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])).content.decode()

    status = Campaign.objects.get(pk=alpha.campaign.pk).status
    assert status == (CampaignStatus.LIVE if edits else CampaignStatus.DRAFT)
    assert ('name="_save"' in form) is edits
    if not edits:
        assert pressed.status_code == 403


@pytest.mark.parametrize(
    ("role", "translates"), [(Role.OWNER, True), (Role.CAMPAIGNER, True), (Role.TRANSLATOR, True), (Role.VIEWER, False)]
)
def test_translators_write_the_languages_but_nothing_else(member, alpha, role, translates):
    client = member(role)
    add = reverse("admin:campaigns_messagetemplate_add") + f"?campaign={alpha.campaign.pk}&language=ru"
    data = {
        "campaign": alpha.campaign.pk,
        "language": "ru",
        "page_title": "Свободу четверым",
        "story": "Четверо профсоюзных активистов в тюрьме.",
        "letter_subject": "Освободите их",
        "letter_body": "Уважаемый {target_name}!\n\n{signer_signoff}",
    }

    page = client.get(add)
    client.post(add, data)

    saved = MessageTemplate.objects.filter(campaign=alpha.campaign, language="ru").exists()
    assert saved is translates
    if translates:
        text = page.content.decode()
        assert 'class="translate-source" lang="en"' in text  # the English beside each field
        assert "Release the four trade unionists." in text
    else:
        assert page.status_code == 403


@pytest.mark.parametrize(
    ("role", "erases"), [(Role.OWNER, True), (Role.CAMPAIGNER, False), (Role.TRANSLATOR, False), (Role.VIEWER, False)]
)
def test_only_owners_erase_a_signer_after_confirming_and_the_erasure_is_logged(member, alpha, role, erases):
    client = member(role)
    form = {"action": "erase_signers", "_selected_action": [alpha.signature.pk]}

    asked = client.post(SIGNATURES, form)
    client.post(SIGNATURES, {**form, "confirmed": "yes"})

    signature = Signature.objects.get(pk=alpha.signature.pk)
    if erases:
        text = asked.content.decode()
        assert "Signatures whose names, address, city, organisation and message are erased: 1." in text
        assert signature.anonymised_at is not None
        assert signature.first_name != "Alphasigner"
        [log] = SignerErasure.objects.all()
        assert (log.campaign, log.actor, log.user.username, log.signatures) == (alpha.campaign, "rita", "rita", 1)
    else:
        assert signature.anonymised_at is None
        assert not SignerErasure.objects.exists()


def test_an_action_on_two_organisations_acts_only_where_the_role_allows_it(member, alpha, bravo, django_user_model):
    """rita campaigns for Alpha and only views Bravo: publishing both moves Alpha's campaign alone."""
    client = member(Role.CAMPAIGNER)
    rita = django_user_model.objects.get(username="rita")
    Membership.objects.create(user=rita, organisation=bravo.organisation, role=Role.VIEWER)
    Campaign.objects.filter(pk__in=[alpha.campaign.pk, bravo.campaign.pk]).update(status=CampaignStatus.DRAFT)

    client.post(CHANGELIST, {"action": "publish", "_selected_action": [alpha.campaign.pk, bravo.campaign.pk]})

    statuses = dict(Campaign.objects.filter(pk__in=[alpha.campaign.pk, bravo.campaign.pk]).values_list("pk", "status"))
    assert statuses == {alpha.campaign.pk: CampaignStatus.LIVE, bravo.campaign.pk: CampaignStatus.DRAFT}
    bravo_form = client.get(reverse("admin:campaigns_campaign_change", args=[bravo.campaign.pk])).content.decode()
    assert 'name="_save"' not in bravo_form  # view only
    assert client.get(SIGNATURES).content.decode().count("Bravosigner") == 0
