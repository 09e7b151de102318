"""A django-filter FilterSet that does not rebuild its filters and form class on every request."""

from __future__ import annotations

import copy

import django_filters
from django.http import QueryDict
from django_filters.filters import QuerySetRequestMixin


class SharedFilterSet(django_filters.FilterSet):
    """Filters copied shallowly and the form class built once per FilterSet class.

    django-filter deep-copies every filter (with its choices and widget) for each FilterSet and then
    builds a new form class from freshly made fields: about a tenth of the browse page's CPU. The
    filters of a subclass hold no per-request state but their ``parent`` and ``model``, which each
    shallow copy gets here; the form still deep-copies its fields per instance as every Django form
    does, so nothing a request does to its form reaches another. A filter whose choices depend on
    the request (``QuerySetRequestMixin``) puts the queryset into its ``extra``, so such a FilterSet
    keeps django-filter's deep copy.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        self._shared = not any(isinstance(f, QuerySetRequestMixin) for f in self.base_filters.values())
        if not self._shared:
            super().__init__(data, queryset, request=request, prefix=prefix)
            return
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod of this copy, not of the class's filter

    def get_form_class(self):
        if not self._shared:
            return super().get_form_class()
        cls = type(self)
        if "_shared_form_class" not in cls.__dict__:
            cls._shared_form_class = super().get_form_class()
        return cls._shared_form_class
