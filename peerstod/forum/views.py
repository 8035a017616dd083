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
            "today": forum.meetings.filter(held_on=timezone.localdate()).first(),
            "is_manager": forum.unit_id in scope.unit_ids(Role.UNIT_MANAGER),
            "box_url": absolute(reverse("forum:box", args=[forum.public_code])),
            "answer_form": AnswerForm(),
            "answering": {"code": answering[0].code, "form": answering[1]} if answering else None,
        },
    )


# The open meeting's page is one form with a section each for the agenda, a suggestion
# and the minutes: whichever button is pressed, what was typed in the other sections comes
# back (and is checked by the guard before anything is saved), so nothing typed is lost.
SECTIONS = {"agenda": AgendaForm, "suggestion": SuggestionForm, "meeting": MeetingForm}
SECTION_OF = {
    "agenda": "agenda",
    "suggestion": "suggestion",
    "meeting": "meeting",
    "close": "meeting",
}


def _section_form(name: str, meeting, data=None):
    if name == "meeting":
        return MeetingForm(data, instance=meeting, prefix="meeting")
    return SECTIONS[name](data, prefix=name)


def _typed(name: str, form, meeting) -> bool:
    """Whether the section holds something typed and not yet saved."""
    data = form.data
    if name == "meeting":
        if form.add_prefix("minutes") not in data:
            return False  # a post without the minutes' section (not from this page)
        return (
            data.get(form.add_prefix("minutes"), "").replace("\r\n", "\n")
            != meeting.minutes.replace("\r\n", "\n")
            or data.get(form.add_prefix("patients_present"), "") != str(meeting.patients_present)
            or sorted(data.getlist(form.add_prefix("guests"))) != sorted(meeting.guests)
        )
    return bool(data.get(form.add_prefix("text"), "").strip())


def _meeting_post(request: HttpRequest, scope, item, action: str):
    """A button of the open meeting's form: (done, forms). Every section with something
    typed is validated first; then only the pressed one is saved, and the others come
    back as they were typed."""
    forms = {name: _section_form(name, item, request.POST) for name in SECTIONS}
    pressed = SECTION_OF[action]
    typed = {name for name in SECTIONS if _typed(name, forms[name], item)}
    # Closing needs no section of its own: what is typed in the minutes is saved with it.
    needed = typed if action == "close" else typed | {pressed}
    checked = [forms[name].is_valid() for name in SECTIONS if name in needed]
    for name in SECTIONS:
        if name not in needed:  # nothing typed there: shown empty, without errors
            forms[name] = _section_form(name, item)
    if action == "close":
        for name in typed - {"meeting"}:
            forms[name].add_error(
                None, _("Add this before you close the meeting, or empty the field.")
            )
            checked.append(False)
    if not all(checked):
        return False, forms
    data = forms[pressed].cleaned_data if pressed in needed else {}
    try:
        if action == "close":
            fields = ("patients_present", "guests", "minutes")
            changes = {k: data[k] for k in fields} if data else None
            services.meeting_close(scope=scope, actor=request.user, meeting=item, changes=changes)
            messages.success(
                request, _("The minutes are locked and delivered to the unit's managers.")
            )
            return True, forms
        if action == "meeting":
            fresh = selectors.meeting_get(scope=scope, code=item.code)
            services.meeting_update(scope=scope, actor=request.user, meeting=fresh, **data)
            messages.success(request, _("The minutes are saved."))
        elif action == "agenda":
            services.agenda_add(scope=scope, actor=request.user, meeting=item, **data)
            messages.success(request, _("The item is on the agenda."))
        else:
            services.suggestion_add(scope=scope, actor=request.user, meeting=item, **data)
            messages.success(request, _("The suggestion is added."))
    except ValidationError as error:
        add_service_errors(forms[pressed], error)
        return False, forms
    if not typed - {pressed}:
        return True, forms
    # Something else was typed: the page again, with it, and the saved section empty.
    item.refresh_from_db()
    forms[pressed] = _section_form(pressed, item)
    return False, forms


@role_required(*READERS)
def meeting(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.meeting_get(scope=scope, code=code)
    is_peer = item.forum.unit_id in scope.unit_ids(Role.PEER_SUPPORTER)
    services.delivery_read(actor=request.user, meeting=item)
    # Prefixes keep the sections' field ids apart.
    forms = {name: _section_form(name, item) for name in SECTIONS}
    addendum = AddendumForm(prefix="addendum")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.minutes_acknowledge(actor=request.user, meeting=item)
                messages.success(request, _("Thank you: the minutes are acknowledged."))
                return redirect("forum:meeting", code=code)
            if action == "addendum":
                addendum = AddendumForm(request.POST, prefix="addendum")
                if addendum.is_valid():
                    services.addendum_add(
                        scope=scope, actor=request.user, meeting=item, **addendum.cleaned_data
                    )
                    messages.success(request, _("Saved."))
                    return redirect("forum:meeting", code=code)
        except ValidationError as error:
            add_service_errors(addendum if action == "addendum" else forms["meeting"], error)
        if action in SECTION_OF:
            done, forms = _meeting_post(request, scope, item, action)
            if done:
                return redirect("forum:meeting", code=code)
    item.refresh_from_db()
    delivery = selectors.delivery_of(user=request.user, meeting=item)
    forms["addendum"] = addendum
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
def public_index(request: HttpRequest) -> HttpResponse:
    """Every ward's "Ni sa – vi gjorde", found from the public start page."""
    groups: dict = {}
    for forum in selectors.public_forums():
        groups.setdefault(forum.unit.organisation, []).append(forum)
    return render(request, "forum/public_index.html", {"groups": list(groups.items())})


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
