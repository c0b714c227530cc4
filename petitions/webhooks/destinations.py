"""Where a webhook may point: https to a public address. An organiser's URL must not reach the
platform's own network (its database, a cloud's metadata service), so the host is resolved when
the endpoint is saved and again before every request. Plain http and private addresses are allowed
only with WEBHOOK_ALLOW_PRIVATE_ADDRESSES (on with DEBUG: a receiver on the organiser's laptop)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class DestinationRefused(Exception):
    """The URL is not one Outcry sends to; `lasting` unless it may change by itself (a name that
    cannot be resolved right now)."""

    def __init__(self, reason: str, *, lasting: bool = True) -> None:
        super().__init__(reason)
        self.lasting = lasting


def check_url(url: str) -> None:
    """Raise DestinationRefused (with a reason an organiser can read) for a URL Outcry will not call."""
    parts = urlsplit(url)
    private_allowed = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (parts.scheme == "http" and private_allowed):
        raise DestinationRefused(_("The address must start with https://."))
    if not parts.hostname:
        raise DestinationRefused(_("The address has no host name."))
    if parts.username or parts.password:
        raise DestinationRefused(_("Put no user name or password in the address; use the signing secret."))
    if private_allowed:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError, UnicodeError):
        raise DestinationRefused(_("This host name cannot be found."), lasting=False) from None
    if any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        raise DestinationRefused(_("This address points into a private network."))
