"""A django-filter FilterSet that does not rebuild its filters and form class on every request."""

from __future__ import annotations

import copy

import django_filters
from django import forms
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
            form_class = super().get_form_class()
            form_class.base_fields = _ChoicesShared(form_class.base_fields)
            cls._shared_form_class = form_class
        return cls._shared_form_class


class _ChoicesShared(dict):
    """A form's base fields whose per-form copies share their (never changed) lists of choices.

    Django's ``ChoiceField`` deep-copies its choices into every form, the largest part of making the
    filter form. Every other part is copied as Django copies it (widget, attributes, error messages,
    validators); a field class with a copy of its own (a ``ModelChoiceField`` copies its queryset) is
    left to it.
    """

    def __deepcopy__(self, memo: dict) -> dict:
        return {
            name: forms.Field.__deepcopy__(field, memo)
            if type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__
            else copy.deepcopy(field, memo)
            for name, field in self.items()
        }
