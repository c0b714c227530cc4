"""Letters routed by postcode, from the targets' table: each member of parliament is for the postcode
beginnings of their constituency, the most precise beginning wins, and a signer whose postcode no
target is for writes to the default target. The form asks for the postcode only then, and says whom
the letter goes to."""

import pytest
from django.urls import reverse

from campaigns.enums import TargetRouting
from campaigns.models import Target
from campaigns.routing import normalised_postcode
from campaigns.targetcsv import read_table
from campaigns.targetimport import check, save
from petitions.core.hashing import email_hash
from petitions.models import Delivery, Signature

pytestmark = pytest.mark.django_db

TABLE = """email,name,for_signers_in,for_postcodes,default
mp-westminster@parliament.example.uk,MP for Westminster,GB,SW1A SW1P,no
mp-london@parliament.example.uk,MP for London,GB,SW E N,no
mdb-berlin@bundestag.example.de,MdB for Berlin,DE,10 11 12,no
mdb-mitte@bundestag.example.de,MdB for Berlin-Mitte,DE,101,no
speaker@parliament.example.uk,The Speaker,,,yes
"""


@pytest.fixture
def by_postcode(campaign):
    campaign.target_routing = TargetRouting.POSTCODE
    campaign.save()
    campaign.targets.all().delete()
    return campaign


def upload(campaign, text: str = TABLE) -> None:
    """The organiser's table, imported as the admin's import page does."""
    plan = check(campaign, read_table(text.encode()))
    assert plan.errors == []
    save(plan)


def sign(client, campaign, country: str, postcode: str, n: int):
    data = {
        "first_name": "Rosa",
        "last_name": "Signer" + "abcdefghij"[n],
        "email": f"rosa{n}@example.net",
        "country": country,
        "postcode": postcode,
    }
    return client.post(reverse("petitions:campaign", args=[campaign.slug]), data, REMOTE_ADDR="198.51.100.3")


def written_to(n: int) -> set[str]:
    signature = Signature.objects.get(email_hash=email_hash(f"rosa{n}@example.net"))
    return set(Delivery.objects.filter(signature=signature).values_list("target__name", flat=True))


def test_the_table_gives_each_target_its_postcodes_and_the_default(by_postcode):
    upload(by_postcode)

    westminster = Target.objects.get(name="MP for Westminster")
    assert westminster.postcodes == "SW1A SW1P"
    assert [c.code for c in westminster.countries] == ["GB"]
    assert Target.objects.get(name="The Speaker").is_default


@pytest.mark.parametrize(
    ("country", "postcode", "expected"),
    [
        ("GB", "SW1A 1AA", {"MP for Westminster"}),  # the longest beginning wins over "SW"
        ("GB", "sw1p-3jx", {"MP for Westminster"}),  # spaces, dashes and small letters alike
        ("GB", "E1 6AN", {"MP for London"}),
        ("DE", "10117", {"MdB for Berlin-Mitte"}),
        ("DE", "12043", {"MdB for Berlin"}),
        ("DE", "80331", {"The Speaker"}),  # Munich: no target is for it
        ("FR", "10117", {"The Speaker"}),  # a German beginning, but not a signer in Germany
    ],
)
def test_each_signer_writes_to_the_target_for_their_postcode(client, by_postcode, country, postcode, expected):
    upload(by_postcode)

    response = sign(client, by_postcode, country, postcode, 0)

    assert response.status_code == 302
    assert written_to(0) == expected
    assert Signature.objects.get().postcode == postcode


def test_the_form_asks_for_the_postcode_and_refuses_none(client, by_postcode):
    upload(by_postcode)
    page = client.get(reverse("petitions:campaign", args=[by_postcode.slug])).content.decode()
    assert 'name="postcode"' in page
    assert "data-postcode-routes=" in page
    assert "(for postcodes starting SW1A SW1P)" in page

    response = sign(client, by_postcode, "GB", "", 1)

    assert "Please give your postcode: it says whom your letter goes to." in response.content.decode()
    assert not Signature.objects.exists()


def test_other_campaigns_never_ask_for_a_postcode(client, campaign):
    page = client.get(reverse("petitions:campaign", args=[campaign.slug])).content.decode()

    assert 'name="postcode"' not in page


def test_postcodes_are_compared_without_spaces_dashes_or_case():
    assert normalised_postcode(" sw1a-1aa ") == "SW1A1AA"
    assert normalised_postcode("10 117") == "10117"
