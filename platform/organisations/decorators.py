"""The one way a view says who may call it: ``role_required`` over organisations.access.

Object-level checks (this case, this organisation) stay in the selectors; this is only the door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from . import access

View = Callable[..., HttpResponse]


def role_required(roles: Iterable[str], *, candidates: bool = False) -> Callable[[View], View]:
    """Signed in (else the login page) and holding one of ``roles`` in any organisation (else 403).
    ``candidates=True`` lets a signed-in candidate through too: the view's selectors then read only
    the person's own records."""
    roles = tuple(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if candidates and getattr(request.user, "is_candidate", False):
                return view(request, *args, **kwargs)
            if not access.has_role(user=request.user, roles=roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
