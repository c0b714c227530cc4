"""Every email Outcry builds (letters, signer links, organisers' notices), the transport and its
error verdicts, and the daily cap per address."""
