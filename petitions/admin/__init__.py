"""Signatures, letters and exports in admin: read-only lists scoped to the organiser's organisations."""

from petitions.admin import deliveries, exports, paper, signatures

__all__ = ["deliveries", "exports", "paper", "signatures"]
