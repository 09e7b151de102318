"""Settings come from the environment only, through config.env; a wrong or missing variable stops
start-up with a message naming it; with production variables `check --deploy` is clean."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from tests.config.celery_helpers import ROOT
from tests.config.production import manage

SETTINGS_DIR = ROOT / "platform" / "config" / "settings"
ENV_EXAMPLE = ROOT / ".env.example"

# --- fail fast, naming the variable -----------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "without", "named"),
    [
        pytest.param({}, ("DATABASE_URL",), "DATABASE_URL", id="database-url-missing"),
        pytest.param({"DATABASE_URL": "nonsense"}, (), "DATABASE_URL", id="database-url-nonsense"),
        pytest.param({"DJANGO_DEBUG": "maybe"}, (), "DJANGO_DEBUG", id="debug-not-a-boolean"),
        pytest.param({"DJANGO_DEBUG": "true"}, (), "DJANGO_DEBUG", id="debug-on-in-production"),
        pytest.param({}, ("CELERY_BROKER_URL",), "CELERY_BROKER_URL", id="broker-missing"),
        pytest.param({"CELERY_BROKER_URL": "localhost"}, (), "CELERY_BROKER_URL", id="broker-not-a-url"),
        pytest.param({}, ("REDIS_CACHE_URL",), "REDIS_CACHE_URL", id="cache-missing"),
        pytest.param({}, ("DJANGO_SECRET_KEY",), "DJANGO_SECRET_KEY", id="secret-key-missing"),
        pytest.param({"DJANGO_SECRET_KEY": "short"}, (), "DJANGO_SECRET_KEY", id="secret-key-short"),
        pytest.param({}, ("DJANGO_ALLOWED_HOSTS",), "DJANGO_ALLOWED_HOSTS", id="hosts-missing"),
        pytest.param({"EMAIL_PORT": "smtp"}, (), "EMAIL_PORT", id="port-not-a-number"),
        pytest.param({}, ("WAGTAILADMIN_BASE_URL",), "WAGTAILADMIN_BASE_URL", id="base-url-missing"),
    ],
)
def test_production_start_up_stops_and_names_the_variable(variables, without, named):
    result = manage("check", without=without, **variables)
    assert result.returncode != 0
    assert named in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_settings_take_the_values_given():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['NAME'], s.DATABASES['default']['HOST'], "
        "s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['LOCATION'], "
        "s.CSRF_TRUSTED_ORIGINS, sorted(s.LOTSE_MFA_EXEMPT_EMAILS))"
    )
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "False ['lotse.example-kommune.de'] lotse db.internal redis://redis.internal:6379/0 False "
        "redis://redis.internal:6379/1 ['https://lotse.example-kommune.de'] []"
    )


# --- .env.example documents every variable ----------------------------------------------------


def _variables_read_by_settings() -> set[str]:
    readers = re.compile(r"""env\.(?:str_|bool_|int_|list_|db|url)\(\s*["']([A-Z0-9_]+)["']""")
    environ = re.compile(r"""os\.environ(?:\.get|\.setdefault)?[\(\[]\s*["']([A-Z0-9_]+)["']""")
    names: set[str] = set()
    for path in [*SETTINGS_DIR.glob("*.py"), ROOT / "platform" / "config" / "env.py"]:
        text = path.read_text()
        names |= set(readers.findall(text)) | set(environ.findall(text))
    return names


def _variables_documented() -> dict[str, str]:
    """Each `NAME=` line of .env.example (commented out or not) with the comment block above it."""
    documented: dict[str, str] = {}
    comment: list[str] = []
    after_variable = False
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            documented[match.group(1)] = " ".join(comment)
            after_variable = True
        elif line.startswith("#"):
            if after_variable:
                comment, after_variable = [], False
            comment.append(line.lstrip("# "))
        else:
            comment, after_variable = [], False
    return documented


def test_env_example_documents_every_variable_the_settings_read():
    read = _variables_read_by_settings()
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "CELERY_BROKER_URL", "REDIS_CACHE_URL"} <= read
    missing = read - set(_variables_documented())
    assert not missing, f"not documented in .env.example: {sorted(missing)}"


def test_env_example_documents_nothing_that_is_not_read():
    # Read elsewhere: manage.py/wsgi pick the settings module, docker-compose.yml the password,
    # prometheus_client (and gunicorn.conf.py) the metrics folder.
    elsewhere = {"DJANGO_SETTINGS_MODULE", "POSTGRES_PASSWORD", "PROMETHEUS_MULTIPROC_DIR"}
    stale = set(_variables_documented()) - _variables_read_by_settings() - elsewhere
    assert not stale, f".env.example documents variables nothing reads: {sorted(stale)}"


def test_every_documented_variable_has_an_explanation():
    unexplained = [name for name, comment in _variables_documented().items() if len(comment) < 15]
    assert not unexplained


# --- the readers themselves -------------------------------------------------------------------


@pytest.fixture
def environ(monkeypatch):
    def set_(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    monkeypatch.delenv("LOTSE_X", raising=False)
    return set_


def test_str_required_and_missing_names_the_variable(environ):
    with pytest.raises(ImproperlyConfigured, match="LOTSE_X"):
        env.str_("LOTSE_X")


def test_empty_counts_as_missing(environ):
    environ(LOTSE_X="")
    assert env.str_("LOTSE_X", "fallback") == "fallback"
    with pytest.raises(ImproperlyConfigured, match="LOTSE_X"):
        env.str_("LOTSE_X")


def test_str_returns_the_value(environ):
    environ(LOTSE_X="Grünstadt")
    assert env.str_("LOTSE_X", "fallback") == "Grünstadt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("off", False),
    ],
)
def test_bool_understands_the_usual_spellings(environ, raw, expected):
    environ(LOTSE_X=raw)
    assert env.bool_("LOTSE_X", not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "truee"])
