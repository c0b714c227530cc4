"""Outcry: email-to-target petition campaigns."""

from outcry import logscrub

# First, before anything can log: every process of the project (web, worker, beat, management
# commands) imports this package before it sets up logging, so each record it makes is scrubbed.
logscrub.install()

from outcry.celery import app as celery_app  # noqa: E402 - after the scrub is installed

__all__ = ("celery_app",)
