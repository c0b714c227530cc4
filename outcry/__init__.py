"""Outcry: email-to-target petition campaigns."""

from outcry import logscrub

# First, before anything can log: every process of the project (web, worker, beat, management
# commands) imports this package before it sets up logging, so each record it makes is scrubbed.
logscrub.install()

from outcry import broker  # noqa: E402 - after the scrub is installed

# Before any broker connection: Redis URLs get the transport that keeps workers alive (outcry/broker.py).
broker.install()

from outcry.celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