def test_bool_refuses_anything_else_and_names_the_variable(environ, raw):
    environ(LOTSE_X=raw)
    with pytest.raises(ImproperlyConfigured, match=f"LOTSE_X.*{raw}"):
        env.bool_("LOTSE_X", False)


def test_bool_default_when_unset(environ):
    assert env.bool_("LOTSE_X", True) is True


def test_int_parses_and_refuses_words(environ):
    environ(LOTSE_X="587")
    assert env.int_("LOTSE_X", 25) == 587
    environ(LOTSE_X="smtp")
    with pytest.raises(ImproperlyConfigured, match="LOTSE_X"):
        env.int_("LOTSE_X", 25)


def test_list_splits_on_commas(environ):
    environ(LOTSE_X="a.example,b.example")
    assert env.list_("LOTSE_X", []) == ["a.example", "b.example"]
    assert env.list_("LOTSE_UNSET_FOR_TEST", ["x"]) == ["x"]


def test_db_parses_postgres_and_sqlite_urls(environ):
    environ(LOTSE_X="postgres://lotse:p%40ss@db.internal:5433/lotse")
    config = env.db("LOTSE_X")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "lotse",
        "lotse",
        "p@ss",
        "db.internal",
        5433,
    )
    environ(LOTSE_X="sqlite:////var/lib/lotse/db.sqlite3")
    assert env.db("LOTSE_X")["NAME"] == "/var/lib/lotse/db.sqlite3"


@pytest.mark.parametrize(
    "raw", ["nonsense", "mysqlx://host/db", "postgres//missing-colon", "oracle.thin://h/db"]
)
def test_db_refuses_what_is_not_a_database_url(environ, raw):
    environ(LOTSE_X=raw)
    with pytest.raises(ImproperlyConfigured, match="LOTSE_X"):
        env.db("LOTSE_X")


