import time

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from peerstod.accounts import services

# The last-login time is written with the audit row in one use case (below).
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs) -> None:
    now = time.time()
    request.session["login_at"] = now
    request.session["seen_at"] = now
    services.user_logged_in(user=user)
