"""The client's address, for rate limits and lockout. Never stored.

Behind the load balancer (`BEHIND_PROXY=true`) every request comes from the balancer,
so the client is the address the balancer appended to X-Forwarded-For: the right-most
`PROXY_COUNT` hops are ours; anything to their left was written by the client and is
not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    if settings.BEHIND_PROXY:
        found, _routable = get_client_ip(
            request,
            proxy_order="right-most",
            proxy_count=settings.PROXY_COUNT,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
        )
        if found:
            return found
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_ip_for_axes(request: HttpRequest, *args, **kwargs) -> str:
    return client_ip(request)


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """The client address; IPv6 by its /64 network, which one household or phone holds."""
    address = client_ip(request)
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address
