from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from peerstod.accounts.navigation import AUDIT_READERS
from peerstod.accounts.permissions import role_required
from peerstod.home import selectors
from peerstod.home.dashboard import sections_for
from peerstod.notifications import selectors as notification_selectors


@login_not_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home:dashboard")
    return render(request, "home/start.html")


@role_required()
def dashboard(request: HttpRequest, scope) -> HttpResponse:
    return render(request, "home/dashboard.html", {"sections": sections_for(scope)})


@role_required(*AUDIT_READERS)
def audit_log(request: HttpRequest, scope) -> HttpResponse:
    events = selectors.audit_event_list(scope=scope, actor=request.user)
    page = Paginator(events, 50).get_page(request.GET.get("sida"))
    return render(request, "home/audit.html", {"page": page})


@role_required()
def notifications(request: HttpRequest, scope) -> HttpResponse:
    """The logged-in user's own reminders (any role: each sees only theirs)."""
    return render(
        request,
        "home/notifications.html",
        {"notifications": notification_selectors.notifications(user=request.user)},
    )
