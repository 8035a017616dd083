from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one,
    otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def call_service(form, service, /, **kwargs) -> tuple[bool, Any]:
    """Call a service with a valid form's data: `(True, result)`, or `(False, None)` with
    the service's ValidationError shown on the form (nothing was saved: a use case is one
    transaction). The one way a view hands a form to a service:

        ok, employment = call_service(form, services.employment_create, scope=scope, ...)
        if ok:
            messages.success(request, ...)
            return redirect(...)
    """
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return False, None
