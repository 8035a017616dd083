"""Model fields for free text. Every free-text field in Peerstöd is one of these."""

from django.core.validators import MaxLengthValidator
from django.db import models

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
