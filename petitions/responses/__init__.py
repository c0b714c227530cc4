"""Replies from targets, relayed without exposing the signer: stored encrypted, read by organisers,
published only in words an organiser wrote."""
