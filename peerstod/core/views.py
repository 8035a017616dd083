import functools
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (for the load balancer's liveness check); no database."""
    return JsonResponse({"status": "ok"})


@functools.cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database answers and every migration is applied. The
    migrations the code has are read from disk once per process; each probe costs one
    query for those the database has applied."""
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
        pending = _known_migrations() - applied
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "migrations": "pending"}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return render(request, "core/error.html", {"status": 400}, status=400)


def permission_denied(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def page_not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request):
    """500, or 503 with Retry-After while the database cannot be reached (restarting,
    failing over): the request changed nothing, and the next one may well work.

    Rendered without the request: the context processors read the database, which may
    be what failed. Django calls this inside its `except`, so the error is at hand."""
    error = sys.exc_info()[1]
    status = 503 if isinstance(error, OperationalError | InterfaceError) else 500
    body = get_template("core/error.html").render({"status": status})
    response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response
