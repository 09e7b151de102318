"""The matching engine: plain functions over plain records. No Django import here
(an import-linter contract in pyproject.toml keeps it so)."""
