"""Outcry: email-to-target petition campaigns."""

from outcry.celery import app as celery_app

__all__ = ("celery_app",)
