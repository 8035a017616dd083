from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peerstod.accounts.permissions import role_required
from peerstod.jobs import selectors


@require_GET
@role_required()
def detail(request: HttpRequest, scope, code: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, code=code)
    response = render(request, "jobs/detail.html", {"job": job})
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
