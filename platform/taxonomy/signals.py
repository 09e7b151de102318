"""Signals other packages may listen to (taxonomy imports none of them)."""

from django.dispatch import Signal

# Sent after `taxonomy_load` has committed, with report=TaxonomyLoadReport. Caches built from
# the taxonomy (e.g. the matching engine's ESCO index) should drop themselves on it.
taxonomy_loaded = Signal()
