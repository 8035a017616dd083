"""The client's address, for rate limits and lockout. Never stored.

Behind the load balancer (`BEHIND_PROXY=true`) every request comes from the balancer,
so the client is the address the balancer appended to X-Forwarded-For: counted from the
right, the `PROXY_COUNT`-th entry (1 for one balancer) is the one our own proxy wrote;
anything to its left was written by the client and is not trusted (the rule of
Werkzeug's ProxyFix and of nginx's `real_ip_recursive`).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _address(request.META.get("REMOTE_ADDR", "") or "") or ""
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < settings.PROXY_COUNT:
        return remote
    return _address(hops[-settings.PROXY_COUNT]) or remote


def client_ip_for_axes(request: HttpRequest, *args, **kwargs) -> str | None:
    return client_ip(request) or None


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """The client address; IPv6 by its /64 network, which one household or phone holds."""
    address = client_ip(request)
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address
