# Lotse production image. One image for every Django process (docker-compose.yml):
#   web     gunicorn config.wsgi          (the default command below)
#   worker  celery -A config.celery_app worker
#   beat    celery -A config.celery_app beat --scheduler django_celery_beat.schedulers:DatabaseScheduler
# Configuration comes from the environment only (see .env.example); the image holds no secrets.

# --- front-end assets: npm packages from the lock file, with Debian's Node.js ----------------------
FROM python:3.11-slim AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- the application ------------------------------------------------------------------------------
FROM python:3.11-slim

# platform/ has no __init__.py: its packages (config, accounts, ...) import by their own names.
# Python's own `platform` module still wins over the folder (a namespace portion never shadows
# a real module; tests/config/test_platform_module.py proves it).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app:/app/platform \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    LOTSE_MEDIA_ROOT=/app/media

# gettext: compilemessages below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system lotse \
    && useradd --system --gid lotse --home-dir /app --shell /usr/sbin/nologin lotse

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
COPY --from=assets /build/node_modules ./node_modules

# Static files and translations are built into the image. The dev settings need no secrets and
# use the same static-files storage as production.
RUN DJANGO_SETTINGS_MODULE=config.settings.dev LOTSE_IGNORE_DOTENV=1 \
        python manage.py compilemessages --ignore=node_modules -v0 \
    && DJANGO_SETTINGS_MODULE=config.settings.dev LOTSE_IGNORE_DOTENV=1 \
        python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media \
    && chown lotse:lotse /app/media

USER lotse
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