def test_db_default_when_unset(environ):
    assert env.db("LOTSE_UNSET_FOR_TEST", "sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="LOTSE_UNSET_FOR_TEST"):
        env.db("LOTSE_UNSET_FOR_TEST")


def test_url_requires_a_scheme(environ):
    environ(LOTSE_X="redis://127.0.0.1:6379/0")
    assert env.url("LOTSE_X") == "redis://127.0.0.1:6379/0"
    environ(LOTSE_X="127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="LOTSE_X"):
        env.url("LOTSE_X")


# --- prepared statements (issues 18 and 21) ----------------------------------------------------


def _postgres() -> dict:
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "lotse"}


def test_postgres_binds_on_the_server_and_prepares_from_the_second_run(monkeypatch):
    from config.settings.base import prepared_statements

    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    assert prepared_statements(_postgres())["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "0")
    assert prepared_statements(_postgres())["OPTIONS"]["prepare_threshold"] == 0


@pytest.mark.parametrize("raw", ["off", "OFF", "none"])
def test_prepared_statements_can_be_switched_off_for_a_pooler(monkeypatch, raw):
    from config.settings.base import prepared_statements

    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", raw)
    assert "OPTIONS" not in prepared_statements(_postgres())


def test_a_bad_prepare_threshold_names_the_variable(monkeypatch):
    from config.settings.base import prepared_statements

    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "twice")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARE_THRESHOLD"):
        prepared_statements(_postgres())


def test_sqlite_keeps_its_own_options(monkeypatch):
    from config.settings.base import prepared_statements

    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}
    assert prepared_statements(config) == {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}


def test_postgres_plans_with_the_random_page_cost_of_memory_and_ssd(monkeypatch):
    from config.settings.base import planner_costs

    monkeypatch.delenv("DATABASE_RANDOM_PAGE_COST", raising=False)
    monkeypatch.delenv("PGOPTIONS", raising=False)
    assert planner_costs(_postgres())["OPTIONS"] == {"options": "-c random_page_cost=1.1"}
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "2")
    config = _postgres() | {"OPTIONS": {"options": "-c work_mem=8MB"}}
    assert planner_costs(config)["OPTIONS"] == {"options": "-c work_mem=8MB -c random_page_cost=2.0"}
    for off in ("off", "none"):
        monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", off)
        assert "OPTIONS" not in planner_costs(_postgres())
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}
    assert planner_costs(dict(sqlite)) == sqlite


def test_the_page_cost_keeps_what_pgoptions_sets(monkeypatch):
    from config.settings.base import planner_costs

    monkeypatch.delenv("DATABASE_RANDOM_PAGE_COST", raising=False)
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=5000")
    assert planner_costs(_postgres())["OPTIONS"]["options"] == (
        "-c statement_timeout=5000 -c random_page_cost=1.1"
    )


@pytest.mark.parametrize("raw", ["cheap", "0", "-1", "nan", "inf"])
def test_a_bad_random_page_cost_names_the_variable(monkeypatch, raw):
    from config.settings.base import planner_costs

    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", raw)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_RANDOM_PAGE_COST"):
        planner_costs(_postgres())


@pytest.mark.django_db
def test_the_connection_plans_with_the_configured_random_page_cost():
    """What the settings ask for reaches the server (the caseload's plans depend on it)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        (value,) = cursor.fetchone()
    assert "random_page_cost=" in settings.DATABASES["default"]["OPTIONS"]["options"]
    assert float(value) == float(settings.DATABASES["default"]["OPTIONS"]["options"].rsplit("=", 1)[1])


@pytest.mark.django_db
def test_a_query_a_connection_runs_again_is_planned_once(django_db_setup):
    """On PostgreSQL: the second run of a query uses a statement prepared on the server, so
    PostgreSQL does not parse and plan it again (what the case page and caseload spent most on)."""
    from django.db import connection

    from accounts.models import User

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(3):
        list(User.objects.filter(email="nobody@example.org"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in sql and "$1" in sql for sql in prepared), prepared
