"""Private links mailed to signers: a sealed, expiring token that names one signature for one purpose.

The token is the only key (no login). It is sealed (petitions/core/sealing.py): encrypted under a
key from SECRET_KEY, bound to its purpose, so a receipt link cannot confirm a signature, and it
expires. The signature id inside cannot be read from the link: it would tell how many signed
before and after, and in which order. No address or name is in any URL.

Links issued before tokens were sealed (django.core.signing, "payload:time:signature") keep
working until they expire on their own terms; none are issued any more.
"""

import struct

from django.conf import settings
from django.core import signing
from django.urls import reverse

from petitions.core.sealing import seal, unseal
from petitions.models import Signature

_ID = struct.Struct(">Q")


def _purpose(purpose: str) -> str:
    return f"outcry.petitions.{purpose}"


def make_token(signature: Signature, *, purpose: str) -> str:
    return seal(_ID.pack(signature.pk), purpose=_purpose(purpose))


def signature_id_for(token: str, *, purpose: str, max_age_seconds: float) -> int | None:
    """The id sealed in the token, or None when it is forged, expired or for another purpose."""
    if ":" in token:  # a signed link from before sealing; the sealed alphabet has no colon
        try:
            return int(signing.loads(token, salt=_purpose(purpose), max_age=max_age_seconds))
        except (signing.BadSignature, TypeError, ValueError):
            return None
    value = unseal(token, purpose=_purpose(purpose), max_age_seconds=max_age_seconds)
    if value is None or len(value) != _ID.size:
        return None
    return _ID.unpack(value)[0]


def signature_for(token: str, *, purpose: str, slug: str, max_age_seconds: float) -> Signature | None:
    """The signature the link names, or None when it is forged, expired or another campaign's."""
    signature_id = signature_id_for(token, purpose=purpose, max_age_seconds=max_age_seconds)
    if signature_id is None:
        return None
    return Signature.objects.filter(pk=signature_id, campaign__slug=slug).select_related("campaign").first()


def absolute_link(signature: Signature, *, purpose: str, url_name: str) -> str:
    path = reverse(url_name, kwargs={"slug": signature.campaign.slug, "token": make_token(signature, purpose=purpose)})
    return settings.SITE_URL.rstrip("/") + path
