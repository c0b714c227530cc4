"""Thin named beat tasks for campaigns' schedules."""

import logging

from celery import shared_task

from campaigns import services

logger = logging.getLogger(__name__)


@shared_task(name="campaigns.close_ended_campaigns")
def close_ended_campaigns_task() -> int:
    closed = services.close_ended_campaigns()
    if closed:
        logger.info("Closed %d campaign(s) whose closing date passed: %s", len(closed), closed)
    return len(closed)
