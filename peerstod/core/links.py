"""Absolute addresses for what leaves the site: mails, printed slips, QR codes, posters.

They are all built from one setting, `SITE_URL`, never from the request that happened to
ask: a page opened on an internal host name must not print slips that lead there."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The address people reach Peerstöd at, without a trailing slash."""
    return settings.SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """`path` (from `reverse`, starting with "/") under the site's address."""
    return site_url() + path


DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{netloc}")
    return (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def host_differs(request) -> bool:
    """True when the request came to another host (or port) than the site's address: a
    sign that SITE_URL is not the address the people following the links will use."""
    site = urlsplit(site_url())
    return _host_and_port(request.get_host(), request.scheme) != _host_and_port(
        site.netloc, site.scheme
    )
