from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerstod.notifications import selectors


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The logged-in user's own reminders (any role: each sees only theirs)."""
    return render(
        request,
        "notifications/notifications.html",
        {"notifications": selectors.notifications(user=request.user)},
    )
