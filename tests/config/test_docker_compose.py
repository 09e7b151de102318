"""docker-compose.yml and the Dockerfile describe the production stack. No Docker engine runs here,
so these tests read both files and run what they can of them: gunicorn loads the web command's
application with the image's PYTHONPATH and production settings."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from config import env
from tests.config.celery_helpers import ROOT
from tests.config.compose import COMPOSE, COMPOSE_TEXT, SERVICES

DJANGO_SERVICES = ("web", "worker", "beat")


def _dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    logical = re.sub(
        r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    )
    stages: list[list[tuple[str, str]]] = []
    for line in logical.splitlines():
        if not line.strip():
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), " ".join(arguments.split())))
    return stages


STAGES = _dockerfile_stages()
FINAL = STAGES[-1]


def _final(instruction: str) -> list[str]:
    return [arguments for name, arguments in FINAL if name == instruction]


def _image_env() -> dict[str, str]:
    values: dict[str, str] = {}
    for arguments in _final("ENV"):
        for pair in shlex.split(arguments):
            name, _, value = pair.partition("=")
            values[name] = value
    return values


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


# --- docker-compose.yml ---------------------------------------------------------------------------


def test_the_stack_has_web_worker_beat_postgres_and_redis():
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"


def test_django_services_share_one_definition():
    assert "x-django: &django" in COMPOSE_TEXT
    for service in DJANGO_SERVICES:
        block = re.search(rf"(?ms)^  {service}:\n(.*?)(?=^  \S|\Z)", COMPOSE_TEXT).group(1)
        assert "<<: *django" in block, service
    shared = {
        key: COMPOSE["x-django"][key] for key in ("build", "image", "env_file", "environment", "volumes")
    }
    for service in DJANGO_SERVICES:
        for key, value in shared.items():
            assert SERVICES[service][key] == value, (service, key)
    assert SERVICES["web"]["env_file"] == ".env"


def test_web_runs_gunicorn_on_config_wsgi_port_8000():
    command = _command("web")
    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command or "config.wsgi" in command
    assert "0.0.0.0:8000" in command
    assert any(port.endswith(":8000") for port in SERVICES["web"]["ports"])


def test_worker_runs_a_celery_worker_of_config_celery_app():
    assert _command("worker")[:4] == ["celery", "-A", "config.celery_app", "worker"]


def test_beat_runs_celery_beat_with_the_database_scheduler():
    command = _command("beat")
    assert command[:4] == ["celery", "-A", "config.celery_app", "beat"]
    joined = " ".join(command)
    assert re.search(r"(--scheduler|-S)[ =]django_celery_beat\.schedulers:DatabaseScheduler", joined)
    assert "--enable-remote-control" in command  # so that its health check gets an answer


def test_web_worker_and_beat_have_health_checks():
    # What each one runs is exercised against real processes in test_compose_probes.py.
    assert "/health/ready/" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "celery@$$HOSTNAME" in SERVICES["worker"]["healthcheck"]["test"][1]
    assert "celerybeat@$$HOSTNAME" in SERVICES["beat"]["healthcheck"]["test"][1]


def test_django_services_wait_for_healthy_postgres_and_redis():
    for dependency in ("postgres", "redis"):
        assert SERVICES[dependency]["healthcheck"]["test"]
    for service in DJANGO_SERVICES:
        depends = SERVICES[service]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", service
        assert depends["redis"]["condition"] == "service_healthy", service


def test_migrations_run_before_web_worker_and_beat():
    assert _command("migrate")[-3:] == ["manage.py", "migrate", "--noinput"]
    for service in DJANGO_SERVICES:
        assert SERVICES[service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_django_services_use_production_settings_and_the_bundled_services():
    environment = COMPOSE["x-django"]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert environment["REDIS_CACHE_URL"].startswith("redis://redis:6379/")
    # Compose fills in the password from .env; the result must be a URL the settings accept.
    url = environment["DATABASE_URL"].replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "s3cret")
    os.environ["LOTSE_COMPOSE_DATABASE_URL"] = url
    try:
        database = env.db("LOTSE_COMPOSE_DATABASE_URL")
    finally:
        del os.environ["LOTSE_COMPOSE_DATABASE_URL"]
    postgres = SERVICES["postgres"]["environment"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "postgres",
        postgres["POSTGRES_DB"],
        postgres["POSTGRES_USER"],
    )


def test_every_variable_compose_sets_is_documented_in_env_example():
    documented = set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text()))
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE_TEXT))
    assert set(COMPOSE["x-django"]["environment"]) | interpolated <= documented


# --- Dockerfile -----------------------------------------------------------------------------------


def test_image_is_python_311_slim_and_installs_the_project():
    assert FINAL[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(_final("RUN"))
    assert "pip install ." in runs
    assert "collectstatic --noinput" in runs
    assert "compilemessages" in runs


def test_front_end_assets_come_from_npm_ci_without_a_cdn():
    assets = " ".join(arguments for stage in STAGES[:-1] for name, arguments in stage if name == "RUN")
    assert "npm ci" in assets
    assert any(
        name == "COPY" and "--from=" in arguments and "node_modules" in arguments for name, arguments in FINAL
    )
    # Nothing is fetched from a URL (no curl | sh, no CDN): packages come from their registries.
    assert "://" not in (ROOT / "Dockerfile").read_text()


def test_image_runs_as_an_unprivileged_user():
    users = _final("USER")
    assert users and users[-1] not in {"root", "0"}
    # USER comes after the steps that need root.
    assert [name for name, _ in FINAL].index("USER") > max(
        i for i, (name, _) in enumerate(FINAL) if name == "RUN"
    )


def test_image_puts_platform_on_the_python_path_and_uses_production_settings():
    image_env = _image_env()
    workdir = _final("WORKDIR")[-1]
    paths = image_env["PYTHONPATH"].split(":")
    assert f"{workdir}/platform" in paths and workdir in paths
    assert image_env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"


def test_image_default_command_is_the_web_command():
    (cmd,) = _final("CMD")
    assert yaml.safe_load(cmd) == _command("web")  # exec form: a JSON array
    assert not _final("ENTRYPOINT")


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".venv", "node_modules", ".git", "db.sqlite3"} <= ignored


def test_the_web_command_loads_the_application_with_the_image_path_and_production_settings():
    workdir = _final("WORKDIR")[-1]
    image_env = _image_env()
    python_path = image_env["PYTHONPATH"].replace(workdir, str(ROOT))
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LOTSE_IGNORE_DOTENV": "1",
        "PYTHONPATH": python_path,
        **{k: v for k, v in COMPOSE["x-django"]["environment"].items() if "${" not in v},
        "LOTSE_MEDIA_ROOT": str(ROOT / "media"),
        "DATABASE_URL": "postgres://lotse:s3cret@postgres:5432/lotse",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "lotse.example-kommune.de",
        "WAGTAILADMIN_BASE_URL": "https://lotse.example-kommune.de",
    }
    command = _command("web")
    executable = Path(sys.executable).parent / command[0]
    result = subprocess.run(
        [str(executable), "--check-config", *command[1:]],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
