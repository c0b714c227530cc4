"""The public read API, /api/v1/: campaigns, their figures, public first names and targets.

Same standing as the public pages: it shows only what a campaign page may show anyone, and nothing
of a signer but the first names of those who chose to be shown (docs/developers/api.md).
"""
