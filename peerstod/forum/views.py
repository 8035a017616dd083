import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core import ratelimit
from peerstod.core.forms import add_service_errors, call_service
from peerstod.core.links import absolute
from peerstod.forum import reports, selectors, services
from peerstod.forum.forms import (
    AddendumForm,
    AgendaForm,
    AnswerForm,
    BoxForm,
    ForumForm,
    MeetingForm,
    SuggestionForm,
)
from peerstod.forum.models import Guest

READERS = selectors.READERS


@role_required(*READERS)
def index(request: HttpRequest, scope) -> HttpResponse:
    units = selectors.units_without_forum(scope=scope)
    form = ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = next((u for u in units if u.code == request.POST.get("unit")), None)
        if unit is None:
            form.add_error(None, _("Choose a unit where you work."))
        else:
            ok, forum = call_service(
                form,
                services.forum_setup,
                scope=scope,
                actor=request.user,
                unit=unit,
                **form.cleaned_data,
            )
            if ok:
                messages.success(request, _("The forum is set up."))
                return redirect("forum:detail", code=forum.public_code)
    forums = selectors.forums(scope=scope)
    return render(
        request,
        "forum/index.html",
        {
            "forums": forums,
            "units": units,
            "form": form,
            "report": reports.build(forums) if forums else None,
        },
    )


@role_required(*READERS)
def detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    forum = selectors.forum_get(scope=scope, code=code)
    if request.method == "POST":
        try:
            if "held_on" in request.POST:
                meeting = services.meeting_open(
                    scope=scope, actor=request.user, forum=forum, held_on=timezone.localdate()
                )
                return redirect("forum:meeting", code=meeting.code)
            suggestion = selectors.suggestion_get(
                scope=scope, code=request.POST.get("suggestion", ""), forum=forum
            )
            services.box_approve(
                scope=scope,
                actor=request.user,
                suggestion=suggestion,
                approve=request.POST.get("approve") == "yes",
            )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("forum:detail", code=code)
    return _detail_page(request, scope, forum)


def _detail_page(request, scope, forum, answering=None) -> HttpResponse:
    """The forum's page; `answering` is (suggestion, bound AnswerForm) when a manager's
    answer was refused: the page shows it again with the errors at its fields."""
    return render(
        request,
        "forum/detail.html",
        {
            "forum": forum,
            "meetings": forum.meetings.all()[:20],
            "open": selectors.open_suggestions(forum=forum),
            "answered": selectors.you_said_we_did(forum=forum),
            "pending": selectors.pending_box(forum=forum),
            "is_peer": forum.unit_id in scope.unit_ids(Role.PEER_SUPPORTER),
            "is_manager": forum.unit_id in scope.unit_ids(Role.UNIT_MANAGER),
            "box_url": absolute(reverse("forum:box", args=[forum.public_code])),
            "answer_form": AnswerForm(),
            "answering": {"code": answering[0].code, "form": answering[1]} if answering else None,
        },
    )


