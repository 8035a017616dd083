import socket

from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose English (the language cookie).

    The browser's Accept-Language is ignored on purpose: hospital computers often run
    English system settings, and the service is Swedish first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


CLIENT_GONE = 499  # nginx's status for "the client closed the connection first"


def _hung_up(connection: socket.socket) -> bool:
    """Whether the client has closed its end: a readable socket with nothing to read.
    Data waiting (a request body not read yet) or nothing yet to read means it is there."""
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:  # reset by the peer
        return True


class ClientGoneMiddleware:
    """Do no work for a client that has already gone. After a burst, the requests still
    queued for a worker have often been given up by their clients (a browser's stop, a
    load balancer's timeout): a sync worker would still build each page for nobody, and
    the users who are there wait behind them. gunicorn hands the connection to the app
    (`gunicorn.socket`); when the client has closed it, the request is answered at once
    with 499 and logged as such. Behind nginx this holds as well: nginx closes its
    connection to the app when its client goes (`proxy_ignore_client_abort off`, the
    default). Other servers do not pass the socket, and nothing changes there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection = request.META.get("gunicorn.socket")
        if isinstance(connection, socket.socket) and _hung_up(connection):
            return HttpResponse(status=CLIENT_GONE, reason="Client Closed Request")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method == "POST" and request.content_type in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        try:
            values = request.POST.lists()
        except Exception:  # noqa: BLE001 - a malformed body is refused below by Django
            return False
        return any("\x00" in value for _key, items in values for value in items)
    return False


class RequestLimitsMiddleware:
    """Refuse, before any view reads it: a body larger than allowed (uploaded files
    included, which Django's own limit does not count) with 413, and a NUL character in
    the address or a form field with 400. Larger bodies are allowed only on the paths
    in `settings.LARGE_UPLOAD_PATHS` (indicator and instrument imports)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        if any(request.path.startswith(p) for p in settings.LARGE_UPLOAD_PATHS):
            limit = settings.MAX_UPLOAD_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = limit + 1
        if length > limit:
            return render(
                request,
                "core/error.html",
                {"status": 413, "limit": filesizeformat(limit)},
                status=413,
            )
        if _has_nul(request):
            return render(request, "core/error.html", {"status": 400}, status=400)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages for a logged-in user, and every file download, are never kept by the
    browser or a proxy (`Cache-Control: no-store`): a shared ward computer must not show
    the next person what the last one saw."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = "attachment" in response.get("Content-Disposition", "") or response.get(
            "Content-Type", ""
        ).startswith(("application/pdf", "application/vnd.openxmlformats", "text/calendar"))
        if (user is not None and user.is_authenticated) or download:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
