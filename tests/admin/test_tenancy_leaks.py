"""Alice organises Alpha. She requests every admin URL with Bravo's ids: no row of Bravo reaches her.

The URLs are enumerated from the admin site itself (every registered model, every foreign key,
every action, every custom view), so a model or an action added later is probed too. Every test
runs once for each role alice may have in Alpha (owner, campaigner, translator, viewer).
"""

import json
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from campaigns.enums import Role
from campaigns.models import Campaign, Membership
from campaigns.roles import CAPABILITIES, Can
from petitions.enums import DeliveryStatus
from petitions.models import Delivery, PaperBatch, SignatureExport
from tests.admin.conftest import add_paper_and_endorser

pytestmark = pytest.mark.django_db

SECRET = "bravo"


@pytest.fixture(params=list(Role), ids=[role.value for role in Role])
def role(request) -> str:
    return request.param


@pytest.fixture
def alpha(alpha, alice, role):
    """The Alpha tenant, alice holding `role` in it."""
    Membership.objects.filter(user=alice, organisation=alpha.organisation).update(role=role)
    return add_paper_and_endorser(alpha)


@pytest.fixture
def bravo(bravo):
    return add_paper_and_endorser(bravo)


def can(role: str, capability: Can) -> bool:
    return capability in CAPABILITIES[role]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_no_bravo(response, *echoed: str) -> None:
    """Nothing of Bravo in the page, once what alice typed herself (search terms echoed back) is removed."""
    assert response.status_code in (200, 302, 403, 404, 405), response.status_code
    content = response.content.decode().lower()
    for text in echoed:
        variants = [text.lower()]
        for _ in range(2):  # as typed, URL-encoded, and encoded again inside _changelist_filters
            variants.append(quote(variants[-1], safe="").lower())
        for variant in reversed(variants):
            content = content.replace(variant, "")
    assert SECRET not in content, content[max(0, content.find(SECRET) - 300) : content.find(SECRET) + 100]


def result_rows(response) -> list:
    context = getattr(response, "context", None)
    if response.status_code != 200 or context is None or "cl" not in context:
        return []
    return list(context["cl"].result_list)


def bravo_object(bravo, model):
    if model is get_user_model():
        return bravo.organisation.members.get()
    return bravo.objects().get(model)


def changelist_probes(model, model_admin, bravo) -> list[tuple[str, dict, tuple]]:
    """(url, query, echoed text) for the list: plain, searched, and filtered by each of Bravo's keys."""
    url = admin_url(model, "changelist")
    probes = [(url, {}, ())]
    for term in (SECRET, bravo.signature.email, bravo.partner.code, bravo.campaign.slug):
        probes.append((url, {"q": term}, (term,)))
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.related_model in bravo.objects():
            related = bravo.objects()[field.related_model]
            probes.append((url, {f"{field.name}__id__exact": related.pk}, ()))
            probes.append((url, {f"{field.name}__exact": related.pk}, ()))
    probes.append((url, {"partner": bravo.partner.code}, (bravo.partner.code,)))
    return probes


def test_every_admin_url_with_bravo_ids_shows_alice_nothing_of_bravo(alice_client, alpha, bravo):
    bravo_rows = {(type(obj), obj.pk) for obj in bravo.objects().values()}
    registry = admin.site._registry
    probed_models = 0
    for model, model_admin in registry.items():
        probed_models += 1
        for url, query, echoed in changelist_probes(model, model_admin, bravo):
            response = alice_client.get(url, query, follow=True)
            assert_no_bravo(response, *echoed)
            assert not {(type(row), row.pk) for row in result_rows(response)} & bravo_rows, (url, query)
        target = bravo_object(bravo, model)
        if target is None:
            continue
        for view in ("change", "history", "delete"):
            assert_no_bravo(alice_client.get(admin_url(model, view, target.pk), follow=True))
        content_type = ContentType.objects.get_for_model(model)
        view_on_site = alice_client.get(reverse("admin:view_on_site", args=[content_type.pk, target.pk]))
        assert view_on_site.status_code == 404
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in registry:
                query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
                for term in ("", SECRET):
                    query |= {"field_name": field.name, "term": term}
                    response = alice_client.get(reverse("admin:autocomplete"), query)
                    assert_no_bravo(response, term)
                    if response.status_code == 200:
                        ids = {row["id"] for row in json.loads(response.content)["results"]}
                        assert str(bravo_object(bravo, field.related_model).pk) not in ids
    assert probed_models >= 5


