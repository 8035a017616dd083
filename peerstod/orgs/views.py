from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peerstod.accounts import selectors as account_selectors
from peerstod.accounts.navigation import AGREEMENT_ROLES, ORGANISATION_READERS
from peerstod.accounts.permissions import role_required
from peerstod.accounts.roles import Role
from peerstod.core.forms import call_service
from peerstod.orgs import selectors, services
from peerstod.orgs.forms import AgreementForm, UnitForm

UNIT_READERS = (*ORGANISATION_READERS, Role.PEER_SUPPORTER)


@role_required(*ORGANISATION_READERS)
def organisation_list(request: HttpRequest, scope) -> HttpResponse:
    organisations = selectors.organisation_list(scope=scope, roles=ORGANISATION_READERS)
    return render(request, "orgs/organisation_list.html", {"organisations": organisations})


@role_required(*ORGANISATION_READERS)
def organisation_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    organisation = selectors.organisation_get(scope=scope, code=code, roles=ORGANISATION_READERS)
    units = selectors.unit_list(scope=scope, roles=ORGANISATION_READERS, organisation=organisation)
    members = account_selectors.membership_list_for_organisation(
        scope=scope, actor=request.user, organisation=organisation
    )
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "organisation": organisation,
            "units": units,
            "members": members,
            "can_add_unit": organisation.pk in scope.organisation_ids(*selectors.UNIT_EDITORS)
            and not organisation.is_network,
        },
    )


@role_required(*UNIT_READERS)
def unit_detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    unit = selectors.unit_get(scope=scope, code=code, roles=UNIT_READERS)
    members = account_selectors.membership_list_for_unit(scope=scope, actor=request.user, unit=unit)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "members": members,
            "can_edit": unit.organisation_id in scope.organisation_ids(*selectors.UNIT_EDITORS),
        },
    )


@role_required(*selectors.UNIT_EDITORS)
def unit_create(request: HttpRequest, scope) -> HttpResponse:
    organisations = selectors.organisations_for_unit_editing(scope=scope)
    form = UnitForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
        ok, unit = call_service(
            form,
            services.unit_create,
            scope=scope,
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            **data,
        )
        if ok:
            messages.success(request, _("The unit %(unit)s was added.") % {"unit": unit})
            return redirect("orgs:unit", code=unit.code)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": None})


@role_required(*selectors.UNIT_EDITORS)
def unit_edit(request: HttpRequest, scope, code: str) -> HttpResponse:
    unit = selectors.unit_get(scope=scope, code=code, roles=selectors.UNIT_EDITORS)
    organisations = selectors.organisations_for_unit_editing(scope=scope)
    form = UnitForm(request.POST or None, instance=unit, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        # The form has already written its values onto `unit`; the service re-reads it.
        fields = {
            name: form.cleaned_data[name]
            for name in services.UNIT_EDITABLE
            if name in form.cleaned_data
        }
        fresh = selectors.unit_get(scope=scope, code=code, roles=selectors.UNIT_EDITORS)
        ok, _done = call_service(
            form, services.unit_update, scope=scope, actor=request.user, unit=fresh, **fields
        )
        if ok:
            messages.success(request, _("The changes were saved."))
            return redirect("orgs:unit", code=code)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@role_required(*AGREEMENT_ROLES)
def agreement_list(request: HttpRequest, scope) -> HttpResponse:
    agreements = selectors.agreement_list(scope=scope)
    return render(
        request,
        "orgs/agreement_list.html",
        {
            "agreements": agreements,
            "today": scope.day,
            "can_create": scope.has_role(Role.NETWORK_COORDINATOR),
        },
    )


@role_required(Role.NETWORK_COORDINATOR)
def agreement_create(request: HttpRequest, scope) -> HttpResponse:
    networks = selectors.networks_coordinated(scope=scope)
    form = AgreementForm(
        request.POST or None,
        networks=networks,
        principals=selectors.principals_for_agreement(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _done = call_service(
            form,
            services.agreement_create,
            scope=scope,
            actor=request.user,
            network=data["network"],
            principal=data["principal"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            note=data.get("note", ""),
        )
        if ok:
            messages.success(request, _("The agreement was saved."))
            return redirect("orgs:agreements")
    return render(request, "orgs/agreement_form.html", {"form": form})
