"""Health probes answered before the rest of the middleware.

A load balancer or container probe asks by the machine's address over plain HTTP: the host check
(ALLOWED_HOSTS) and the HTTPS redirect would answer it 400 or 301, and the session and login
middleware would reach for the database. The probes need none of that and reveal nothing, so
this middleware comes first and answers them itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import metrics, views

# Prometheus scrapes the same way (by address, plain HTTP inside the network); it is let in by
# its bearer token, not by the host name.
PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/": views.health_live,
    "/health/live/": views.health_live,
    "/health/ready/": views.health_ready,
    "/metrics/": metrics.metrics_view,
}


class HealthProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
