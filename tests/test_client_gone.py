"""A request whose client has hung up is answered at once with 499 and no page is built
(core.middleware.ClientGoneMiddleware); with the client still there, the page is."""

import socket

from django.http import HttpResponse
from django.test import RequestFactory

from peerstod.core.middleware import CLIENT_GONE, ClientGoneMiddleware


def _middleware():
    built = []

    def view(request):
        built.append(request.path)
        return HttpResponse("page")

    return ClientGoneMiddleware(view), built


def test_a_request_whose_client_closed_the_connection_is_not_worked_on():
    middleware, built = _middleware()
    server_side, client_side = socket.socketpair()
    client_side.close()
    request = RequestFactory().get("/enkater/", **{"gunicorn.socket": server_side})
    response = middleware(request)
    server_side.close()
    assert response.status_code == CLIENT_GONE == 499
    assert built == []


def test_a_request_whose_client_waits_gets_its_page():
    middleware, built = _middleware()
    server_side, client_side = socket.socketpair()
    request = RequestFactory().get("/enkater/", **{"gunicorn.socket": server_side})
    response = middleware(request)
    server_side.close()
    client_side.close()
    assert response.status_code == 200 and built == ["/enkater/"]


def test_a_request_body_not_yet_read_counts_as_a_client_that_is_there():
    middleware, built = _middleware()
    server_side, client_side = socket.socketpair()
    client_side.sendall(b"rest of the body")
    request = RequestFactory().get("/", **{"gunicorn.socket": server_side})
    assert middleware(request).status_code == 200
    assert server_side.recv(4) == b"rest"  # only peeked at, nothing taken
    server_side.close()
    client_side.close()


def test_without_gunicorns_socket_nothing_changes():
    middleware, built = _middleware()
    assert middleware(RequestFactory().get("/")).status_code == 200 and built == ["/"]
