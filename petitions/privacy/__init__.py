"""Signers' data over time: retention, their own requests (see, download, erase) and organisers' exports."""
