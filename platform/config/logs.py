"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

A request's id comes from its X-Request-ID header when that is well-formed (a proxy or load
balancer in front set it, so its log and ours join up), else it is made here; the response
returns it. A Celery task started while the request runs carries the id in its message headers
(``before_task_publish``) and the worker puts it back into the logging context for the task's
run (``task_prerun``), so "what happened to this click" is one search across web and workers.

Nothing from the request itself (path parameters, query, body, user) goes into a log line here:
this platform holds refugees' data. The per-request line names the route, not the path.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# Message header of a Celery task (lower case: the AMQP/Redis headers are passed through as-is).
TASK_HEADER = "lotse_request_id"
# Letters, digits and a few separators, 8 to 128 characters: UUIDs, W3C trace ids, ELB ids. Any
# other value (spaces, newlines, quotes, an overlong string) is not taken over into the logs.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+=/-]{7,127}$")

request_id_var: ContextVar[str | None] = ContextVar("lotse_request_id", default=None)
task_var: ContextVar[tuple[str, str] | None] = ContextVar("lotse_task", default=None)

request_logger = logging.getLogger("lotse.request")


def request_id_for(header: str | None) -> str:
    """The incoming id if it is well-formed, else a new one."""
    if header and _WELL_FORMED.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


class ContextFilter(logging.Filter):
    """Puts the request id and the running task (if any) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a 4xx/5xx after the middleware returned: the request still knows it.
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", None)
        task = task_var.get()
        record.task_name, record.task_id = task if task else (None, None)
        return True


# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
# ``request`` (django.request's HttpRequest, or a socket) is dropped: its repr is not a log field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request",
    "request_id",
    "task_name",
    "task_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record on one line (newlines in messages and tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if getattr(record, "task_name", None):
            entry["task"] = record.task_name
            entry["task_id"] = record.task_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """First of all middleware: sets the request id for everything below and logs one line per
    request (route name, method, status, duration) when it is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                route_name(request),
                response.status_code,
                extra={
                    "route": route_name(request),
                    "method": request.method,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (``candidates:detail``), never the raw path (ids, personal data,
    and one label per address would make metrics unbounded). Health probes and other requests
    answered before URL resolution are resolved here; addresses that match nothing share one."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "<unmatched>"
        except Exception:  # an address no pattern can even read (bad bytes): still one label
            return "<unmatched>"
        request.resolver_match = match
    return match.view_name or "<unnamed>"


# --- Celery: the request id travels with the task ------------------------------------------------


def current_task_headers() -> dict[str, str]:
    """The headers a task started now would carry: the request id, when there is a request."""
    request_id = request_id_var.get()
    return {TASK_HEADER: request_id} if request_id else {}


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """``before_task_publish``: put the current request id into the task message's headers."""
    request_id = request_id_var.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_task_tokens: dict[str, tuple[Any, Any]] = {}


def task_prerun_restore_request_id(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    """``task_prerun``: the request id from the message (or, run in-process, the caller's) and
    the task's name and id go into the logging context for the task's run."""
    request = getattr(task, "request", None)
    carried = request.get(TASK_HEADER) if request is not None else None
    if not carried and request is not None:
        carried = (getattr(request, "headers", None) or {}).get(TASK_HEADER)  # eager: given to apply()
    if not carried and request is not None and getattr(request, "is_eager", False):
        carried = request_id_var.get()  # eager: same thread, the caller's context is still set
    tokens = (request_id_var.set(carried), task_var.set((getattr(task, "name", "?"), task_id or "")))
    if task_id:
        _task_tokens[task_id] = tokens


def task_postrun_clear_request_id(task_id: str | None = None, **_kwargs: Any) -> None:
    tokens = _task_tokens.pop(task_id or "", None)
    if tokens is None:
        return
    request_token, task_token = tokens
    try:
        task_var.reset(task_token)
        request_id_var.reset(request_token)
    except ValueError:  # set in another context (should not happen): clear instead
        task_var.set(None)
        request_id_var.set(None)


def logging_settings(*, level: str, json_lines: bool) -> dict[str, Any]:
    """Django's LOGGING: one console handler, JSON lines (or plain text for a developer)."""
    formatter = (
        {"()": "config.logs.JsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logs.ContextFilter"}},
        "formatters": {"lotse": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "lotse", "filters": ["context"]}
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own per-request lines (4xx/5xx) name raw paths; ours names the route.
        "loggers": {"django.server": {"level": "WARNING"}},
    }
