from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core import charts, dates
from peerstod.core.exports import workbook_response
from peerstod.core.forms import add_service_errors
from peerstod.people.own import own_person_required
from peerstod.work import calendar, reports, selectors, services
from peerstod.work.categories import HELP, MINUTE_CHOICES, OUTSIDE_ROLE, WITH_PATIENTS, Category
from peerstod.work.forms import CancelForm, EntryForm, LogForm, ScheduleItemForm
from peerstod.work.models import Format
from peerstod.work.week import monday_of, occurrences

PEER = (Role.PEER_SUPPORTER,)
REPORT_ROLES = (Role.PEER_SUPPORTER, Role.UNIT_MANAGER, Role.PROGRAMME_COORDINATOR)


def _person(request):
    """The peer supporter's own person: `own_person_required` has made sure of it."""
    return request.user.person


@role_required(*PEER)
@own_person_required
def log(request: HttpRequest, scope) -> HttpResponse:
    """Three taps: open the log, tap what it was, tap how long. No typing."""
    person = _person(request)
    today = timezone.localdate()
    units = list(selectors.employed_units(person=person, day=today))
    chosen = request.GET.get("kategori") or request.POST.get("category", "")
    category = Category(chosen) if chosen in Category.values else None
    form = LogForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and category is not None:
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            data = form.cleaned_data
            unit = next((u for u in units if u.code == data["unit"]), None)
            if unit is None:
                raise ValidationError(_("Choose a unit where you are employed."))
            participants = 1 if data["participants"] is None else data["participants"]
            entry = services.entry_log(
                actor=request.user,
                unit=unit,
                day=today,
                category=category,
                minutes=data["minutes"],
                format=Format.GROUP if participants > 1 else Format.INDIVIDUAL,
                participants=participants,
                note=data["note"],
                once=data["once"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
            if hasattr(problem, "error_dict"):
                add_service_errors(form, problem)  # the note's problem shown at the note too
        else:
            messages.success(
                request,
                _("Logged: %(what)s, %(minutes)d min.")
                % {"what": category.label, "minutes": entry.minutes},
            )
            return redirect("work:log")
    return render(
        request,
        "work/log.html",
        {
            "units": units,
            "category": category,
            "form": form,
            "help": HELP,
            "minutes": MINUTE_CHOICES,
            "core": [c for c in Category if c not in OUTSIDE_ROLE],
            "outside": [c for c in Category if c in OUTSIDE_ROLE],
            "outside_role": category in OUTSIDE_ROLE if category else False,
            "with_patients": category in WITH_PATIENTS if category else False,
            "recent": selectors.recent_entries(person=person),
            "error": error,
            "edit_days": services.EDIT_DAYS,
        },
    )


@role_required(*PEER)
def entry(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.entry_get(user=request.user, code=code)
    form = EntryForm(request.POST or None, instance=item)
    if request.method == "POST":
        try:
            if request.POST.get("delete") == "yes":
                services.entry_delete(actor=request.user, entry=item)
                messages.success(request, _("The entry was removed."))
                return redirect("work:log")
            if form.is_valid():
                fresh = selectors.entry_get(user=request.user, code=code)
                services.entry_update(
                    actor=request.user,
                    entry=fresh,
                    **{name: form.cleaned_data[name] for name in services.EDITABLE},
                )
                messages.success(request, _("The entry was corrected."))
                return redirect("work:log")
        except ValidationError as problem:
            add_service_errors(form, problem)
    return render(request, "work/entry.html", {"entry": item, "form": form})


@role_required(*PEER)
@own_person_required
def schedule(request: HttpRequest, scope) -> HttpResponse:
    person = _person(request)
    today = timezone.localdate()
    units = selectors.employed_units(person=person, day=today)
    form = ScheduleItemForm(request.POST or None, units=units, initial={"valid_from": today})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, once = data.pop("unit"), data.pop("once")
        try:
            services.schedule_item_add(
                scope=scope, actor=request.user, person=person, unit=unit, once=once, **data
            )
        except ValidationError as problem:
            add_service_errors(form, problem)
        else:
            messages.success(request, _("Added to your week."))
            return redirect("work:schedule")
    monday = _week(request, today)
    feed_token = request.session.pop("feed_token", None)
    feed_url = (
        request.build_absolute_uri(reverse("work:feed", args=[feed_token])) if feed_token else ""
    )
    return render(
        request,
        "work/schedule.html",
        {
            "form": form,
            "monday": monday,
            "units": units,
            "week": occurrences(selectors.schedule_items(person=person), monday),
            "items": selectors.schedule_items(person=person),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "feed_url": feed_url,
            # The same address for calendar programs that subscribe by webcal://.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
            "has_feed": selectors.has_calendar_feed(person=person),
        },
    )


def _week(request, today: date) -> date:
    """The Monday of `?vecka=` (any day of that week), else of this week."""
    return monday_of(dates.parse_day(request.GET.get("vecka"), today))


@role_required(*PEER)
def schedule_item(request: HttpRequest, scope, code: str) -> HttpResponse:
    item = selectors.schedule_item_get(scope=scope, user=request.user, code=code)
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("end") == "yes":
                services.schedule_item_end(
                    scope=scope, actor=request.user, item=item, last_day=timezone.localdate()
                )
                messages.success(request, _("The item was removed from your week."))
                return redirect("work:schedule")
            if form.is_valid():
                services.schedule_exception_set(
                    scope=scope,
                    actor=request.user,
                    item=item,
                    day=form.cleaned_data["day"],
                    moved_to=form.cleaned_data["moved_to"],
                    note=form.cleaned_data["note"],
                )
                moved = form.cleaned_data["moved_to"] is not None
                messages.success(
                    request, _("Moved that day.") if moved else _("Cancelled that day.")
                )
                return redirect("work:schedule")
        except ValidationError as problem:
            add_service_errors(form, problem)
    return render(request, "work/schedule_item.html", {"item": item, "form": form})


@role_required(*PEER)
@own_person_required
def feed_link(request: HttpRequest, scope) -> HttpResponse:
    if request.method != "POST":
        return redirect("work:schedule")
    person = _person(request)
    if request.POST.get("revoke") == "yes":
        services.calendar_feed_revoke(actor=request.user, person=person)
        messages.success(request, _("The calendar link no longer works."))
    else:
        had_one = selectors.has_calendar_feed(person=person)
        request.session["feed_token"] = services.calendar_feed_renew(
            actor=request.user, person=person
        )
        messages.success(
            request,
            _("A new calendar link was made; the old one stopped working.")
            if had_one
            else _("Your calendar link was made."),
        )
    return redirect("work:schedule")


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    person = selectors.feed_person(actor=request.user, token=token)
    body = calendar.ical(person, selectors.schedule_items(person=person), timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # ?ladda-ner: the same feed as a file to open once in a calendar program.
    disposition = "attachment" if "ladda-ner" in request.GET else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="peerstod.ics"'
    return response


@role_required(*REPORT_ROLES)
def poster(request: HttpRequest, scope, code: str) -> HttpResponse:
    unit = selectors.unit_for_poster(scope=scope, code=code)
    monday = _week(request, timezone.localdate())
    week = occurrences(selectors.unit_schedule(unit=unit), monday)
    days = [
        (monday + timedelta(days=n), [o for o in week if o.day == monday + timedelta(days=n)])
        for n in range(5)
    ]
    return render(request, "work/poster.html", {"unit": unit, "monday": monday, "days": days})


@role_required(*REPORT_ROLES)
def report(request: HttpRequest, scope) -> HttpResponse:
    today = timezone.localdate()
    last = dates.parse_month(request.GET.get("till"), today.replace(day=1))
    first = dates.parse_month(request.GET.get("fran"), (last - timedelta(days=150)).replace(day=1))
    first, last = reports.span(first, last)
    units = selectors.report_units(scope=scope)
    chosen = request.GET.get("enhet", "")
    person = selectors.own_person(request.user)
    if chosen == "" and person is not None and scope.has_role(Role.PEER_SUPPORTER):
        rows = selectors.activity_rows(person=person)
        result = reports.build(rows, first=first, last=last, suppress=False)
        title = _("My work")
    else:
        every = list(units)
        picked = next((u for u in every if u.code == chosen), None) if chosen else None
        if chosen and picked is None:
            raise Http404
        # One unit or all of them, suppressed as one table of every unit the viewer can
        # choose: no view minus another gives back what either hides.
        result = reports.build(
            selectors.activity_rows(units=every),
            first=first,
            last=last,
            suppress=True,
            units=every,
            chosen=picked,
        )
        title = picked.name if picked else _("All my units")
    labels = [f"{m.month:%Y-%m}" for m in result.months]
    if request.GET.get("format") == "xlsx":
        return _report_workbook(result, labels, today)
    # The trend: hours in and outside the peer role, month by month (hidden months: –).
    trend = (
        charts.grouped_bars(
            labels,
            {
                _("Hours in the peer role"): [m.core_hours for m in result.months],
                _("Hours outside the role"): [m.outside_hours for m in result.months],
            },
        )
        if result.categories
        else ""
    )
    totals = result.category_totals()
    chart = (
        charts.horizontal_bars(
            [name for name, _total in totals],
            [None if total is None else round(total) for _name, total in totals],
        )
        if result.categories
        else ""
    )
    return render(
        request,
        "work/report.html",
        {
            "report": result,
            "title": title,
            "units": units,
            "chosen": chosen,
            "first": first,
            "last": last,
            "labels": labels,
            "chart": chart,
            "trend": trend,
            "own_available": person is not None,
        },
    )


def _report_workbook(result: reports.ActivityReport, labels: list[str], today: date):
    hidden = "–"
    rows = [
        [name, *(hidden if v is None else v for v in values)]
        for name, values in result.hours_by_category()
    ]
    if result.suppressed:
        rows += [
            [],
            [
                _(
                    "– hidden: fewer than %(n)d peer supporters, or a second figure that "
                    "could otherwise be worked out from the total."
                )
                % {"n": result.threshold}
            ],
        ]
    return workbook_response(
        f"aktiviteter-{today:%Y%m%d}.xlsx", [(_("Hours"), [_("Kind"), *labels], rows)]
    )
