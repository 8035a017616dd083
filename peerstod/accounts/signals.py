import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from peerstod.core import audit


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs) -> None:
    now = time.time()
    request.session["login_at"] = now
    request.session["seen_at"] = now
    audit.record(actor=user, action="accounts.user.logged_in", obj=user)