def test_every_admin_action_on_bravo_rows_changes_nothing(alice_client, alpha, bravo):
    for model, model_admin in admin.site._registry.items():
        target = bravo_object(bravo, model)
        if target is None:
            continue
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            for extra in ({}, {"post": "yes"}, {"confirmed": "yes"}):
                response = alice_client.post(
                    admin_url(model, "changelist"),
                    {"action": name, "_selected_action": [target.pk], "index": 0, **extra},
                    follow=True,
                )
                assert_no_bravo(response)
        response = alice_client.post(
            admin_url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
            follow=True,
        )
        assert_no_bravo(response)
    bravo.delivery.refresh_from_db()
    bravo.signature.refresh_from_db()
    assert bravo.delivery.status == DeliveryStatus.FAILED
    assert bravo.signature.status == "confirmed"
    assert Campaign.objects.filter(pk=bravo.campaign.pk).exists()
    assert not SignatureExport.objects.filter(campaign=bravo.campaign).exclude(pk=bravo.export.pk).exists()


def campaign_views() -> list[str]:
    """Names of every admin URL that takes a campaign id (exports, dashboard, previews, test letter)."""
    names = []
    for model_admin in admin.site._registry.values():
        for pattern in model_admin.get_urls():
            if "campaign_id" in pattern.pattern.converters:
                names.append(pattern.name)
    return names


def test_custom_admin_views_with_a_bravo_campaign_are_not_found(alice_client, alpha, bravo):
    names = campaign_views()
    assert len(names) >= 5
    for name in names:
        url = reverse(f"admin:{name}", args=[bravo.campaign.pk])
        assert alice_client.get(url).status_code == 404
        response = alice_client.post(url, {"target": bravo.target.pk, "to_email": "alice@union.example.org"})
        assert response.status_code in (404, 405)
        assert_no_bravo(response)
    assert not SignatureExport.objects.filter(campaign=bravo.campaign).exclude(pk=bravo.export.pk).exists()


def test_target_import_and_export_of_a_bravo_campaign_are_not_found_and_change_nothing(
    alice_client, alpha, bravo, role
):
    names = {
        "campaigns_campaign_targets_import",
        "campaigns_campaign_targets_export",
        "campaigns_campaign_targets_template",
    }
    assert names <= set(campaign_views())  # probed with every other campaign view above, too
    file = b"email,name\nminister@bravo.example.org,Hijacked\nalice-new@example.org,Planted\n"
    bravo_import = reverse("admin:campaigns_campaign_targets_import", args=[bravo.campaign.pk])
    # A file alice previewed for her own campaign, kept in her session, sent to Bravo's page.
    alpha_import = reverse("admin:campaigns_campaign_targets_import", args=[alpha.campaign.pk])
    preview = alice_client.post(alpha_import, {"file": SimpleUploadedFile("t.csv", file, "text/csv")})
    if can(role, Can.EDIT):
        digest = preview.context["digest"]
        assert digest
    else:  # her role does not import targets, not even into her own campaign
        assert preview.status_code == 403
        digest = "0" * 64

    uploaded = alice_client.post(bravo_import, {"file": SimpleUploadedFile("t.csv", file, "text/csv")})
    saved = alice_client.post(bravo_import, {"digest": digest, "save": "Save"})
    exported = alice_client.get(reverse("admin:campaigns_campaign_targets_export", args=[bravo.campaign.pk]))

    assert (uploaded.status_code, saved.status_code, exported.status_code) == (404, 404, 404)
    for response in (uploaded, saved, exported):
        assert_no_bravo(response)
    assert list(bravo.campaign.targets.values_list("name", "email")) == [
        ("Bravo Minister", "minister@bravo.example.org")
    ]


def test_paper_sheets_of_bravo_stay_with_bravo(alice_client, alpha, bravo, role):
    scan = alice_client.get(bravo.paper_batch.scan.url)
    choose = alice_client.get(reverse("admin:petitions_paperbatch_import_choose"))
    add_form = alice_client.get(admin_url(PaperBatch, "add"))
    deleted = alice_client.post(admin_url(PaperBatch, "delete", bravo.paper_batch.pk), {"post": "yes"})

    assert scan.status_code == 404
    # Her own campaign's scan shows signers' names: hers to open if her role sees signers.
    assert alice_client.get(alpha.paper_batch.scan.url).status_code == (200 if can(role, Can.SEE_SIGNERS) else 404)
    assert_no_bravo(choose)
    assert ("Alpha secret campaign" in choose.content.decode()) is can(role, Can.EDIT)
    assert_no_bravo(add_form)
    assert deleted.status_code in (302, 404)
    assert PaperBatch.objects.filter(pk=bravo.paper_batch.pk).exists()


