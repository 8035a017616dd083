"""A real SAML 2.0 identity provider for the tests, built on pysaml2's `Server` (the
IdP side of the same library; its example IdP is not in the wheel) and served over
HTTP on localhost by a thread.

It speaks Web SSO with the HTTP-Redirect binding in and HTTP-POST out, signs the
response and the assertion with its own key, and answers single logout. Its "login"
is a form asking which test person you are (the SITHS card's part): the tests look at
what the service provider does with the signed answer, not at how the IdP checks cards.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import saml2
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

from tests.idp.keys import key_and_certificate

HSA_ATTRIBUTE = "http://sambi.se/attributes/1/employeeHsaId"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@dataclass
class SamlIdP:
    folder: Path
    sp_metadata: str
    people: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    logouts: list[str] = field(default_factory=list)
    # The name the browser uses: on the live server's name (localhost) the provider is
    # the same site, as a region's IdP is not; SameSite=None needs HTTPS (docs/administrator.md).
    host: str = "127.0.0.1"

    def start(self) -> SamlIdP:
        self.httpd = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.configure(f"http://{self.host}:{self.httpd.server_port}")
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def configure(self, base: str) -> SamlIdP:
        """The provider's configuration and metadata at `base` (no server needed)."""
        self.base = base
        key, cert = key_and_certificate(self.folder, "saml-idp")
        config = IdPConfig()
        config.load(
            {
                "entityid": f"{self.base}/metadata",
                "service": {
                    "idp": {
                        "name": "Test-IdP (SITHS)",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)
                            ],
                            "single_logout_service": [
                                (f"{self.base}/slo/redirect", saml2.BINDING_HTTP_REDIRECT)
                            ],
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "sign_response": True,
                        "sign_assertion": True,
                    }
                },
                "key_file": str(key),
                "cert_file": str(cert),
                "allow_unknown_attributes": True,
                **({"metadata": {"inline": [self.sp_metadata]}} if self.sp_metadata else {}),
            }
        )
        self.config = config
        self.server = Server(config=config)
        self.metadata = create_metadata_string(None, config=config, sign=False).decode()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata"

    # The WSGI application.
    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()
            }
        else:
            form = {}
        if path == "/metadata":
            return self._send(
                start_response, "200 OK", self.metadata, "application/samlmetadata+xml"
            )
        if path == "/sso/redirect":
            return self._send(start_response, "200 OK", self._login_form(query))
        if path == "/sso/login":
            return self._answer(start_response, form)
        if path == "/slo/redirect":
            return self._logout(start_response, query)
        return self._send(start_response, "404 Not Found", "not found")

    @staticmethod
    def _send(start_response, status, body, content_type="text/html; charset=utf-8", headers=()):
        data = body.encode()
        start_response(status, [("Content-Type", content_type), *headers])
        return [data]

    def _login_form(self, query) -> str:
        # Parsing here checks the request is a real one from a known service provider.
        self.server.parse_authn_request(query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        return (
            '<!doctype html><html lang="sv"><head><title>Test-IdP</title></head><body><main>'
            "<h1>Test-IdP: logga in med SITHS-kort</h1>"
            f'<form method="post" action="/sso/login">{hidden}'
            '<label for="username">Användarnamn</label>'
            '<input id="username" name="username" autocomplete="off">'
            '<button type="submit">Logga in</button></form></main></body></html>'
        )

    def _answer(self, start_response, form):
        request = self.server.parse_authn_request(form["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT)
        username = form.get("username", "")
        identity = self.people.get(username)
        if identity is None:
            return self._send(start_response, "403 Forbidden", "okänd testperson")
        args = self.server.response_args(request.message)
        response = self.server.create_authn_response(
            identity,
            userid=username,
            authn={"class_ref": saml2.saml.AUTHN_PASSWORD, "authn_auth": self.base},
            sign_response=True,
            sign_assertion=True,
            **args,
        )
        http = self.server.apply_binding(
            saml2.BINDING_HTTP_POST,
            str(response),
            args["destination"],
            form.get("RelayState", ""),
            response=True,
        )
        return self._send(start_response, "200 OK", http["data"])

    def _logout(self, start_response, query):
        request = self.server.parse_logout_request(
            query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT
        )
        self.logouts.append(str(request.message.name_id.text))
        response = self.server.create_logout_response(
            request.message, [saml2.BINDING_HTTP_REDIRECT]
        )
        binding, location = self.server.pick_binding(
            "single_logout_service",
            [saml2.BINDING_HTTP_REDIRECT],
            "spsso",
            entity_id=request.message.issuer.text,
        )
        http = self.server.apply_binding(
            binding, str(response), location, query.get("RelayState", ""), response=True
        )
        headers = [(k, v) for k, v in http["headers"] if k.lower() == "location"]
        return self._send(start_response, "303 See Other", "", headers=headers)
