from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peerstod.accounts.permissions import role_required
from peerstod.jobs import registry, selectors, services


@require_GET
@role_required()
def detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, code=code)
    hours = registry.short_lived().get(job.kind)
    response = render(
        request,
        "jobs/detail.html",
        {"job": job, "keep_hours": hours, "keep_days": settings.JOBS_KEEP_DAYS},
    )
    if not job.finished and not job.lost:
        # The page asks again by itself until the job is done (no script needed).
        response["Refresh"] = "2"
    return response


@require_GET
@role_required()
def download(request: HttpRequest, scope, code: str) -> HttpResponse:
    job = selectors.job_with_output(user=request.user, code=code)
    response = HttpResponse(bytes(job.output), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@require_POST
@role_required()
def delete_file(request: HttpRequest, scope, code: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, code=code)
    services.job_file_delete(actor=request.user, job=job)
    messages.success(request, _("The file is deleted from Peerstöd."))
    return redirect(job.get_absolute_url())
