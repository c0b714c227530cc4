"""Private links mailed to signers: a signed, expiring token that names one signature for one purpose.

The token is the only key (no login): it is signed with SECRET_KEY and a salt per purpose, so a
receipt link cannot confirm a signature, and it expires. It names the signature by id only: no
address or name is in any URL.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from petitions.models import Signature


def make_token(signature: Signature, *, purpose: str) -> str:
    return signing.dumps(signature.pk, salt=f"outcry.petitions.{purpose}", compress=True)


def signature_for(token: str, *, purpose: str, slug: str, max_age_seconds: float) -> Signature | None:
    """The signature the link names, or None when it is forged, expired or another campaign's."""
    try:
        signature_id = signing.loads(token, salt=f"outcry.petitions.{purpose}", max_age=max_age_seconds)
    except signing.BadSignature:
        return None
    return Signature.objects.filter(pk=signature_id, campaign__slug=slug).select_related("campaign").first()


def absolute_link(signature: Signature, *, purpose: str, url_name: str) -> str:
    path = reverse(url_name, kwargs={"slug": signature.campaign.slug, "token": make_token(signature, purpose=purpose)})
    return settings.SITE_URL.rstrip("/") + path
