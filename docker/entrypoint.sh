#!/bin/sh
# Runs before the command of every app container (gunicorn, celery worker, celery beat).
set -eu

if [ "${MIGRATE_ON_START:-0}" = "1" ]; then
    # Only the web service sets MIGRATE_ON_START: one migrator, and web turns healthy only once
    # migrations are applied, so worker and beat (which wait for a healthy web) never meet an old
    # schema. With several web replicas, run `manage.py migrate` once by hand instead.
    python manage.py migrate --noinput
fi

# exec: the shell is replaced by the command, which then receives SIGTERM itself, so gunicorn and
# celery shut down gracefully on `docker compose stop`.
exec "$@"
