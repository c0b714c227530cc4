"""The delivery dossier in the admin: asked for on the campaign, followed on a page that reloads
itself, downloaded by the roles that may export signers, and by nobody else."""

import pytest
from django.urls import reverse

from campaigns.enums import Role
from campaigns.models import Membership
from petitions.models import Dossier, SignatureExport
from petitions.privacy import dossier as dossiers
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db


def prepare(client, campaign, **data):
    url = reverse("admin:petitions_dossier_prepare", args=[campaign.pk])
    return client.post(url, {"language": "en", "target": "", **data})


def test_an_organiser_asks_follows_the_progress_and_downloads_both_files(
    alice_client, alpha, django_capture_on_commit_callbacks
):
    change = alice_client.get(reverse("admin:campaigns_campaign_change", args=[alpha.campaign.pk])).content.decode()
    assert reverse("admin:petitions_dossier_prepare", args=[alpha.campaign.pk]) in change
    page = alice_client.get(reverse("admin:petitions_dossier_prepare", args=[alpha.campaign.pk])).content.decode()
    assert "Prepare the dossier" in page
    assert "No email address, last name or message of a signer is in it." in page

    alpha.signature.show_name_publicly = True
    alpha.signature.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = prepare(alice_client, alpha.campaign, include_message_ids="on")
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:petitions_dossier_progress", args=[dossier.pk])
    assert len(callbacks) == 1, "the worker is rung once the row is committed"
    assert (dossier.requested_by, dossier.include_message_ids, dossier.state) == (
        alpha.organisation.members.get(),
        True,
        "queued",
    )

    waiting = alice_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert '<progress id="dossier-progress" max="100" value="0">' in waiting
    assert "Download the PDF" not in waiting

    dossiers.build_dossier(dossier.pk)
    ready = alice_client.get(response["Location"]).content.decode()
    assert "http-equiv" not in ready
    assert "The dossier is ready." in ready

    pdf = alice_client.get(reverse("admin:petitions_dossier_download", args=[dossier.pk, "pdf"]))
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF-")
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    assert f'filename="dossier-alpha-secret-{dossier.pk}.pdf"' in pdf["Content-Disposition"]
    csv = b"".join(
        alice_client.get(reverse("admin:petitions_dossier_download", args=[dossier.pk, "csv"])).streaming_content
    )
    assert "Alpha page title" in csv.decode()
    assert "Alphasigner" in csv.decode()
    assert "Alphason" not in csv.decode()
    assert alice_client.get(reverse("admin:petitions_dossier_download", args=[dossier.pk, "zip"])).status_code == 404
    logged = SignatureExport.objects.filter(campaign=alpha.campaign, via="dossier")
    assert [(row.actor, row.rows, row.completed) for row in logged] == [("alice", 1, True)] * 2


def test_the_files_have_no_public_address(alice_client, alpha, settings):
    prepare(alice_client, alpha.campaign)
    dossier = Dossier.objects.get()
    dossiers.build_dossier(dossier.pk)
    dossier.refresh_from_db()

    assert dossier.pdf.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not dossier.pdf.path.startswith(str(settings.MEDIA_ROOT))


@pytest.fixture
def member(client, django_user_model, alpha):
    rita = django_user_model.objects.create_user("rita", "rita@alpha.example.org", "rita-password-123", is_staff=True)

    def as_role(role: str):
        Membership.objects.update_or_create(user=rita, organisation=alpha.organisation, defaults={"role": role})
        verified_login(client, rita)
        return client

    return as_role


@pytest.fixture
def ready(alpha) -> Dossier:
    dossier = Dossier.objects.create(campaign=alpha.campaign, language="en")
    dossiers.build_dossier(dossier.pk)
    return dossier


def urls(campaign, dossier) -> list[str]:
    return [
        reverse("admin:petitions_dossier_prepare", args=[campaign.pk]),
        reverse("admin:petitions_dossier_progress", args=[dossier.pk]),
        reverse("admin:petitions_dossier_download", args=[dossier.pk, "pdf"]),
        reverse("admin:petitions_dossier_download", args=[dossier.pk, "csv"]),
    ]


@pytest.mark.parametrize(
    ("role", "status"), [(Role.OWNER, 200), (Role.CAMPAIGNER, 200), (Role.TRANSLATOR, 403), (Role.VIEWER, 403)]
)
def test_only_the_roles_that_may_export_signers_reach_a_dossier(member, alpha, ready, role, status):
    client = member(role)

    assert [client.get(url).status_code for url in urls(alpha.campaign, ready)] == [status] * 4
    assert prepare(client, alpha.campaign).status_code == (302 if status == 200 else 403)


def test_another_organisations_dossier_looks_like_none_at_all(alice_client, alpha, bravo):
    theirs = Dossier.objects.create(campaign=bravo.campaign, language="en")
    dossiers.build_dossier(theirs.pk)

    assert [alice_client.get(url).status_code for url in urls(bravo.campaign, theirs)] == [404] * 4
    assert prepare(alice_client, bravo.campaign).status_code == 404
    assert "bravo" not in alice_client.get(reverse("admin:petitions_dossier_changelist")).content.decode().lower()


def test_without_the_second_factor_nothing_is_downloaded(client, alice, alpha, ready):
    client.force_login(alice)  # a password alone, no one-time code

    response = client.get(reverse("admin:petitions_dossier_download", args=[ready.pk, "pdf"]))

    assert response.status_code == 302
    assert not response.has_header("Content-Disposition")


def test_a_dossier_whose_message_was_lost_is_rung_again_from_its_page(alice_client, alpha, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    rung = []
    monkeypatch.setattr(dossiers, "publish_ids", lambda task, ids: rung.append((task, list(ids))))
    dossier = Dossier.objects.create(campaign=alpha.campaign, language="en")
    url = reverse("admin:petitions_dossier_progress", args=[dossier.pk])

    alice_client.get(url)
    assert rung == []
    Dossier.objects.filter(pk=dossier.pk).update(moved_at=timezone.now() - timedelta(minutes=2))
    alice_client.get(url)
    alice_client.get(url)

    assert rung == [("petitions.build_dossier", [dossier.pk])]


def test_a_dossier_whose_worker_died_is_built_again(alice_client, alpha, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    rung = []
    monkeypatch.setattr(dossiers, "publish_ids", lambda task, ids: rung.append(list(ids)))
    dossier = Dossier.objects.create(campaign=alpha.campaign, language="en", state="building", done=3, total=9)
    url = reverse("admin:petitions_dossier_progress", args=[dossier.pk])

    Dossier.objects.filter(pk=dossier.pk).update(moved_at=timezone.now() - timedelta(minutes=10))
    assert "33 %" in alice_client.get(url).content.decode()
    assert rung == [], "a slow worker is left alone"
    Dossier.objects.filter(pk=dossier.pk).update(moved_at=timezone.now() - timedelta(minutes=16))
    alice_client.get(url)

    assert rung == [[dossier.pk]]
    assert dossiers.build_dossier(dossier.pk) == "ready"
