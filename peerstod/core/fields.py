"""Model fields shared by every app: guarded free text and opaque codes."""

from django.core.validators import MaxLengthValidator
from django.db import models

from peerstod.core.codes import new_code
from peerstod.core.privacy import no_personal_data


class GuardedCharField(models.CharField):
    """A short free-text field that refuses personal identifiers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if no_personal_data not in self.validators:
            self.validators.append(no_personal_data)


class GuardedTextField(models.TextField):
    """A long free-text field that refuses personal identifiers and has a length cap.

    The cap is enforced in validation (the database column stays unbounded) so that a
    5 MB paste gets a clear message instead of a stored blob.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4000)
        super().__init__(*args, **kwargs)
        max_length: int = kwargs["max_length"]
        self.validators.append(no_personal_data)
        self.validators.append(MaxLengthValidator(max_length))


class CodeField(models.CharField):
    """The opaque code an object is known by in URLs (`core.codes.new_code`): unique,
    random, never edited. An object's URL never reveals its database id or how many
    there are.

    Migrations see a plain `CharField` with the same arguments (see `deconstruct`), so
    adopting this field changes no schema and no migration refers to this class.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("default", new_code)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
