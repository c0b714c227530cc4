"""Mail that comes back to letters: bounces and replies, received by SMTP or LMTP."""