def test_campaign_form_refuses_a_bravo_organisation_and_never_edits_bravo(alice_client, alpha, bravo):
    data = {"organisation": bravo.organisation.pk, "name": "Hijack", "slug": "hijack", "status": "draft"}

    added = alice_client.post(admin_url(Campaign, "add"), data)
    changed = alice_client.post(admin_url(Campaign, "change", bravo.campaign.pk), data, follow=True)

    assert "Select a valid choice" in added.content.decode()
    assert_no_bravo(added)
    assert_no_bravo(changed)
    assert not Campaign.objects.filter(slug="hijack").exists()
    assert Campaign.objects.get(pk=bravo.campaign.pk).name == "Bravo secret campaign"


def test_campaign_form_offers_only_alices_organisations(alice_client, alpha, bravo, role):
    response = alice_client.get(admin_url(Campaign, "add"))

    if not can(role, Can.EDIT):
        # The other organisation of the fixtures' alice (where she is a campaigner) is still hers.
        choices = {str(org) for org in response.context["adminform"].form.fields["organisation"].queryset}
        assert choices == {"Workers' Table Solidarity"}
        return
    choices = {str(org) for org in response.context["adminform"].form.fields["organisation"].queryset}
    assert choices == {"Alpha Coalition", "Workers' Table Solidarity"}


def test_staff_without_organisation_reach_nothing(client, django_user_model, alpha, bravo):
    carol = django_user_model.objects.create_user("carol", "carol@example.org", "carol-pw-123", is_staff=True)
    client.force_login(carol)

    index = client.get(reverse("admin:index"))

    assert "You don’t have permission to view or edit anything" in index.content.decode()
    for model in admin.site._registry:
        assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(reverse("admin:petitions_signature_export", args=[alpha.campaign.pk])).status_code == 403
    for name in ("import", "export", "template"):
        url = reverse(f"admin:campaigns_campaign_targets_{name}", args=[alpha.campaign.pk])
        assert client.get(url).status_code == 403
    assert client.get(admin_url(Delivery, "change", alpha.delivery.pk)).status_code in (302, 403)


def test_anonymous_users_are_sent_to_the_login_page(client, alpha):
    for url in (
        reverse("admin:index"),
        admin_url(Delivery, "changelist"),
        reverse("admin:petitions_signature_export", args=[alpha.campaign.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_alice_sees_her_own_rows_as_far_as_her_role_allows(alice_client, alpha, bravo, role):
    response = alice_client.get(admin_url(Campaign, "changelist"))
    assert [row.pk for row in result_rows(response)] == [alpha.campaign.pk]
    assert alice_client.get(admin_url(Campaign, "change", alpha.campaign.pk)).status_code == 200
    letters = alice_client.get(admin_url(Delivery, "changelist"))
    if can(role, Can.SEE_SIGNERS):
        assert [row.pk for row in result_rows(letters)] == [alpha.delivery.pk]
        assert alice_client.get(admin_url(Delivery, "change", alpha.delivery.pk)).status_code == 200
    else:
        # Her other organisation's letters are hers to see; Alpha's are not, and their signers neither.
        assert alpha.delivery.pk not in [row.pk for row in result_rows(letters)]
        assert "alphasigner" not in letters.content.decode().lower()
        page = alice_client.get(admin_url(Delivery, "change", alpha.delivery.pk), follow=True)
        assert "doesn’t exist" in page.content.decode()  # as if there were no such letter
        assert "alphasigner" not in page.content.decode().lower()


def test_superuser_sees_every_organisation(root_client, alpha, bravo):
    response = root_client.get(admin_url(Campaign, "changelist"))

    assert {row.pk for row in result_rows(response)} == {alpha.campaign.pk, bravo.campaign.pk}


def test_only_an_owner_edits_her_organisation_and_never_its_members(alice_client, alpha, role):
    url = admin_url(type(alpha.organisation), "change", alpha.organisation.pk)
    members = Membership.objects.filter(organisation=alpha.organisation).first()
    data = {
        "name": "Alpha Renamed",
        "website": "",
        "notify_email": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(members.pk),
        "memberships-0-organisation": str(alpha.organisation.pk),
        "memberships-0-role": "viewer",
    }

    response = alice_client.post(url, data, follow=True)

    alpha.organisation.refresh_from_db()
    assert response.status_code == (200 if role == Role.OWNER else 403)
    assert alpha.organisation.name == ("Alpha Renamed" if role == Role.OWNER else "Alpha Coalition")
    assert list(alpha.organisation.memberships.values_list("user__username", "role")) == [("alice", role)]
