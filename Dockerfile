# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.11-slim

# DEBUG=false here so that the image started on its own, without docker-compose.yml, refuses to run
# on development defaults instead of quietly serving with DEBUG on (settings default to DEBUG=true).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false

RUN groupadd --system --gid 10001 outcry \
    && useradd --system --uid 10001 --gid outcry --create-home --home-dir /home/outcry \
        --shell /usr/sbin/nologin outcry

WORKDIR /app

# Requirements first: the dependency layer is rebuilt only when requirements.txt changes.
# Every pin has a manylinux wheel (psycopg2-binary, Pillow), so no compiler is needed.
# WeasyPrint (the delivery dossier's PDF) lays text out with Pango, which shapes every script, Arabic
# right to left included; DejaVu has the letters of all six languages.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Translations: the .mo files are build output, compiled here from the .po catalogues with GNU
# gettext, which leaves the image again in the same layer.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && for po in locale/*/LC_MESSAGES/django.po locale_countries/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po" || exit 1; done \
    && apt-get purge -y --auto-remove gettext && rm -rf /var/lib/apt/lists/*

# With DEBUG off the settings refuse to load without a strong SECRET_KEY, a PostgreSQL DATABASE_URL
# and a REDIS_URL. collectstatic connects to neither, so throwaway values for this one step are
# enough; they are not kept in the image's environment (the real ones come from docker-compose.yml).
# DEBUG=false also selects the fingerprinted, compressed storage that the running app expects.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-collectstatic-never-used-at-run-time-0123456789abcdef \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/private \
    && chown -R outcry:outcry /app/var

USER outcry

EXPOSE 8000

ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]

# gthread: a few threads per process keep a slow phone upload from holding a whole worker.
# --timeout kills a request stuck for 30 s (database and broker calls have shorter timeouts of their
# own); --graceful-timeout lets requests in flight finish on `docker compose stop`.
# gunicorn.conf.py: gunicorn's own log lines go through the app's scrub (client IPs become [ip]),
# and there is no access log.
# /dev/shm for the heartbeat files: a slow overlay filesystem can otherwise get workers killed.
CMD ["gunicorn", "outcry.wsgi", \
     "--config", "gunicorn.conf.py", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-class", "gthread", \
     "--threads", "4", \
     "--timeout", "30", \
     "--graceful-timeout", "25", \
     "--keep-alive", "5", \
     "--max-requests", "2000", \
     "--max-requests-jitter", "200", \
     "--worker-tmp-dir", "/dev/shm"]
