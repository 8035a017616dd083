"""Logs a region's IT can ship to its log system: one line per request and per error,
JSON with `LOG_FORMAT=json`, and never personal data or free text.

A request line names the URL *pattern* (`ansok/status/<str:token>/`), not the path, so
tokens and codes in addresses never reach a log; no query string, no form field, no
e-mail address. Errors log the exception type and where it happened, not the message
(which can quote what a user typed).
"""

from __future__ import annotations

import json
import logging
import time
import traceback

request_logger = logging.getLogger("peerstod.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        return (
            f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
            + (f" {extra}" if extra else "")
        )


class NoPersonalDataFilter(logging.Filter):
    """Django's own request and error messages quote the path ("Not Found: /ansok/…/")
    and the exception text: both replaced by the pattern and the exception type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_cleaned", False):
            return True
        record._cleaned = True
        if record.name.startswith("django.request"):
            request = getattr(record, "request", None)
            record.msg = "request failed"
            record.args = ()
            record.fields = {
                "route": _route(request) if request is not None else "",
                "status": getattr(record, "status_code", ""),
            }
        if record.exc_info:
            kind, _value, tb = record.exc_info
            where = traceback.extract_tb(tb)[-1] if tb else None
            record.fields = {
                **getattr(record, "fields", {}),
                "error": kind.__name__ if kind else "",
                "at": f"{where.filename.rsplit('/', 2)[-1]}:{where.lineno}" if where else "",
            }
            record.exc_info = None
            record.exc_text = None
        return True


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else "(no route)"


class RequestLogMiddleware:
    """One line per request: method, URL pattern, status, time, user id (never e-mail)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "route": _route(request),
                    "status": response.status_code,
                    "ms": round((time.monotonic() - started) * 1000),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                }
            },
        )
        return response
