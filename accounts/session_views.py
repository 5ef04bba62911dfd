"""The sessions page: the signed-in user's live sessions and sign-in activity, and
the buttons that end one of them or all the others."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts import selectors
from accounts.decorators import reauthentication_required
from accounts.services import user_sessions
from accounts.sessions.index import session_index_key
from accounts.views import signed_in_user


class SessionsView(LoginRequiredMixin, TemplateView):
    """The signed-in user's live sessions and recent sign-in activity."""

    template_name = "accounts/sessions.html"

    def get_context_data(self, **kwargs):
        user = signed_in_user(self.request)
        return super().get_context_data(
            sessions=selectors.sessions_for_user(
                user=user, current_session=self.request.session
            ),
            revocable=selectors.sessions_revocable(),
            revocation_limits=selectors.sessions_revocation_limits(),
            events=selectors.auth_events_for_user(user=user),
            **kwargs,
        )


@method_decorator(reauthentication_required, name="dispatch")
class SessionRevokeView(LoginRequiredMixin, View):
    """POST ``session_id``: end one of the user's other sessions."""

    http_method_names = ["post"]

    def post(self, request):
        session_id = request.POST.get("session_id", "")[:64]
        if user_sessions.session_revoke(user=request.user, session_id=session_id):
            messages.success(request, _("That session was signed out."))
        else:
            messages.error(
                request, _("That session had already ended; nothing was changed.")
            )
        return redirect("sessions")


@method_decorator(reauthentication_required, name="dispatch")
class SessionsRevokeOthersView(LoginRequiredMixin, View):
    """POST: end every session of the user except this one."""

    http_method_names = ["post"]

    def post(self, request):
        ended = user_sessions.sessions_revoke_all(
            user=request.user, keep_session_key=session_index_key(request.session)
        )
        messages.success(
            request,
            ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("sessions")
