"""Signatures collected on paper: organisers' counts and imported signers, counted apart from online
signatures and never sent as letters."""
