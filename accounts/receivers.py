import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.sessions import timeouts


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def stamp_session_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        timeouts.session_start(request.session, now=int(time.time()))
