"""Demo and seed data: everything `manage.py seed_demo` (and `make demo`) builds.

It imports the apps and goes through their services; no app imports it (an import-linter
contract in pyproject.toml says so). Demo only: never run it on a real system.
"""
