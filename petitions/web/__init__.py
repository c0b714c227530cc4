"""The public pages: views, URLs, the embed's cookie-free form protection."""
