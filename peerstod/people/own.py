"""A peer supporter's own pages (work log, week, supervision) need the person the
network keeps for them. A login that holds the role but is not yet linked to a person
gets a page that says so and who can fix it, never a bare refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerstod.accounts.roles import Role


def own_person_required(view: Callable) -> Callable:
    """Below `role_required`: the view runs only for a user who is a peer supporter
    through a membership of their own (the platform administrator has no work log) and
    whose login the network has linked to a person."""

    @wraps(view)
    def wrapper(request: HttpRequest, scope, *args, **kwargs) -> HttpResponse:
        if not scope.holds(Role.PEER_SUPPORTER):
            raise PermissionDenied
        if getattr(request.user, "person", None) is None:
            return render(request, "people/not_linked.html")
        return view(request, scope, *args, **kwargs)

    wrapper.required_roles = getattr(view, "required_roles", ())  # type: ignore[attr-defined]
    return wrapper