@role_required(*READERS)
def meeting(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.meeting_get(scope=scope, code=code)
    is_peer = item.forum.unit_id in scope.unit_ids(Role.PEER_SUPPORTER)
    services.delivery_read(actor=request.user, meeting=item)
    # Several forms on one page: prefixes keep their field ids apart.
    forms = {
        "meeting": MeetingForm(instance=item, prefix="meeting"),
        "agenda": AgendaForm(prefix="agenda"),
        "suggestion": SuggestionForm(prefix="suggestion"),
        "addendum": AddendumForm(prefix="addendum"),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.minutes_acknowledge(actor=request.user, meeting=item)
                messages.success(request, _("Thank you: the minutes are acknowledged."))
                return redirect("forum:meeting", code=code)
            if action == "close":
                services.meeting_close(scope=scope, actor=request.user, meeting=item)
                messages.success(
                    request, _("The minutes are locked and delivered to the unit's managers.")
                )
                return redirect("forum:meeting", code=code)
            form_class = {
                "meeting": MeetingForm,
                "agenda": AgendaForm,
                "suggestion": SuggestionForm,
                "addendum": AddendumForm,
            }.get(action)
            if form_class is not None:
                form = (
                    form_class(request.POST, instance=item, prefix=action)
                    if action == "meeting"
                    else form_class(request.POST, prefix=action)
                )
                forms[action] = form
                if form.is_valid():
                    data = form.cleaned_data
                    if action == "meeting":
                        fresh = selectors.meeting_get(scope=scope, code=code)
                        services.meeting_update(
                            scope=scope, actor=request.user, meeting=fresh, **data
                        )
                    elif action == "agenda":
                        services.agenda_add(scope=scope, actor=request.user, meeting=item, **data)
                    elif action == "suggestion":
                        services.suggestion_add(
                            scope=scope, actor=request.user, meeting=item, **data
                        )
                    else:
                        services.addendum_add(scope=scope, actor=request.user, meeting=item, **data)
                    messages.success(request, _("Saved."))
                    return redirect("forum:meeting", code=code)
        except ValidationError as error:
            target = forms.get(action) or forms["meeting"]
            add_service_errors(target, error)
    item.refresh_from_db()
    delivery = selectors.delivery_of(user=request.user, meeting=item)
    return render(
        request,
        "forum/meeting.html",
        {
            "meeting": item,
            "forms": forms,
            "is_peer": is_peer,
            "delivery": delivery,
            "deliveries": selectors.meeting_deliveries(actor=request.user, meeting=item),
            "guest_labels": [Guest(g).label for g in item.guests if g in Guest.values],
            "suggestions": item.suggestions.all(),
        },
    )


@require_POST
@role_required(Role.UNIT_MANAGER)
def answer(request: HttpRequest, scope, code: str) -> HttpResponse:
    suggestion = selectors.suggestion_get(scope=scope, code=code)
    form = AnswerForm(request.POST)
    if form.is_valid():
        ok, _done = call_service(
            form,
            services.suggestion_answer,
            scope=scope,
            actor=request.user,
            suggestion=suggestion,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Your answer is saved and goes on the next agenda."))
            return redirect("forum:detail", code=suggestion.forum.public_code)
    # Refused (a choice not in the list, personal data in the answer …): the forum's page
    # again, with the answer and what to correct at its fields; nothing was saved.
    return _detail_page(request, scope, suggestion.forum, answering=(suggestion, form))


# Public pages: the forum's opaque code, no login --------------------------------------


@login_not_required
@require_GET
def public(request: HttpRequest, code: str) -> HttpResponse:
    forum = selectors.public_forum(code=code)
    return render(
        request,
        "forum/public.html",
        {"forum": forum, "answered": selectors.you_said_we_did(forum=forum)},
    )


@login_not_required
@require_GET
def poster(request: HttpRequest, code: str) -> HttpResponse:
    forum = selectors.public_forum(code=code)
    return render(
        request,
        "forum/poster.html",
        {"forum": forum, "answered": selectors.you_said_we_did(forum=forum)[:8]},
    )


@login_not_required
def box(request: HttpRequest, code: str) -> HttpResponse:
    """The anonymous suggestion box. Counted per client in the shared cache
    (core.ratelimit, keyed on the address the proxy reports); the client's address never
    reaches the service and is never stored."""
    forum = selectors.public_forum(code=code)
    form = BoxForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.hit(request, "box"):
            form.add_error(
                None,
                _(
                    "Many suggestions have come from here in a short time. "
                    "Try again in an hour, or bring it to the next forum."
                ),
            )
            status = 429
        else:
            ok, _done = call_service(form, services.box_submit, forum=forum, **form.cleaned_data)
            if ok:
                return render(request, "forum/box_thanks.html", {"forum": forum})
    return render(request, "forum/box.html", {"forum": forum, "form": form}, status=status)


@login_not_required
@require_GET
def qr(request: HttpRequest, code: str) -> HttpResponse:
    forum = selectors.public_forum(code=code)
    image = qrcode.make(
        absolute(reverse("forum:box", args=[forum.public_code])),
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    return HttpResponse(image.to_string(), content_type="image/svg+xml")
