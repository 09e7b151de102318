"""The migrations describe the models, and they apply in any order the graph allows."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # A model changed without a migration would be a schema the database never gets.
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _states_along(plan: list, loader: MigrationLoader) -> None:
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for key in plan:
        state = loader.graph.nodes[key].mutate_state(state, preserve=False)


@pytest.mark.django_db
def test_each_app_migrates_on_its_own_before_the_rest():
    """A migration that changes a model another deletes must depend on that one, or which of the
    two comes first depends on how the graph is walked: a new migration elsewhere then breaks
    `migrate` on a fresh database (employers 0010 deleted a model the other 0009 changed). Walking
    to each app's last migration first, then to everything, meets such a pair in another order."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes()
    for leaf in leaves:
        plan = loader.graph.forwards_plan(leaf)
        for other in leaves:
            plan += [key for key in loader.graph.forwards_plan(other) if key not in plan]
        _states_along(plan, loader)
