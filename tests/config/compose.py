"""docker-compose.yml as read by the tests of the production stack."""

import yaml

from tests.config.celery_helpers import ROOT

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
