"""Signatures, letters and exports in admin: read-only lists scoped to the organiser's organisations."""

from petitions.admin import (
    deliveries,
    dossiers,
    erasure,
    exports,
    paper,
    responses,
    sending_domain,
    signatures,
    webhooks,
)

__all__ = [
    "deliveries",
    "dossiers",
    "erasure",
    "exports",
    "paper",
    "responses",
    "sending_domain",
    "signatures",
    "webhooks",
]
